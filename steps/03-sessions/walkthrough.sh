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

say "Is the app up, and which step is it?"
call 200 GET /

say "Register: 201 and the public view of the user (never the hash)"
call 201 POST /auth/register "$ALICE"
expect '"username":"alice"'

say "Not logged in yet"
call 401 GET /auth/me

say "Log in: the cookie holds a random token, and JavaScript can't read it"
call 200 POST /auth/login "$LOGIN"
show Set-Cookie HttpOnly SameSite=Lax
call 200 GET /auth/me

say "A thief copies the cookie; then Alice logs out"
cp "$JAR" "$WORK/stolen.txt"
call 204 POST /auth/logout
call 401 GET /auth/me

say "The stolen copy is worthless: its session row is gone from the database"
JAR="$WORK/stolen.txt"
call 401 GET /auth/me
JAR="$WORK/cookies.txt"

say "CORS: the listed front end may call with cookies..."
call 200 POST /auth/login "$LOGIN" "Origin: http://localhost:3000"
show Access-Control-Allow-Origin http://localhost:3000
show Access-Control-Allow-Credentials true

say "...any other origin gets no CORS headers, so its page can't read the answer"
call 200 POST /auth/login "$LOGIN" "Origin: http://evil.example"
show Access-Control-Allow-Origin

say "Only JSON is accepted: a text/plain form post from another site sets no cookie"
call 415 POST /auth/login "$LOGIN" "Content-Type: text/plain"
show Set-Cookie
