"""The access log in the GUI: the team lead's "Adgangslog" page and the citizen's extract."""
