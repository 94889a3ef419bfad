"""The core every use case stands on: who is acting (``actor``, ``sign_in``), who may see
what (``access``), the audit event (``audit``), checked reads (``reading``), optimistic
locking (``editing``) and what a use case reports back (``result``)."""
