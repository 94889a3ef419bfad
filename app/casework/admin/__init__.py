"""Administration: the users of a database and the organisation-wide settings."""
