"""Citizens: create, edit, hand over, the citizen list, the citizen page's read views
and overview, the journal, and lists that leave the program."""
