"""Short-lived access tokens as signed JWTs (RFC 9068): any service holding
our public key can check one without asking the database. The price: a
token can't be called back, so it lives 5 minutes (ACCESS_TOKEN_LIFETIME)."""
