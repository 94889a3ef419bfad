"""Reports: the citizen's printed plan, and later indicators and exports (no Qt here)."""
