#!/usr/bin/env bash
# Try it: the requests this step's page shows, each with the answer it got.
#
# Start the step on an empty database (from the repository root: `make try STEP=07`
# does it all on a free port and prints every answer), or by hand: run the step
# with `make run STEP=07 FRESH=1 2>&1 | tee server.log` in one terminal and copy the
# commands from the page into another, in the same folder, one at a time, with
# the virtual environment active (`source .venv/bin/activate`: pyotp plays the
# authenticator app). `bash walkthrough.sh` runs them all at once.
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

## Turning two-factor on starts with the password again: a session left open
## on a shared computer is not enough. The answer holds a new secret three ways:
## as text to type into an app, as an `otpauth://` link, and as a QR code (SVG).
## The secret is new every time, so this command saves the answer in
## `setup.json` and shows only the headers (`-D -`):
curl -D - -o setup.json -b alice.txt -c alice.txt "$API/auth/2fa/setup" \
  -H 'Content-Type: application/json' \
  -d '{"password": "correct horse battery staple"}'
#> status 200
#> header Content-Type: application/json

## Nothing has changed yet: two-factor is still off.
curl -i -b alice.txt -c alice.txt "$API/auth/2fa"
#> status 200
#> prints {"enabled":false,"recovery_codes_left":0}

## Save the QR code as `qr.svg`, open it in a browser and scan it with an
## authenticator app on your phone. Here, pyotp plays the app: it reads the
## secret and computes the code the app shows now.
python3 -c 'import json; open("qr.svg", "w").write(json.load(open("setup.json"))["qr_svg"])'
SECRET=$(python3 -c 'import json; print(json.load(open("setup.json"))["secret"])')
CODE=$(python3 -c "import pyotp; print(pyotp.TOTP('$SECRET').now())")

## The code proves that the app has the secret, and turns two-factor on. The
## answer shows ten recovery codes, this once: keep them somewhere safe (here,
## in `codes.json`). Every other session of Alice's has ended; this one has a
## new id.
curl -D - -o codes.json -b alice.txt -c alice.txt "$API/auth/2fa/confirm" \
  -H 'Content-Type: application/json' \
  -d "{\"code\": \"$CODE\"}"
#> status 200
#> header Set-Cookie: HttpOnly

curl -i -b alice.txt -c alice.txt "$API/auth/2fa"
#> status 200
#> prints {"enabled":true,"recovery_codes_left":10}

## From now on the right password starts no session: it only says that a code
## is needed, and leaves a pending login in this browser's cookie.
curl -i -b alice.txt -c alice.txt -X POST "$API/auth/logout"
#> status 204

curl -i -b alice.txt -c alice.txt "$API/auth/login" \
  -H 'Content-Type: application/json' \
  -d '{"username": "alice", "password": "correct horse battery staple"}'
#> status 200
#> prints {"two_factor_required":true}

curl -i -b alice.txt -c alice.txt "$API/auth/me"
#> status 401

## The code that turned two-factor on has been used: it opens nothing, even
## within its 30 seconds.
curl -i -b alice.txt -c alice.txt "$API/auth/login/2fa" \
  -H 'Content-Type: application/json' \
  -d "{\"code\": \"$CODE\"}"
#> status 401
#> prints invalid code

## The app's next code does (pyotp computes it for 30 seconds from now; an app
## makes you wait for it). The session starts here, with a new id:
CODE=$(python3 -c "import time, pyotp; print(pyotp.TOTP('$SECRET').at(time.time() + 30))")

curl -i -b alice.txt -c alice.txt "$API/auth/login/2fa" \
  -H 'Content-Type: application/json' \
  -d "{\"code\": \"$CODE\"}"
#> status 200
#> prints "username":"alice"
#> header Set-Cookie: HttpOnly

## Lost the phone? A recovery code takes the place of the code, once:
RECOVERY=$(python3 -c 'import json; print(json.load(open("codes.json"))["recovery_codes"][0])')

curl -i -b alice.txt -c alice.txt -X POST "$API/auth/logout"
#> status 204

curl -i -b alice.txt -c alice.txt "$API/auth/login" \
  -H 'Content-Type: application/json' \
  -d '{"username": "alice", "password": "correct horse battery staple"}'
#> status 200
#> prints {"two_factor_required":true}

curl -i -b alice.txt -c alice.txt "$API/auth/login/2fa" \
  -H 'Content-Type: application/json' \
  -d "{\"recovery_code\": \"$RECOVERY\"}"
#> status 200
#> prints "username":"alice"

## Turning two-factor off takes the password and a code (or, with the phone
## gone, another recovery code):
RECOVERY=$(python3 -c 'import json; print(json.load(open("codes.json"))["recovery_codes"][1])')

curl -i -b alice.txt -c alice.txt "$API/auth/2fa/disable" \
  -H 'Content-Type: application/json' \
  -d "{\"password\": \"correct horse battery staple\", \"recovery_code\": \"$RECOVERY\"}"
#> status 200
#> prints two-factor authentication is off

## ...and Alice hears of it at once, in case it wasn't her:
grep -A 2 'Subject: Two-factor authentication is off' server.log
#> prints Logging in to alice now takes the password alone.
