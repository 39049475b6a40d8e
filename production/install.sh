#!/bin/sh
# Debian's PostgreSQL, Redis and wrk (the load generator of make bench),
# installed only when one of them is missing. apt-get needs root.
set -eu
missing=""
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || missing="$missing postgresql"
command -v redis-server >/dev/null || missing="$missing redis-server"
command -v wrk >/dev/null || missing="$missing wrk"
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
    echo "Missing:$missing. Install them with: sudo apt-get install -y$missing" >&2
    exit 1
fi
apt-get update -qq
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $missing >/dev/null
