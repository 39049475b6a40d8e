"""The device authorization grant (RFC 8628): an app that can't show a login
page (a command line, a TV) asks for a code, its user approves that code in a
browser where she is logged in, and the app collects its tokens. The app never
sees the password, the second factor or the passkey."""
