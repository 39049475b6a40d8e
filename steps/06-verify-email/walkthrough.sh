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
# The mails are printed by the server. By hand, start it with
#   flask --app authapp run 2>&1 | tee server.log
# and run this script with SERVER_LOG=server.log (make try does all of that).
SERVER_LOG="${SERVER_LOG:-server.log}"

# mailed_token [OLD]: the token of the newest verification link in the server's
# output, once it is not OLD (the mail goes out in the background).
mailed_token() {
  local token="" tries=0
  while { [ -z "$token" ] || [ "$token" = "${1:-}" ]; } && [ $tries -lt 50 ]; do
    token=$(tr -d '\r' < "$SERVER_LOG" 2>/dev/null | grep -o 'verify-email?token=[A-Za-z0-9._-]*' |
            tail -n 1 | cut -d= -f2 || true)
    sleep 0.2
    tries=$((tries + 1))
  done
  [ -n "$token" ] && [ "$token" != "${1:-}" ] || { echo "!! no new verification link in $SERVER_LOG" >&2; exit 1; }
  echo "$token"
}

say "Register: the account starts unverified, and a link is mailed"
call 201 POST /auth/register "$ALICE"
expect '"email_verified":false'

say "A wrong password gets the usual 401; only the right one learns why there is no login yet"
call 401 POST /auth/login "$WRONG"
call 403 POST /auth/login "$LOGIN"

say "Follow the link in the mail: the address is verified, and the link is used up"
TOKEN=$(mailed_token)
call 200 POST /auth/verify-email "{\"token\": \"$TOKEN\"}"
call 400 POST /auth/verify-email "{\"token\": \"$TOKEN\"}"
call 200 POST /auth/login "$LOGIN"

say "Asking for a new link: the same answer for every address"
call 202 POST /auth/resend-verification '{"email": "alice@example.com"}'
call 202 POST /auth/resend-verification '{"email": "nobody@example.com"}'

say "A new address: nothing changes until the link mailed to it is followed"
call 202 POST /auth/change-email '{"password": "correct horse battery staple", "new_email": "alice@new.example"}'
call 200 GET /auth/me
expect '"email":"alice@example.com"'
call 200 POST /auth/verify-email "{\"token\": \"$(mailed_token "$TOKEN")\"}"
expect '"email":"alice@new.example"'
