"""Dialogs and tabs for a caseworker's registrations; each save calls one use case."""
