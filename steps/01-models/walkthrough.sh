#!/usr/bin/env bash
# Try it: the requests this step's page shows, each with the answer it got.
#
# Start the step on an empty database (from the repository root: `make try STEP=01`
# does it all on a free port and prints every answer), or by hand: run the step
# with `make run STEP=01 FRESH=1` in one terminal and copy the commands from the page
# into another, one at a time. `bash walkthrough.sh` runs them all at once.
#
# The page is made from this file: "## " lines are its prose, each group of
# command lines is one copyable block, and "#> " lines are what the repository's
# tests check in that block's answer (scripts/docsite/tryit.py explains them).

## The app's address (another port? change it here):
API=${API:-http://127.0.0.1:5000}

## Is the app up, and which step is it? `-i` shows the status line and the headers
## before the body.
curl -i "$API/"
#> status 200
#> prints "step":"01-models"

## Errors are JSON, never an HTML page: an unknown URL...
curl -i "$API/no-such-page"
#> status 404
#> prints "error"

## ...and a method the route doesn't accept. The `Allow` header that says which
## methods it does accept is kept.
curl -i -X POST "$API/"
#> status 405
#> header Allow: GET
