"""Settings. Defaults live in the classes; the environment overrides them."""
import os
from datetime import timedelta

from .access_tokens import settings as access_token_settings
from .passkeys import settings as passkey_settings
from .two_factor import settings as two_factor_settings


class Config:
    # Signs the session cookie. Fine for your laptop, never for a server:
    # set SECRET_KEY in the environment (python -c "import secrets; print(secrets.token_hex(32))").
    SECRET_KEY = "dev-only-not-secret"
    # A relative SQLite path lives in the instance/ folder (Flask-SQLAlchemy 3).
    SQLALCHEMY_DATABASE_URI = "sqlite:///authapp.sqlite"
    # OWASP Password Storage Cheat Sheet: scrypt with N=2^17, r=8, p=1 at least.
    # Werkzeug's default (scrypt:32768:8:1) is a quarter of that. Older hashes
    # are wrapped by migration 0003 and re-hashed at the user's next login.
    PASSWORD_HASH_METHOD = "scrypt:131072:8:1"
    # What steps 01-04 stored (Werkzeug's default). Migration 0003 wraps those
    # hashes in today's, and every check does this much extra work (hashing.py)
    # until no stored hash starts with "wrapped$" any more: then set it to None.
    LEGACY_PASSWORD_HASH_METHOD = "scrypt:32768:8:1"
    # The largest request body we read: a registration is far smaller. A bigger
    # one gets a 413 before anything parses it, let alone hashes it.
    MAX_CONTENT_LENGTH = 4 * 1024

    # Sessions end on the server after this long without a request, or this
    # long after login, whichever comes first. OWASP Session Management Cheat
    # Sheet: idle timeouts of 15-30 minutes for low-risk applications, absolute
    # timeouts of 4-8 hours (an office day).
    SESSION_IDLE_TIMEOUT = timedelta(minutes=30)
    SESSION_ABSOLUTE_TIMEOUT = timedelta(hours=8)
    # The cookie: JavaScript can't read it, and other sites' forms don't send it.
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"

    # The front ends allowed to call this API with cookies (comma-separated).
    CORS_ORIGINS = "http://localhost:3000,http://127.0.0.1:3000"

    # Reset links point at the front end, never at the request's Host header
    # (an attacker chooses that header; OWASP Forgot Password Cheat Sheet).
    FRONTEND_URL = "http://localhost:3000"
    RESET_TOKEN_MAX_AGE = 3600  # seconds: a reset link works for one hour
    # A link that proves a mailbox (after registering, or to confirm a new
    # address) works for a day: long enough to find the mail, short enough
    # that an old mail in a mailbox is no standing key.
    VERIFY_TOKEN_MAX_AGE = 24 * 3600

    # Outgoing mail. With no MAIL_SERVER, mails are printed to the console.
    MAIL_SERVER = None
    MAIL_PORT = 587
    MAIL_USE_TLS = True
    MAIL_USERNAME = None
    MAIL_PASSWORD = None
    MAIL_FROM = "Flask Auth <no-reply@localhost>"
    # Each mail leaves from a thread of its own, after the answer (authapp/mail.py).
    MAIL_IN_BACKGROUND = True

    # Rate limits (Flask-Limiter). memory:// counts in this process only: with
    # several workers or servers, use a shared store such as redis://.
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True  # a 429 says when to retry (Retry-After)
    # Redis down: its errors arrive as one kind, limits' StorageError (limits.py answers it).
    RATELIMIT_STORAGE_OPTIONS = {"wrap_exceptions": True}
    # Logins (limits.py explains the design). From browsers that haven't logged
    # in to the account before: per client address, and per name typed, so that
    # a botnet still gets 20 guesses an hour at one name. A known browser has an
    # allowance of its own, so other people's guesses never lock its owner out.
    LOGIN_LIMIT_PER_ADDRESS = "10 per minute"
    LOGIN_LIMIT_PER_NAME = "20 per hour"
    LOGIN_LIMIT_PER_KNOWN_BROWSER = "10 per hour"
    # The "known browser" cookie (OWASP's device cookie): signed, HttpOnly.
    KNOWN_BROWSER_COOKIE_NAME = "known_browser"
    KNOWN_BROWSER_MAX_AGE = 180 * 24 * 3600  # seconds: half a year without a login and it's unknown again
    REGISTER_LIMIT_PER_ADDRESS = "10 per hour"
    # Password changes per account, right or wrong: a stolen session can't
    # become a password-guessing machine, nor a way to burn our CPU.
    CHANGE_PASSWORD_LIMIT_PER_ACCOUNT = "5 per hour"
    FORGOT_LIMIT_PER_ADDRESS = "5 per hour"
    FORGOT_LIMIT_PER_EMAIL = "3 per hour"  # nobody can flood one mailbox
    RESEND_LIMIT_PER_ADDRESS = "5 per hour"
    RESEND_LIMIT_PER_EMAIL = "3 per hour"
    # A change of email asks for the password and mails two addresses: a stolen
    # session gets few guesses, and nobody can use us to flood a mailbox.
    CHANGE_EMAIL_LIMIT_PER_ACCOUNT = "5 per hour"
    CHANGE_EMAIL_LIMIT_PER_NEW_EMAIL = "3 per hour"  # one count per mailbox, however many accounts aim at it
    # A verification link asks for the account's password: as many tries as a
    # login name gets, counted per account however many links it has.
    VERIFY_LIMIT_PER_ACCOUNT = "20 per hour"
    # Two-factor authentication (two_factor/). A TOTP secret must stay
    # readable (the server computes the codes from it), so it can't be hashed:
    # it is encrypted with this key (Fernet), which lives in the environment,
    # not in the database. A stolen copy of the database then holds no secret.
    # Several keys, comma-separated: the first encrypts, each one decrypts (to
    # change keys, put the new one first and keep the old one until every secret
    # has been set up again). This one is for your laptop only: everybody knows it.
    TOTP_ENCRYPTION_KEY = two_factor_settings.DEVELOPMENT_KEY
    TOTP_ISSUER = "Flask Auth"  # the name authenticator apps show next to the codes
    TWO_FACTOR_SETUP_MAX_AGE = 10 * 60  # seconds to scan the QR code and confirm it with a code
    # After the right password, a login waits this long for the code.
    TWO_FACTOR_LOGIN_MAX_AGE = timedelta(minutes=5)
    # Codes at login. An attacker who has the password gets 5 guesses per
    # password entry and 10 an hour at the account from browsers that haven't
    # logged in to it before; the owner's known browser has an allowance of its own.
    TWO_FACTOR_LIMIT_PER_LOGIN = "5 per hour"
    TWO_FACTOR_LIMIT_PER_ACCOUNT = "10 per hour"
    TWO_FACTOR_LIMIT_PER_KNOWN_BROWSER = "10 per hour"
    # Setting up, confirming and turning off two-factor, together: each asks for
    # the password or a code, so a stolen session gets few guesses at either.
    TWO_FACTOR_CHANGE_LIMIT_PER_ACCOUNT = "10 per hour"
    # Passkeys (WebAuthn, passkeys/). The RP ID ("relying party") is the domain
    # a passkey is bound to: the browser makes and hands out passkeys only to pages
    # on that domain or below it, so a look-alike site never gets one of ours.
    # The origin is the front end's exact scheme, host and port, which the
    # browser writes into what the passkey signs. These two fit the browser
    # client on http://localhost:3000 (browsers treat localhost as secure without
    # HTTPS; an IP address such as 127.0.0.1 can't be an RP ID). In production:
    # your domain, e.g. example.com, and the front end's https:// origin.
    WEBAUTHN_RP_ID = "localhost"
    WEBAUTHN_ORIGIN = "http://localhost:3000"
    WEBAUTHN_RP_NAME = "Flask Auth"  # what the browser shows when it asks for the passkey
    # Between the options and the answer: the W3C's suggested time for the user
    # to unlock the authenticator. The browser is told the same.
    PASSKEY_CEREMONY_MAX_AGE = timedelta(minutes=5)
    # Ceremonies kept at once, every browser's (ceremonies.py): a flood from many
    # addresses outruns the limit per address. 10,000 rows are a few megabytes,
    # and 33 passkey logins started each second for 5 minutes.
    PASSKEY_CEREMONIES_MAX = 10_000
    # An answer from an authenticator carries its key and, maybe, certificates:
    # more than MAX_CONTENT_LENGTH, on these routes only.
    PASSKEY_MAX_CONTENT_LENGTH = 16 * 1024
    PASSKEYS_PER_ACCOUNT = 10
    # Nobody can guess a signature, so these limits are about floods: every
    # request for options stores a challenge, and every answer costs a check.
    # Per address, options and answers together: 10 passkey logins a minute.
    PASSKEY_LOGIN_LIMIT_PER_ADDRESS = "20 per minute"
    # Adding and removing passkeys, together: each asks for the password, so a
    # stolen session gets few guesses at it.
    PASSKEY_CHANGE_LIMIT_PER_ACCOUNT = "10 per hour"
    SUDO_MAX_AGE = timedelta(minutes=10)  # sudo.py: how recent an admin's proof of identity must be
    REAUTHENTICATE_LIMIT_PER_ACCOUNT = "5 per hour"  # it asks for the password: few guesses
    # API tokens (api_tokens/). Each expires: after 30 days unless its owner
    # asks for longer, a year at most (GitHub's fine-grained tokens offer the
    # same, and also "no expiration", which we don't: a forgotten token then lives on).
    API_TOKEN_DEFAULT_DAYS = 30
    API_TOKEN_MAX_DAYS = 365
    API_TOKENS_PER_ACCOUNT = 20
    API_TOKEN_CREATE_LIMIT_PER_ACCOUNT = "10 per hour"  # it asks for the password: few guesses
    # Refused bearer tokens per client address, every token route together:
    # nobody guesses 256 bits, so this is about floods of well-formed fakes,
    # each of which costs a query.
    BEARER_FAILURES_LIMIT_PER_ADDRESS = "30 per minute"
    # Apps that aren't browsers (step 11). The key that signs access tokens
    # (ES256: an EC P-256 private key in PEM) and, while you change keys, the
    # previous one, which only verifies. This one is for your laptop only:
    # everybody knows it. access_tokens/settings.py says how to make your own.
    ACCESS_TOKEN_SIGNING_KEY = access_token_settings.DEVELOPMENT_KEY
    ACCESS_TOKEN_PREVIOUS_KEY = None
    # Who signs (iss) and who a token is for (aud): a token from elsewhere, or
    # for another service, is refused here.
    ACCESS_TOKEN_ISSUER = "http://localhost:5000"
    ACCESS_TOKEN_AUDIENCE = "http://localhost:5000/api"
    # An access token can't be called back: it works this long after a logout.
    ACCESS_TOKEN_LIFETIME = timedelta(minutes=5)
    # A refresh token is refused after this long unused (idle), or this long
    # after the sign-in however often it was used (absolute). Ours: a CLI used
    # weekly keeps working; a month after approval, its user approves again.
    REFRESH_TOKEN_IDLE_TIMEOUT = timedelta(days=14)
    REFRESH_TOKEN_ABSOLUTE_TIMEOUT = timedelta(days=30)
    # The apps that may ask (public clients: no secret). client_id -> name.
    DEVICE_CLIENTS = {"flask-auth-cli": "Flask Auth command line (examples/)"}
    # RFC 8628: a code lives long enough to walk to a computer (its example is
    # 30 minutes; ours is shorter, fewer codes to guess at once), and the app
    # polls every 5 seconds (the RFC's default).
    DEVICE_CODE_LIFETIME = timedelta(minutes=10)
    DEVICE_POLL_INTERVAL = 5
    DEVICE_START_LIMIT_PER_ADDRESS = "10 per minute"
    # Guessing a user code: 20^8 = 2.6e10 codes. 10 tries an hour from an account
    # is 87,600 a year: about 1 chance in 290,000 of hitting one given live code
    # (1 in 146,000 at 20 an hour from an address). Short lifetimes keep few live.
    DEVICE_APPROVE_LIMIT_PER_ADDRESS = "20 per hour"
    DEVICE_APPROVE_LIMIT_PER_ACCOUNT = "10 per hour"
    # How many proxies in front of the app add X-Forwarded-For. 0: trust none.
    TRUSTED_PROXY_COUNT = 0

    # Strict-Transport-Security: only where the site is served over HTTPS.
    HSTS = None


