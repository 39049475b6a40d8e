#!/usr/bin/env bash
# Try it: the requests this step's page shows, each with the answer it got.
#
# Start the step on an empty database (from the repository root: `make try STEP=05`
# does it all on a free port and prints every answer), or by hand: run the step
# with `make run STEP=05 FRESH=1` in one terminal and copy the commands from the page
# into another, one at a time. `bash walkthrough.sh` runs them all at once.
#
# The page is made from this file: "## " lines are its prose, each group of
# command lines is one copyable block, and "#> " lines are what the repository's
# tests check in that block's answer (scripts/docsite/tryit.py explains them).

## The app's address (another port? change it here):
API=${API:-http://127.0.0.1:5000}

## Every answer carries the security headers a JSON API needs:
curl -i "$API/"
#> status 200
#> header Content-Security-Policy: default-src 'none'
#> header X-Content-Type-Options: nosniff
#> header X-Frame-Options: DENY
#> header Referrer-Policy: no-referrer
#> header Cross-Origin-Resource-Policy: same-origin
#> header Cache-Control: no-store
#> header X-XSS-Protection: 0

## A long but guessable password is refused, with the reason:
curl -i "$API/auth/register" \
  -H 'Content-Type: application/json' \
  -d '{"username": "bob", "email": "bob@example.com", "password": "passwordpassword"}'
#> status 400
#> prints too easy to guess

## Register Alice:
curl -i "$API/auth/register" \
  -H 'Content-Type: application/json' \
  -d '{"username": "alice", "email": "alice@example.com",
       "password": "correct horse battery staple"}'
#> status 201

## A page from an origin the API doesn't list can't change anything (CSRF):
curl -i "$API/auth/login" \
  -H 'Origin: http://localhost:8080' \
  -H 'Content-Type: application/json' \
  -d '{"username": "alice", "password": "correct horse battery staple"}'
#> status 403

## Alice logs in from her browser (curl keeps its cookies in `alice.txt`).
## Besides the session, the answer sets `known_browser`: this browser has
## logged in to this account before.
curl -i -b alice.txt -c alice.txt "$API/auth/login" \
  -H 'Content-Type: application/json' \
  -d '{"username": "alice", "password": "correct horse battery staple"}'
#> status 200
#> header Set-Cookie: known_browser=

## Somebody else, with no cookies, guesses. From a browser that isn't known,
## every attempt counts as it arrives: ten a minute from one address, and
## Alice's first login above was one of them... (`-s -o /dev/null -w` prints
## only each answer's status)
for attempt in 1 2 3 4 5 6 7 8 9; do
  curl -s -o /dev/null -w '%{http_code} ' "$API/auth/login" \
    -H 'Content-Type: application/json' \
    -d '{"username": "alice", "password": "not the right password"}'
done
#> prints 401 401 401 401 401 401 401 401 401

## ...then the next one is `429 Too Many Requests`, with `Retry-After`, even
## with the right password:
curl -i "$API/auth/login" \
  -H 'Content-Type: application/json' \
  -d '{"username": "alice", "password": "correct horse battery staple"}'
#> status 429
#> header Retry-After

## Alice's own browser isn't locked out: it has an allowance of its own.
## Run this page once per server start: the limits remember for a while.
curl -i -b alice.txt -c alice.txt "$API/auth/login" \
  -H 'Content-Type: application/json' \
  -d '{"username": "alice", "password": "correct horse battery staple"}'
#> status 200
