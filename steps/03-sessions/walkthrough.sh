#!/usr/bin/env bash
# Try it: the requests this step's page shows, each with the answer it got.
#
# Start the step on an empty database (from the repository root: `make try STEP=03`
# does it all on a free port and prints every answer), or by hand: run the step
# with `make run STEP=03 FRESH=1` in one terminal and copy the commands from the page
# into another, one at a time. `bash walkthrough.sh` runs them all at once.
#
# The page is made from this file: "## " lines are its prose, each group of
# command lines is one copyable block, and "#> " lines are what the repository's
# tests check in that block's answer (scripts/docsite/tryit.py explains them).

## The app's address (another port? change it here):
API=${API:-http://127.0.0.1:5000}

## Register Alice (no cookie yet):
curl -i "$API/auth/register" \
  -H 'Content-Type: application/json' \
  -d '{"username": "alice", "email": "alice@example.com",
       "password": "correct horse battery staple"}'
#> status 201

## From here on, curl keeps cookies the way a browser does: `-c cookies.txt`
## saves the cookies an answer sets, `-b cookies.txt` sends them back.
## Not logged in yet:
curl -i -b cookies.txt -c cookies.txt "$API/auth/me"
#> status 401

## Log in. The answer sets the session cookie: a random token, `HttpOnly` so the
## page's JavaScript can't read it, `SameSite=Lax`.
curl -i -b cookies.txt -c cookies.txt "$API/auth/login" \
  -H 'Content-Type: application/json' \
  -d '{"username": "alice", "password": "correct horse battery staple"}'
#> status 200
#> header Set-Cookie: HttpOnly
#> header Set-Cookie: SameSite=Lax

## The cookie now says who you are:
curl -i -b cookies.txt -c cookies.txt "$API/auth/me"
#> status 200
#> prints "username":"alice"

## A thief copies the cookie file...
cp cookies.txt stolen-cookies.txt

## ...then Alice logs out:
curl -i -b cookies.txt -c cookies.txt -X POST "$API/auth/logout"
#> status 204

## The stolen copy is worthless: its session row is gone from the database.
curl -i -b stolen-cookies.txt "$API/auth/me"
#> status 401

## CORS: the listed front end may call with cookies, and may read the answer...
curl -i -b cookies.txt -c cookies.txt "$API/auth/login" \
  -H 'Origin: http://localhost:3000' \
  -H 'Content-Type: application/json' \
  -d '{"username": "alice", "password": "correct horse battery staple"}'
#> status 200
#> header Access-Control-Allow-Origin: http://localhost:3000
#> header Access-Control-Allow-Credentials: true

## ...any other origin gets no CORS headers, so its page can't read the answer:
curl -i -b cookies.txt -c cookies.txt "$API/auth/login" \
  -H 'Origin: http://evil.example' \
  -H 'Content-Type: application/json' \
  -d '{"username": "alice", "password": "correct horse battery staple"}'
#> status 200
#> no header Access-Control-Allow-Origin

## Only JSON is accepted: a `text/plain` post, which a form on another site could
## send, sets no cookie.
curl -i -b cookies.txt -c cookies.txt "$API/auth/login" \
  -H 'Content-Type: text/plain' \
  -d '{"username": "alice", "password": "correct horse battery staple"}'
#> status 415
#> no header Set-Cookie
