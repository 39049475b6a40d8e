#!/usr/bin/env bash
# Try it: the requests this step's page shows, each with the answer it got.
#
# Start the step on an empty database (from the repository root: `make try STEP=08`
# does it all on a free port and prints every answer), or by hand: run the step
# with `make run STEP=08 FRESH=1 2>&1 | tee server.log` in one terminal and copy the
# commands from the page into another, in the same folder, one at a time.
# `bash walkthrough.sh` runs them all at once.
#
# A passkey answers with a signature that only a browser and an authenticator
# (a phone, a laptop, a security key) can make: curl can't. So this shows what
# curl can: the options, the list, and the refusals. The browser client
# (`make run STEP=08` and `make client`, then http://localhost:3000) adds a
# passkey and signs in with it.
#
# The page is made from this file: "## " lines are its prose, each group of
# command lines is one copyable block, and "#> " lines are what the repository's
# tests check in that block's answer (scripts/docsite/tryit.py explains them).

## The app's address (another port? change it here):
API=${API:-http://127.0.0.1:5000}

## Alice registers, follows the link the app mails her (step 06), and logs in:
curl -i "$API/auth/register" \
  -H 'Content-Type: application/json' \
  -d '{"username": "alice", "email": "alice@example.com",
       "password": "correct horse battery staple"}'
#> status 201

TOKEN=$(grep -o 'verify-email?token=[A-Za-z0-9._-]*' server.log | tail -n 1 | cut -d= -f2)

curl -i "$API/auth/verify-email" \
  -H 'Content-Type: application/json' \
  -d "{\"token\": \"$TOKEN\", \"password\": \"correct horse battery staple\"}"
#> status 200

curl -i -b alice.txt -c alice.txt "$API/auth/login" \
  -H 'Content-Type: application/json' \
  -d '{"username": "alice", "password": "correct horse battery staple"}'
#> status 200
#> prints "username":"alice"

## She has no passkey yet:
curl -i -b alice.txt -c alice.txt "$API/auth/passkeys"
#> status 200
#> prints {"passkeys":[]}

## Adding one starts with the password again: a session left open on a shared
## computer must not be enough to add a way in. The answer is the options for
## the browser's `navigator.credentials.create()`, with a new random challenge
## each time, so this command saves them in `options.json` and shows only the
## headers (`-D -`). The session cookie now also names this ceremony.
curl -D - -o options.json -b alice.txt -c alice.txt \
  "$API/auth/passkeys/register/options" \
  -H 'Content-Type: application/json' \
  -d '{"password": "correct horse battery staple", "name": "laptop"}'
#> status 200
#> header Content-Type: application/json

## What they ask for: a passkey for the RP ID `localhost` (the domain of the
## browser client), discoverable (`residentKey`: the authenticator keeps the
## account, so a login needs no username), and a PIN or fingerprint before
## every signature (`userVerification`). The challenge is 64 random bytes
## (86 characters of base64url), and the browser gets 5 minutes to answer.
python3 -c 'import json; o = json.load(open("options.json"))
print(o["rp"], o["user"]["name"], o["authenticatorSelection"], o["timeout"], len(o["challenge"]))'
#> prints 'residentKey': 'required', 'userVerification': 'required'} 300000 86

## Only an authenticator can answer them. Anything else is refused before
## py_webauthn even looks for a signature:
curl -i -b alice.txt -c alice.txt "$API/auth/passkeys/register/verify" \
  -H 'Content-Type: application/json' \
  -d '{"id": "bWFkZSB1cA", "type": "public-key"}'
#> status 400
#> prints not an authenticator's answer

## Logging in with a passkey needs no login, no username and no password: the
## options name no account (`allowCredentials` is empty), so the authenticator
## offers whatever passkey it has for this site. Bob's browser asks:
curl -D - -o login.json -b bob.txt -c bob.txt -X POST \
  "$API/auth/passkeys/login/options"
#> status 200

python3 -c 'import json; o = json.load(open("login.json"))
print(o["rpId"], o["allowCredentials"], o["userVerification"])'
#> prints localhost [] required

## An answer in the right shape, for a passkey this server doesn't know (made
## up, removed, or another site's): refused.
curl -i -b bob.txt -c bob.txt "$API/auth/passkeys/login/verify" \
  -H 'Content-Type: application/json' \
  -d '{"id": "bWFkZSB1cA", "rawId": "bWFkZSB1cA", "type": "public-key",
       "response": {"clientDataJSON": "e30", "authenticatorData": "AAAA",
                    "signature": "AAAA", "userHandle": "AAAA"}}'
#> status 401
#> prints it is not registered here

## That answer used the challenge up: every answer needs new options, so nobody
## can try again and again, or replay an answer they saw.
curl -i -b bob.txt -c bob.txt "$API/auth/passkeys/login/verify" \
  -H 'Content-Type: application/json' \
  -d '{"id": "bWFkZSB1cA", "rawId": "bWFkZSB1cA", "type": "public-key",
       "response": {"clientDataJSON": "e30", "authenticatorData": "AAAA",
                    "signature": "AAAA", "userHandle": "AAAA"}}'
#> status 400
#> prints no passkey login is waiting in this browser

## Removing a passkey takes the password too (and ends every session of the
## account, in case a lost phone had one). Alice has none with this id:
curl -i -b alice.txt -c alice.txt -X DELETE "$API/auth/passkeys/1" \
  -H 'Content-Type: application/json' \
  -d '{"password": "not my password at all"}'
#> status 403

curl -i -b alice.txt -c alice.txt -X DELETE "$API/auth/passkeys/1" \
  -H 'Content-Type: application/json' \
  -d '{"password": "correct horse battery staple"}'
#> status 404
#> prints you have no passkey with this id
