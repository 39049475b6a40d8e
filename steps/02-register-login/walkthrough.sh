#!/usr/bin/env bash
# Try it: the requests this step's page shows, each with the answer it got.
#
# Start the step on an empty database (from the repository root: `make try STEP=02`
# does it all on a free port and prints every answer), or by hand: run the step
# with `make run STEP=02 FRESH=1` in one terminal and copy the commands from the page
# into another, one at a time. `bash walkthrough.sh` runs them all at once.
#
# The page is made from this file: "## " lines are its prose, each group of
# command lines is one copyable block, and "#> " lines are what the repository's
# tests check in that block's answer (scripts/docsite/tryit.py explains them).

## The app's address (another port? change it here):
API=${API:-http://127.0.0.1:5000}

## Register Alice. The answer is `201 Created` and the public view of the user:
## never the password, never its hash.
curl -i "$API/auth/register" \
  -H 'Content-Type: application/json' \
  -d '{"username": "alice", "email": "alice@example.com",
       "password": "correct horse battery staple"}'
#> status 201
#> prints "username":"alice"

## Every broken rule is reported at once, one message per field:
curl -i "$API/auth/register" \
  -H 'Content-Type: application/json' \
  -d '{"username": "a", "email": "nope", "password": "Tr0ub4dor&3"}'
#> status 400
#> prints "fields"

## The same username with other capitals is taken. The database decides:
curl -i "$API/auth/register" \
  -H 'Content-Type: application/json' \
  -d '{"username": "ALICE", "email": "bob@example.com",
       "password": "correct horse battery staple"}'
#> status 409

## Log in with the username...
curl -i "$API/auth/login" \
  -H 'Content-Type: application/json' \
  -d '{"username": "alice", "password": "correct horse battery staple"}'
#> status 200

## ...or with the email, in any capitals:
curl -i "$API/auth/login" \
  -H 'Content-Type: application/json' \
  -d '{"username": "Alice@Example.com", "password": "correct horse battery staple"}'
#> status 200

## A wrong password and an unknown user get the very same answer:
curl -i "$API/auth/login" \
  -H 'Content-Type: application/json' \
  -d '{"username": "alice", "password": "not the right password"}'
#> status 401
#> prints invalid credentials

curl -i "$API/auth/login" \
  -H 'Content-Type: application/json' \
  -d '{"username": "mallory", "password": "not the right password"}'
#> status 401
#> prints invalid credentials

## Only JSON is accepted. An HTML form on another site can send `text/plain`
## without asking first, so that is refused:
curl -i "$API/auth/login" \
  -H 'Content-Type: text/plain' \
  -d 'username=alice&password=x'
#> status 415
