"""Benefit spells and employment outcomes."""
