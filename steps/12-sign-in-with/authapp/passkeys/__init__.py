"""Passkeys (WebAuthn): log in with a key pair instead of a password. The
user's authenticator (a phone, a laptop, a security key, a password manager)
keeps the private key and signs our challenge once the user has unlocked it;
we keep the public key. A feature of its own, so a folder of its own, as
two-factor is (step 07): the app only registers its routes and asks it
about its settings.

    views.py       the routes: /auth/passkeys/...
    ceremonies.py  the challenges in progress, one per browser, each used once
    answers.py     reading an authenticator's answer, and refusing it clearly
    names.py       the name a user gives a passkey: one plain line
    models.py      its tables: passkeys and passkey_challenges
    settings.py    what production needs: a usable WEBAUTHN_RP_ID and WEBAUTHN_ORIGIN

This file imports nothing, for the reason two_factor/__init__.py gives.
"""
