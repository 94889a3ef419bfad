"""The CSV bundle: the documented exchange format for moving a caseload in and out."""
