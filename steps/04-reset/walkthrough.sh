#!/usr/bin/env bash
# Try it: the requests this step's page shows, each with the answer it got.
#
# Start the step on an empty database (from the repository root: `make try STEP=04`
# does it all on a free port and prints every answer), or by hand: run the step
# with `make run STEP=04 FRESH=1` in one terminal and copy the commands from the page
# into another, one at a time. `bash walkthrough.sh` runs them all at once.
#
# The page is made from this file: "## " lines are its prose, each group of
# command lines is one copyable block, and "#> " lines are what the repository's
# tests check in that block's answer (scripts/docsite/tryit.py explains them).

## The app's address (another port? change it here):
API=${API:-http://127.0.0.1:5000}

## Alice registers and logs in. `cookies.txt` is her laptop's browser.
curl -i "$API/auth/register" \
  -H 'Content-Type: application/json' \
  -d '{"username": "alice", "email": "alice@example.com",
       "password": "correct horse battery staple"}'
#> status 201

curl -i -b cookies.txt -c cookies.txt "$API/auth/login" \
  -H 'Content-Type: application/json' \
  -d '{"username": "alice", "password": "correct horse battery staple"}'
#> status 200

## Forgot password: the same answer for a registered address...
curl -i "$API/auth/forgot-password" \
  -H 'Content-Type: application/json' \
  -d '{"email": "alice@example.com"}'
#> status 202

## ...and for an unknown one:
curl -i "$API/auth/forgot-password" \
  -H 'Content-Type: application/json' \
  -d '{"email": "nobody@example.com"}'
#> status 202

## The app printed the mail in its terminal. Copy the token from its link into
## `TOKEN`, or let `grep` find it in `server.log`:
TOKEN=$(grep -o 'token=[A-Za-z0-9._-]*' server.log | tail -n 1 | cut -d= -f2)

## Reset the password with it. Every session of Alice ends, the laptop's too:
curl -i "$API/auth/reset-password" \
  -H 'Content-Type: application/json' \
  -d "{\"token\": \"$TOKEN\", \"password\": \"a brand new passphrase\"}"
#> status 200

curl -i -b cookies.txt -c cookies.txt "$API/auth/me"
#> status 401

## The same link a second time is refused: the token was single-use.
curl -i "$API/auth/reset-password" \
  -H 'Content-Type: application/json' \
  -d "{\"token\": \"$TOKEN\", \"password\": \"yet another passphrase\"}"
#> status 400

## Log in with the new password, then change it (this session stays, the
## others end):
curl -i -b cookies.txt -c cookies.txt "$API/auth/login" \
  -H 'Content-Type: application/json' \
  -d '{"username": "alice", "password": "a brand new passphrase"}'
#> status 200

curl -i -b cookies.txt -c cookies.txt "$API/auth/change-password" \
  -H 'Content-Type: application/json' \
  -d '{"current_password": "a brand new passphrase",
       "new_password": "another good passphrase"}'
#> status 200
