"""The citizen list page: search, caseload filter, table and overview."""
