"""Passkeys (WebAuthn): log in with a key pair instead of a password. The
user's authenticator (a phone, a laptop, a security key, a password manager)
keeps the private key and signs our challenge once the user has unlocked it;
we keep the public key.

From step 07 on, a feature is a folder: its routes (views.py), its tables
(models.py) and its helpers live together, and the app only registers it.

    views.py       the routes
    ceremonies.py  the challenges in progress, one per browser, used once
    answers.py     reading an authenticator's answer, and refusing it clearly
    names.py       the name a user gives a passkey
    models.py      the passkeys and passkey_challenges tables
    settings.py    the passkey settings production must have
"""
from .settings import SETTING_CHECKS
from .views import bp

__all__ = ["SETTING_CHECKS", "bp"]
