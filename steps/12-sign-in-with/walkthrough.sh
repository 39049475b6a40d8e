#!/usr/bin/env bash
# Try it: the requests this step's page shows, each with the answer it got.
#
# Start the step on an empty database (from the repository root: `make try STEP=12`
# does it all on a free port and prints every answer), or by hand: run the step
# with `make run STEP=12 FRESH=1 2>&1 | tee server.log` in one terminal and copy the
# commands from the page into another, in the same folder, one at a time.
# `bash walkthrough.sh` runs them all at once.
#
# The page is made from this file: "## " lines are its prose, each group of
# command lines is one copyable block, and "#> " lines are what the repository's
# tests check in that block's answer (scripts/docsite/tryit.py explains them).

## The app's address (another port? change it here):
API=${API:-http://127.0.0.1:5000}

## Alice registers, follows the mailed link and logs in: her browser (here,
## curl with a cookie file) has a session.
curl -s "$API/auth/register" -H 'Content-Type: application/json' \
  -d '{"username": "alice", "email": "alice@example.com", "password": "correct horse battery staple"}' > /dev/null
TOKEN=$(grep -o 'verify-email?token=[A-Za-z0-9._-]*' server.log | tail -n 1 | cut -d= -f2)
curl -s "$API/auth/verify-email" -H 'Content-Type: application/json' \
  -d "{\"token\": \"$TOKEN\", \"password\": \"correct horse battery staple\"}" > /dev/null
curl -s -b alice.txt -c alice.txt "$API/auth/login" -H 'Content-Type: application/json' \
  -d '{"username": "alice", "password": "correct horse battery staple"}'
#> prints "username":"alice"

## This run has no provider configured (OIDC_ISSUER, OIDC_CLIENT_ID and
## OIDC_CLIENT_SECRET all unset), so "Sign in with" is not there at all: a 404,
## exactly like a URL that doesn't exist.
curl -i "$API/auth/oidc/start"
#> status 404

## Nor are the identities of Alice's account. To have them, start the test
## provider (`node oidc-provider/provider.js oidc-provider/accounts.example.json`
## prints its issuer), then `make run STEP=12` with OIDC_ISSUER set to that issuer,
## OIDC_CLIENT_ID=flask-auth and OIDC_CLIENT_SECRET=a-test-secret-not-for-production,
## and open $API/auth/oidc/start in a browser: the provider's sign-in page is for people.
curl -i -b alice.txt "$API/auth/identities"
#> status 404
