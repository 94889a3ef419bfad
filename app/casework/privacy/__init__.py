"""Privacy and safekeeping: the access log (views, searches, a citizen's history, the
citizen's extract, the team lead's search), access requests, retention of citizens and of
the log, the log's checkpoints, database keys, backups and handing out the database."""
