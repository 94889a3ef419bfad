"""Legal deadlines: the engine's facts, the rule files, the stored requirements, the
worklist, putting an item aside (``snooze``) and the caseworker's day (``today``)."""
