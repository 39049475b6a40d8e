"""Refresh tokens (RFC 9700, section 4.14): opaque, stored as SHA-256, a new
one at every use. A used one presented again means two parties hold it, so
the whole family (every token descended from one sign-in) is revoked."""
