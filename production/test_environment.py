"""The production profile's servers (make test-production, make bench) get the
environment a deployer sets and nothing else the shell holds: the same rule
as every server the tools start (tools/appserver.py)."""
from production import services

SHELL = {"TRUSTED_PROXY_COUNT": "7",  # would change whose address the login limit counts
         "CORS_ORIGINS": "http://from-the-shell.invalid",
         "WEBAUTHN_RP_ID": "from-the-shell.invalid",
         "https_proxy": "http://proxy.from-the-shell.invalid:3128"}


def test_the_production_environment_ignores_the_shells_settings(monkeypatch):
    """Started from a shell holding app settings and a proxy, the deployer's
    environment has none of them, and keeps its own."""
    for name, value in SHELL.items():
        monkeypatch.setenv(name, value)
    environment = services.production_environment("postgresql+psycopg://db.invalid/app", "memory://")
    leaked = sorted(name for name, value in SHELL.items() if environment.get(name) == value)
    assert not leaked, f"from the shell: {', '.join(leaked)}"
    assert environment["APP_CONFIG"] == "production" and environment["RATELIMIT_STORAGE_URI"] == "memory://"
