"""``python -m app`` runs the same entry point as the ``minplan`` console script."""

from app.cli import main

raise SystemExit(main())
