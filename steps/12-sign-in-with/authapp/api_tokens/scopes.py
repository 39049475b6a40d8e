"""What a token may be allowed to do. A scope has the name of the permission
it lends (roles/__init__.py): a token never does more than its scopes, nor
more than its owner may do at the moment it is used."""

SCOPES = {
    "account:read": "read your account (GET /auth/me)",
    "notes:read": "list and read your notes",
    "notes:write": "add and delete your notes",
}