# token_hex(32) gives 64 characters; anything under 32 is a password, not a key.
SECRET_KEY_MIN_LENGTH = 32
SECRET_KEY_MIN_DISTINCT = 8  # a random hex key of 32 characters has fewer about once in 25 million


class DevelopmentConfig(Config):
    CONFIG_NAME = "development"


class TestingConfig(Config):
    CONFIG_NAME = "testing"
    TESTING = True
    # Real scrypt, tiny cost: the tests check behaviour, not hashing speed.
    PASSWORD_HASH_METHOD = "scrypt:256:8:1"
    LEGACY_PASSWORD_HASH_METHOD = "scrypt:128:8:1"
    # Mail goes through the same SMTP path, but before the answer: a test
    # reads it at once, with no thread to wait for and no order to guess.
    MAIL_IN_BACKGROUND = False


class ProductionConfig(Config):
    CONFIG_NAME = "production"
    SECRET_KEY = None  # must come from the environment: the app refuses to start without it
    TOTP_ENCRYPTION_KEY = None  # the same
    WEBAUTHN_RP_ID = WEBAUTHN_ORIGIN = None  # the same: localhost passkeys would work nowhere else
    ACCESS_TOKEN_SIGNING_KEY = None  # the same: with the development key, anyone could sign tokens
    SESSION_COOKIE_SECURE = True  # only ever sent over HTTPS
    # "__Host-": browsers accept this cookie only if it is Secure, has no
    # Domain and has Path=/, so a sibling subdomain can't plant or overwrite it.
    SESSION_COOKIE_NAME = "__Host-session"
    KNOWN_BROWSER_COOKIE_NAME = "__Host-known_browser"
    HSTS = "max-age=31536000; includeSubDomains"  # one year, as OWASP ASVS 5.0 V3.4.1 asks
    # Production refuses to start without these, each set in the environment.
    REQUIRED_SETTINGS = {
        "SECRET_KEY": "a long random value that signs the session cookie, for example from "
                      "python -c \"import secrets; print(secrets.token_hex(32))\"",
        "MAIL_SERVER": "the SMTP server for reset and verification mails: without one, they would be printed "
                       "in the server's log, where anyone who reads it could reset any password",
        "TOTP_ENCRYPTION_KEY": "the key that encrypts two-factor secrets in the database, kept apart from it, "
                               "for example from python -c \"from cryptography.fernet import Fernet; "
                               "print(Fernet.generate_key().decode())\"",
        "WEBAUTHN_RP_ID": "the domain passkeys are bound to, yours, e.g. example.com: a domain name, "
                          "never localhost or an IP address",
        "WEBAUTHN_ORIGIN": "the front end's exact origin, e.g. https://app.example.com: https://, "
                           "no path, on the WEBAUTHN_RP_ID domain or below it",
        "ACCESS_TOKEN_SIGNING_KEY": "the EC P-256 private key (PEM) that signs access tokens, yours, e.g. from "
                                    "openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256",
    }


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}


