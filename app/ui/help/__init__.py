"""The manual inside Min Plan: Markdown files in ``app/resources/help/{da,en}``, a help window, F1."""
