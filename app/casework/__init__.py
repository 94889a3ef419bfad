"""Use cases: one function per user action, one transaction each, with its audit event.

The GUI and the CLI call these same functions, so every action is testable without a window.
"""

from app.casework.deadlines import deadline_store as _deadline_store

# Every session keeps the citizens' requirements current as it commits (see deadline_store).
_deadline_store.install()
