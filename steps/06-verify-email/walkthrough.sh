#!/usr/bin/env bash
# Try it: the requests this step's page shows, each with the answer it got.
#
# Start the step on an empty database (from the repository root: `make try STEP=06`
# does it all on a free port and prints every answer), or by hand: run the step
# with `make run STEP=06 FRESH=1` in one terminal and copy the commands from the page
# into another, one at a time. `bash walkthrough.sh` runs them all at once.
#
# The page is made from this file: "## " lines are its prose, each group of
# command lines is one copyable block, and "#> " lines are what the repository's
# tests check in that block's answer (scripts/docsite/tryit.py explains them).

## The app's address (another port? change it here):
API=${API:-http://127.0.0.1:5000}

## Alice registers. Her address is not verified yet, and the app mails her a
## link that proves it is hers:
curl -i "$API/auth/register" \
  -H 'Content-Type: application/json' \
  -d '{"username": "alice", "email": "alice@example.com",
       "password": "correct horse battery staple"}'
#> status 201
#> prints "email_verified":false

## A wrong password gets the 401 it always got...
curl -i "$API/auth/login" \
  -H 'Content-Type: application/json' \
  -d '{"username": "alice", "password": "not the right password"}'
#> status 401

## ...and only the right one learns why there is no login yet: no session, no cookie.
curl -i -b alice.txt -c alice.txt "$API/auth/login" \
  -H 'Content-Type: application/json' \
  -d '{"username": "alice", "password": "correct horse battery staple"}'
#> status 403
#> prints email not verified
#> no header Set-Cookie

## Without a mail server the app prints the mail in its terminal, with a link
## that ends in `verify-email?token=...`. Copy the token from there into `TOKEN`,
## or, if you started the server with `make run STEP=06 FRESH=1 2>&1 | tee server.log` in
## this folder, let `grep` find the newest one:
TOKEN=$(grep -o 'verify-email?token=[A-Za-z0-9._-]*' server.log | tail -n 1 | cut -d= -f2)

## The front end's `/verify-email` page posts the token with the password Alice
## types (the link proves the mailbox, the password that she registered). Verified:
curl -i "$API/auth/verify-email" \
  -H 'Content-Type: application/json' \
  -d "{\"token\": \"$TOKEN\", \"password\": \"correct horse battery staple\"}"
#> status 200
#> prints "email_verified":true

## The same link a second time is refused: it was single-use.
curl -i "$API/auth/verify-email" \
  -H 'Content-Type: application/json' \
  -d "{\"token\": \"$TOKEN\", \"password\": \"correct horse battery staple\"}"
#> status 400

## Now the right password logs Alice in:
curl -i -b alice.txt -c alice.txt "$API/auth/login" \
  -H 'Content-Type: application/json' \
  -d '{"username": "alice", "password": "correct horse battery staple"}'
#> status 200

## Lost the mail? Asking for a new link gets the same answer for every address
## (only an account that waits for verification gets one):
curl -i "$API/auth/resend-verification" \
  -H 'Content-Type: application/json' \
  -d '{"email": "nobody@example.com"}'
#> status 202

## A new address takes the password, and changes nothing yet: a link goes to
## the new address, a notice to the old one.
curl -i -b alice.txt -c alice.txt "$API/auth/change-email" \
  -H 'Content-Type: application/json' \
  -d '{"password": "correct horse battery staple", "new_email": "alice@new.example"}'
#> status 202

curl -i -b alice.txt -c alice.txt "$API/auth/me"
#> status 200
#> prints "email":"alice@example.com"

## Following the new link makes the change:
TOKEN=$(grep -o 'verify-email?token=[A-Za-z0-9._-]*' server.log | tail -n 1 | cut -d= -f2)
curl -i "$API/auth/verify-email" \
  -H 'Content-Type: application/json' \
  -d "{\"token\": \"$TOKEN\", \"password\": \"correct horse battery staple\"}"
#> status 200
#> prints "email":"alice@new.example"
