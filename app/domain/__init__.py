"""Pure domain core: vocabulary, identifiers, date arithmetic, rules.

Imports no Qt, no SQL and does no I/O, so it can be tested fast and reused by every caller.
"""
