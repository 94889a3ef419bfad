"""The Settings page (Indstillinger): users and roles, organisation settings, retention."""
