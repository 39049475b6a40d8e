#!/usr/bin/env bash
# Try it: the requests this step's page shows, each with the answer it got.
#
# Start the step on an empty database (from the repository root: `make try STEP=10`
# does it all on a free port and prints every answer), or by hand: run the step
# with `make run STEP=10 FRESH=1 2>&1 | tee server.log` in one terminal and copy the
# commands from the page into another, in the same folder, one at a time.
# `bash walkthrough.sh` runs them all at once.
#
# The page is made from this file: "## " lines are its prose, each group of
# command lines is one copyable block, and "#> " lines are what the repository's
# tests check in that block's answer (scripts/docsite/tryit.py explains them).

## The app's address (another port? change it here):
API=${API:-http://127.0.0.1:5000}

## Alice registers, follows the mailed link and logs in, in her browser (the
## cookie jar alice.txt), then writes a note:
curl -s "$API/auth/register" -H 'Content-Type: application/json' \
  -d '{"username": "alice", "email": "alice@example.com",
       "password": "correct horse battery staple"}' > /dev/null
TOKEN=$(grep -o 'verify-email?token=[A-Za-z0-9._-]*' server.log | tail -n 1 | cut -d= -f2)
curl -s "$API/auth/verify-email" -H 'Content-Type: application/json' \
  -d "{\"token\": \"$TOKEN\", \"password\": \"correct horse battery staple\"}" > /dev/null
curl -s -b alice.txt -c alice.txt "$API/auth/login" -H 'Content-Type: application/json' \
  -d '{"username": "alice", "password": "correct horse battery staple"}' > /dev/null
curl -s -b alice.txt -c alice.txt "$API/notes" -H 'Content-Type: application/json' \
  -d '{"text": "back up the photos on Sunday"}'
#> prints "id":1

## She makes a token for her backup script: read her notes, nothing else, for
## 7 days. The password again: a browser left open can't mint one. The answer
## is the only time the token is shown:
curl -s -b alice.txt -c alice.txt "$API/auth/tokens" -H 'Content-Type: application/json' \
  -d '{"name": "backup script", "scopes": ["notes:read"], "expires_in_days": 7,
       "password": "correct horse battery staple"}' | tee token.json
#> prints "token":"fat_

## The script sends it in the Authorization header, and no cookie:
API_TOKEN=$(grep -o 'fat_[A-Za-z0-9]*' token.json)
curl -s -H "Authorization: Bearer $API_TOKEN" "$API/notes"
#> prints back up the photos

## Writing needs notes:write, which this token lacks: 403, and the header says
## which scope was missing (RFC 6750):
curl -s -i -H "Authorization: Bearer $API_TOKEN" "$API/notes" \
  -H 'Content-Type: application/json' -d '{"text": "written by the script"}'
#> status 403
#> header WWW-Authenticate: error="insufficient_scope", scope="notes:write"

## The account's security never takes a token, whatever its scopes:
curl -s -o /dev/null -w '%{http_code}\n' -H "Authorization: Bearer $API_TOKEN" "$API/auth/tokens"
#> prints 401

## Its last six characters (the checksum) replaced: refused before the database
## is asked, as a typo would be. A token in the URL: refused, since URLs end up in logs.
curl -s -i -w '\n' -H "Authorization: Bearer ${API_TOKEN%??????}000000" "$API/notes"
curl -s -w '\n' "$API/notes?access_token=$API_TOKEN"
#> header WWW-Authenticate: error="invalid_token"
#> prints a token never goes in a URL

## Alice revokes it in her browser; the script's next request is refused:
curl -s -o /dev/null -w '%{http_code}\n' -b alice.txt -c alice.txt -X DELETE "$API/auth/tokens/1"
curl -s -o /dev/null -w '%{http_code}\n' -H "Authorization: Bearer $API_TOKEN" "$API/notes"
#> prints 204
#> prints 401