# The environment variables a deployment can set, and the setting each one fills.
ENVIRONMENT = {
    "SECRET_KEY": "SECRET_KEY",
    "DATABASE_URL": "SQLALCHEMY_DATABASE_URI",
    "CORS_ORIGINS": "CORS_ORIGINS",
    "FRONTEND_URL": "FRONTEND_URL",
    "MAIL_SERVER": "MAIL_SERVER",
    "MAIL_PORT": "MAIL_PORT",
    "MAIL_USE_TLS": "MAIL_USE_TLS",
    "MAIL_USERNAME": "MAIL_USERNAME",
    "MAIL_PASSWORD": "MAIL_PASSWORD",
    "MAIL_FROM": "MAIL_FROM",
    "RATELIMIT_STORAGE_URI": "RATELIMIT_STORAGE_URI",
    "TRUSTED_PROXY_COUNT": "TRUSTED_PROXY_COUNT",
    "TOTP_ENCRYPTION_KEY": "TOTP_ENCRYPTION_KEY",
    "WEBAUTHN_RP_ID": "WEBAUTHN_RP_ID",
    "WEBAUTHN_ORIGIN": "WEBAUTHN_ORIGIN",
    "ACCESS_TOKEN_SIGNING_KEY": "ACCESS_TOKEN_SIGNING_KEY",
    "ACCESS_TOKEN_PREVIOUS_KEY": "ACCESS_TOKEN_PREVIOUS_KEY",
    "ACCESS_TOKEN_ISSUER": "ACCESS_TOKEN_ISSUER",
    "ACCESS_TOKEN_AUDIENCE": "ACCESS_TOKEN_AUDIENCE",
}


