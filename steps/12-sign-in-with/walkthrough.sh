#!/usr/bin/env bash
# Try it: the requests this step's page shows, each with the answer it got.
#
# Start the step on an empty database (from the repository root: `make try STEP=11`
# does it all on a free port and prints every answer), or by hand: run the step
# with `make run STEP=11 FRESH=1 2>&1 | tee server.log` in one terminal and copy the
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

## Her command-line app asks for a code. It sends no password, only which app
## it is, form-encoded as OAuth asks. It shows Alice the user code.
curl -s "$API/auth/device" -d client_id=flask-auth-cli | tee device.json
#> prints "interval":5
DEVICE_CODE=$(grep -o '"device_code":"[^"]*"' device.json | cut -d'"' -f4)
USER_CODE=$(grep -o '"user_code":"[^"]*"' device.json | cut -d'"' -f4)

## Alice types the code into her browser, where she is logged in:
curl -s -b alice.txt -c alice.txt "$API/auth/device/approve" -H 'Content-Type: application/json' \
  -d "{\"user_code\": \"$USER_CODE\"}"
#> prints "approved":true

## The app polls for its tokens: a JWT access token for 5 minutes, and a refresh token.
curl -s "$API/auth/token" -d grant_type=urn:ietf:params:oauth:grant-type:device_code \
  -d "device_code=$DEVICE_CODE" -d client_id=flask-auth-cli | tee tokens.json
#> prints "token_type":"Bearer"
ACCESS=$(grep -o '"access_token":"[^"]*"' tokens.json | cut -d'"' -f4)
REFRESH=$(grep -o '"refresh_token":"[^"]*"' tokens.json | cut -d'"' -f4)

## The access token works as a bearer token, like step 10's tokens:
curl -s "$API/auth/me" -H "Authorization: Bearer $ACCESS"
#> prints "username":"alice"

## Signed is not encrypted: anyone holding the token reads its claims.
python3 -c "import base64, sys; part = sys.argv[1].split('.')[1]; print(base64.urlsafe_b64decode(part + '=' * (-len(part) % 4)).decode())" "$ACCESS"
#> prints "sub":"1"

## The app's device code has done its job: polling with it again is refused.
curl -s "$API/auth/token" -d grant_type=urn:ietf:params:oauth:grant-type:device_code \
  -d "device_code=$DEVICE_CODE" -d client_id=flask-auth-cli
#> prints "invalid_grant"

## When the access token is about to expire, the app uses its refresh token:
## new tokens, and a new refresh token (rotation). The old one is used up.
curl -s "$API/auth/token" -d grant_type=refresh_token -d "refresh_token=$REFRESH" \
  -d client_id=flask-auth-cli | tee renewed.json
#> prints "token_type":"Bearer"
RENEWED=$(grep -o '"refresh_token":"[^"]*"' renewed.json | cut -d'"' -f4)

## Someone who copied the old refresh token tries it: refused, and the whole
## family with it, so the app's new refresh token stops working too (it signs in again).
curl -s -w '\n' "$API/auth/token" -d grant_type=refresh_token -d "refresh_token=$REFRESH" -d client_id=flask-auth-cli
curl -s -w '\n' "$API/auth/token" -d grant_type=refresh_token -d "refresh_token=$RENEWED" -d client_id=flask-auth-cli
#> prints "invalid_grant"

## A forged token with "alg": "none" and no signature, the claims copied from Alice's:
NONE=$(printf '{"alg":"none","typ":"at+jwt"}' | base64 | tr '+/' '-_' | tr -d '=\n')
curl -s -o /dev/null -w '%{http_code}\n' "$API/auth/me" -H "Authorization: Bearer $NONE.$(echo "$ACCESS" | cut -d. -f2)."
#> prints 401

## The public key any service can check the tokens with (ES256, the development key):
curl -s "$API/.well-known/jwks.json"
#> prints "alg":"ES256"

## Another app polls too soon after its first poll: slow down, and wait 5
## seconds more from now on (RFC 8628).
curl -s "$API/auth/device" -d client_id=flask-auth-cli > second.json
SECOND=$(grep -o '"device_code":"[^"]*"' second.json | cut -d'"' -f4)
curl -s -w '\n' "$API/auth/token" -d grant_type=urn:ietf:params:oauth:grant-type:device_code \
  -d "device_code=$SECOND" -d client_id=flask-auth-cli
curl -s -w '\n' "$API/auth/token" -d grant_type=urn:ietf:params:oauth:grant-type:device_code \
  -d "device_code=$SECOND" -d client_id=flask-auth-cli
#> prints "authorization_pending"
#> prints "slow_down"
