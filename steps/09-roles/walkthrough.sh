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

## Alice registers, and slips in a role of her own choosing. The answer's user
## object now has "roles": still empty, since no request body can set one:
curl -i "$API/auth/register" \
  -H 'Content-Type: application/json' \
  -d '{"username": "alice", "email": "alice@example.com",
       "password": "correct horse battery staple", "roles": ["admin"], "is_admin": true}'
#> status 201
#> prints "roles":[]

## She follows the link the app mails her (step 06) and logs in:
TOKEN=$(grep -o 'verify-email?token=[A-Za-z0-9._-]*' server.log | tail -n 1 | cut -d= -f2)

curl -i "$API/auth/verify-email" \
  -H 'Content-Type: application/json' \
  -d "{\"token\": \"$TOKEN\", \"password\": \"correct horse battery staple\"}"
#> status 200

curl -i -b alice.txt -c alice.txt "$API/auth/login" \
  -H 'Content-Type: application/json' \
  -d '{"username": "alice", "password": "correct horse battery staple"}'
#> status 200

## She writes a note. It is hers: the owner comes from her session, never from the body.
curl -i -b alice.txt -c alice.txt "$API/notes" \
  -H 'Content-Type: application/json' \
  -d '{"text": "the spare key is under the third flowerpot", "user_id": 2}'
#> status 201
#> prints "id":1

## Bob registers and logs in the same way:
curl -i "$API/auth/register" \
  -H 'Content-Type: application/json' \
  -d '{"username": "bob", "email": "bob@example.com",
       "password": "bob keeps a long and uncommon passphrase"}'
#> status 201

TOKEN=$(grep -o 'verify-email?token=[A-Za-z0-9._-]*' server.log | tail -n 1 | cut -d= -f2)

curl -i "$API/auth/verify-email" \
  -H 'Content-Type: application/json' \
  -d "{\"token\": \"$TOKEN\", \"password\": \"bob keeps a long and uncommon passphrase\"}"
#> status 200

curl -i -b bob.txt -c bob.txt "$API/auth/login" \
  -H 'Content-Type: application/json' \
  -d '{"username": "bob", "password": "bob keeps a long and uncommon passphrase"}'
#> status 200

## Bob guesses the id of Alice's note. The same 404 as for a note nobody has:
## he learns nothing, not even that note 1 exists.
curl -i -b bob.txt -c bob.txt "$API/notes/1"
#> status 404
#> prints you have no note with this id

curl -i -b bob.txt -c bob.txt "$API/notes/99"
#> status 404
#> prints you have no note with this id

## He tries the admin routes: a 403, he is logged in but has no permission.
## Without any session, a 401.
curl -i -b bob.txt -c bob.txt "$API/admin/users"
#> status 403
#> prints you don't have permission to do this

curl -i "$API/admin/users"
#> status 401

## Alice still has her note:
curl -i -b alice.txt -c alice.txt "$API/notes"
#> status 200
#> prints the spare key is under the third flowerpot