def from_environment(defaults):
    """The settings that environment variables provide, when they are set, read as
    the type of their default: MAIL_PORT=25 is the number 25, MAIL_USE_TLS=no is False."""
    settings = {}
    for name, setting in ENVIRONMENT.items():
        if os.environ.get(name):
            try:
                settings[setting] = parsed(os.environ[name], defaults.get(setting))
            except ValueError as error:
                raise RuntimeError(f"the environment variable {name}: {error}") from None
    return settings


def parsed(text, default):
    if isinstance(default, bool):
        return text.lower() in ("1", "true", "yes")
    if isinstance(default, int):
        if not text.strip().isdigit():
            raise ValueError(f"expected a whole number, not {text!r}")
        return int(text)
    return text


def load_config(app, config, overrides):
    """Class defaults, then the environment, then explicit overrides."""
    if config is None:
        config = os.environ.get("APP_CONFIG", "development")
    if isinstance(config, str):
        if config not in CONFIGS:
            raise ValueError(f"unknown config {config!r}: use one of {', '.join(CONFIGS)}")
        config = CONFIGS[config]
    app.config.from_object(config)
    app.config.update(from_environment(app.config))
    app.config.update(overrides)
    refuse_missing_settings(app.config)


def refuse_missing_settings(config):
    """Fail at start-up, naming every missing setting, rather than run half-configured."""
    missing = {name: why for name, why in config.get("REQUIRED_SETTINGS", {}).items()
               if not usable(name, config.get(name), config)}
    if missing:
        raise RuntimeError(f"{config['CONFIG_NAME']} can't start without these environment variables:\n"
                           + "\n".join(f"  {name}: {why}" for name, why in missing.items()))


