"""The plan (Min Plan itself): saving, milestones, versions, and printing it."""
