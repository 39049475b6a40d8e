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
NEW_LOGIN='{"username": "alice", "password": "a brand new passphrase"}'
# The reset mail is printed by the server. By hand, start it with
#   flask --app authapp run 2>&1 | tee server.log
# and run this script with SERVER_LOG=server.log (make try does all of that).
SERVER_LOG="${SERVER_LOG:-server.log}"

# reset_token: the token in the newest reset link of the server's output. The
# mail may be quoted-printable: lines end in a soft break "=" and "=" is "=3D".
reset_token() {
  local token="" tries=0
  while [ -z "$token" ] && [ $tries -lt 50 ]; do  # the mail goes out in the background
    token=$(tr -d '\r' < "$SERVER_LOG" 2>/dev/null | sed -e ':a' -e '/=$/N' -e 's/=\n//' -e 'ta' |
            sed 's/=3D/=/g' | grep -o 'reset-password?token=[A-Za-z0-9._-]*' | tail -n 1 | cut -d= -f2 || true)
    [ -n "$token" ] || { sleep 0.2; tries=$((tries + 1)); }
  done
  [ -n "$token" ] || { echo "!! no reset link in $SERVER_LOG" >&2; exit 1; }
  echo "$token"
}

say "Is the app up, and which step is it?"
call 200 GET /

say "Alice registers and logs in (this cookie jar is her laptop)"
call 201 POST /auth/register "$ALICE"
call 200 POST /auth/login "$LOGIN"

say "Forgot password: the same answer for a registered and an unknown address"
call 202 POST /auth/forgot-password '{"email": "alice@example.com"}'
call 202 POST /auth/forgot-password '{"email": "nobody@example.com"}'

say "The mail's link carries a signed, timed token"
TOKEN=$(reset_token)
echo "token=$TOKEN"

say "Reset: 200, and every session of Alice ends, the laptop's too"
call 200 POST /auth/reset-password "{\"token\": \"$TOKEN\", \"password\": \"a brand new passphrase\"}"
call 401 GET /auth/me

say "The same link a second time: refused, the token was single-use"
call 400 POST /auth/reset-password "{\"token\": \"$TOKEN\", \"password\": \"yet another passphrase\"}"

say "Log in with the new password, then change it (the current one is required)"
call 200 POST /auth/login "$NEW_LOGIN"
call 403 POST /auth/change-password '{"current_password": "not my password at all", "new_password": "another good passphrase"}'
call 200 POST /auth/change-password '{"current_password": "a brand new passphrase", "new_password": "another good passphrase"}'

say "A change keeps this session (it ends all the others)"
call 200 GET /auth/me
