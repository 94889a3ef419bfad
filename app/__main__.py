"""``python -m app`` runs the same entry point as the ``minplan`` console script."""

from app.launch import main

raise SystemExit(main())
