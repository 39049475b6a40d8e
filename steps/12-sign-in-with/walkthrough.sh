#!/usr/bin/env bash
# Try it: the requests this step's page shows, each with the answer it got.
#
# Start the step on an empty database (from the repository root: `make try STEP=09`
# does it all on a free port and prints every answer), or by hand: run the step
# with `make run STEP=09 FRESH=1 2>&1 | tee server.log` in one terminal and copy the
# commands from the page into another, in the same folder, one at a time.
# `bash walkthrough.sh` runs them all at once.
#
# The page is made from this file: "## " lines are its prose, each group of
# command lines is one copyable block, and "#> " lines are what the repository's
# tests check in that block's answer (scripts/docsite/tryit.py explains them).

## The app's address (another port? change it here):
API=${API:-http://127.0.0.1:5000}

## Alice registers, slipping in a role of her choosing; the user object says
## "roles": [] (no body can set one). She follows the mailed link and logs in:
curl -s "$API/auth/register" -H 'Content-Type: application/json' \
  -d '{"username": "alice", "email": "alice@example.com",
       "password": "correct horse battery staple", "roles": ["admin"]}'
#> prints "roles":[]

TOKEN=$(grep -o 'verify-email?token=[A-Za-z0-9._-]*' server.log | tail -n 1 | cut -d= -f2)
curl -s "$API/auth/verify-email" -H 'Content-Type: application/json' \
  -d "{\"token\": \"$TOKEN\", \"password\": \"correct horse battery staple\"}" > /dev/null
curl -s -b alice.txt -c alice.txt "$API/auth/login" -H 'Content-Type: application/json' \
  -d '{"username": "alice", "password": "correct horse battery staple"}'
#> prints "username":"alice"

## She writes a note. Its owner comes from her session, never from the body:
curl -s -b alice.txt -c alice.txt "$API/notes" -H 'Content-Type: application/json' \
  -d '{"text": "the spare key is under the third flowerpot", "user_id": 2}'
#> prints "id":1

## Bob registers and logs in the same way:
curl -s "$API/auth/register" -H 'Content-Type: application/json' \
  -d '{"username": "bob", "email": "bob@example.com",
       "password": "bob keeps a long and uncommon passphrase"}' > /dev/null
TOKEN=$(grep -o 'verify-email?token=[A-Za-z0-9._-]*' server.log | tail -n 1 | cut -d= -f2)
curl -s "$API/auth/verify-email" -H 'Content-Type: application/json' \
  -d "{\"token\": \"$TOKEN\", \"password\": \"bob keeps a long and uncommon passphrase\"}" > /dev/null
curl -s -b bob.txt -c bob.txt "$API/auth/login" -H 'Content-Type: application/json' \
  -d '{"username": "bob", "password": "bob keeps a long and uncommon passphrase"}'
#> prints "username":"bob"

## He guesses the id of Alice's note, then one nobody has: the same answer
## twice, so he learns nothing, not even that note 1 exists.
curl -s -w '\n' -b bob.txt -c bob.txt "$API/notes/1"
curl -s -w '\n' -b bob.txt -c bob.txt "$API/notes/99"
#> prints {"error": "you have no note with this id"}

## The admin routes: 403 for Bob (logged in, no permission), 401 with no session.
curl -s -o /dev/null -w '%{http_code}\n' -b bob.txt -c bob.txt "$API/admin/users"
curl -s -o /dev/null -w '%{http_code}\n' "$API/admin/users"
#> prints 403
#> prints 401
