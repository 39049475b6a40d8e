"""Two-factor authentication, the first feature that is a folder of its own:
its routes, its helpers, its tables and its settings check live here. The
rest of the app reaches in only where a login, a session or a proof of
identity must know about the second factor.

    views.py           the routes: /auth/2fa/... and /auth/login/2fa
    totp.py            codes from an authenticator app (RFC 6238); the secret, encrypted
    recovery_codes.py  ten single-use codes for the day the phone is lost
    codes.py           reading and checking whichever of the two a request sends
    pending.py         a login that has passed the password and waits for a code
    models.py          its tables: pending logins and recovery codes
    settings.py        what production needs: a usable TOTP_ENCRYPTION_KEY

This file imports nothing: the app's core modules (sessions.py, config.py)
import parts of the folder, and importing the views from here would import
them back before they are ready.
"""
