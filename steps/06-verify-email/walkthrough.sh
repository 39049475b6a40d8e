#!/usr/bin/env bash
# "Try it" for this step: the requests its page shows, with their real answers.
# Easiest, from the repository root: `make try STEP=<number>` (a fresh database, a free
# port, this script). By hand: start the step on an empty database, then
# `bash walkthrough.sh` (BASE_URL defaults to http://127.0.0.1:5000).
# Every request states the status it expects; any other answer stops the script.
set -euo pipefail

BASE_URL="${BASE_URL:-http://127.0.0.1:5000}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
JAR="$WORK/cookies.txt"  # the cookies a browser would keep

say() { printf '\n# %s\n' "$*"; }

# call EXPECTED_STATUS METHOD PATH [JSON_BODY] [HEADER...]
call() {
  local expected=$1 method=$2 path=$3 body=${4:-}
  shift $(($# < 4 ? $# : 4))
  local options=(--silent --show-error --request "$method" --cookie "$JAR" --cookie-jar "$JAR"
                 --dump-header "$WORK/headers" --output "$WORK/body" --write-out '%{http_code}')
  local type=application/json extra
  echo "> $method $path${body:+ $body}"
  for extra in "$@"; do
    echo "> $extra"
    case "$extra" in
      [Cc]ontent-[Tt]ype:*) type="${extra#*: }" ;;
      *) options+=(--header "$extra") ;;
    esac
  done
  if [ -n "$body" ]; then
    options+=(--header "Content-Type: $type" --data "$body")
  fi
  local status
  status=$(curl "${options[@]}" "$BASE_URL$path")
  echo "< $status $(cat "$WORK/body")" | sed 's/ $//'
  if [ "$status" != "$expected" ]; then
    echo "!! expected $expected, got $status" >&2
    exit 1
  fi
}

# show NAME [TEXT...]: print the last response's NAME header; stop unless it contains each TEXT
show() {
  local name=$1 line text
  shift
  line=$(grep -i "^$name:" "$WORK/headers" | tr -d '\r' || true)
  echo "< ${line:-(no $name header)}"
  for text in "$@"; do
    if [[ "$line" != *"$text"* ]]; then
      echo "!! expected the $name header to contain: $text" >&2
      exit 1
    fi
  done
}

# expect TEXT: stop unless the last response's body contains TEXT
expect() {
  grep -qF -- "$1" "$WORK/body" || { echo "!! expected the body to contain: $1" >&2; exit 1; }
}

ALICE='{"username": "alice", "email": "alice@example.com", "password": "correct horse battery staple"}'
LOGIN='{"username": "alice", "password": "correct horse battery staple"}'
WRONG='{"username": "alice", "password": "not the right password"}'

say "Every answer carries the security headers a JSON API needs"
call 200 GET /
show Content-Security-Policy "default-src 'none'"
show X-Content-Type-Options nosniff
show X-Frame-Options DENY
show Referrer-Policy no-referrer
show X-XSS-Protection 0

say "Long but common: refused, with the reason"
call 400 POST /auth/register '{"username": "bob", "email": "bob@example.com", "password": "passwordpassword"}'
expect "most common passwords"

say "Register; answers about accounts are never cached"
call 201 POST /auth/register "$ALICE"
show Cache-Control no-store

say "A page from an origin we don't list can't change anything (CSRF)"
call 403 POST /auth/login "$LOGIN" "Origin: http://localhost:8080"

say "Five failed logins a minute from one address, then 429 with Retry-After"
for attempt in 1 2 3 4 5; do
  call 401 POST /auth/login "$WRONG"
done
call 429 POST /auth/login "$WRONG"
show Retry-After

say "Once limited, even the right password waits"
call 429 POST /auth/login "$LOGIN"