# A feature's setting that needs more than a value: the feature says what will do,
# with the other settings at hand (a passkey's origin must fit its RP ID).
FEATURE_CHECKS = {"TOTP_ENCRYPTION_KEY": two_factor_settings.usable_encryption_keys,
                  "WEBAUTHN_RP_ID": passkey_settings.usable_rp_id,
                  "WEBAUTHN_ORIGIN": passkey_settings.usable_origin,
                  "ACCESS_TOKEN_SIGNING_KEY": access_token_settings.usable_signing_key}


def usable(name, value, config):
    """Set, and for SECRET_KEY also not the development value and not short or
    repetitive enough to guess ("aaaa..." is long but no secret); for a
    feature's setting, what its FEATURE_CHECKS function accepts."""
    value = str(value or "").strip()
    if name == "SECRET_KEY":
        return (value != Config.SECRET_KEY and len(value) >= SECRET_KEY_MIN_LENGTH
                and len(set(value)) >= SECRET_KEY_MIN_DISTINCT)
    if name in FEATURE_CHECKS:
        return FEATURE_CHECKS[name](value, config)
    return bool(value)


def allowed_origins(config):
    """CORS_ORIGINS as a list: the front ends we trust with credentials."""
    return [origin.strip() for origin in config["CORS_ORIGINS"].split(",")]
