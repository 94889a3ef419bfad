"""Goal plans, the team leads' targets, their evaluation and the indicator exports."""
