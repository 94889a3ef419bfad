"""Min Plan: a citizen's individual plan, kept by the jobcenter caseworker.

Layers (arrows point one way): ui -> casework/reports -> store -> domain.
Only ``app.ui`` imports Qt; ``app.domain`` imports nothing of ours.
"""

__version__ = "0.1.0"
