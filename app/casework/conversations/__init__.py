"""Conversations: book, record, reschedule, and the calendar export."""
