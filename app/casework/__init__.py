"""Use cases: one function per user action, one transaction each, with its audit event.

The GUI and the CLI call these same functions, so every action is testable without a window.
"""
