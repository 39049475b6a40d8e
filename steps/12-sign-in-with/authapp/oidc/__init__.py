"""Sign in with another site: OpenID Connect, with this API as the confidential
client (the browser never sees a token). client.py talks to the provider,
accounts.py decides which account an identity signs into, views.py has the routes."""
