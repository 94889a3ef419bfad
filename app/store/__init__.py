"""Storage: SQLModel tables, engines for SQLite and PostgreSQL, sessions, schema upgrades.

Imports ``app.domain`` only; never Qt.
"""
