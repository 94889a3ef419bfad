"""The synthetic demo jobcenter: ``minplan --demo``, ``minplan demo``, the bench's databases.

``population`` makes the citizens, caseworkers and companies as plain rows (Faker names, made-up
CPR and CVR numbers; deterministic for a seed and an as-of date), with ``histories`` (benefit
spells shaped like real case histories) and ``rhythm`` (conversations and offers kept to the legal
rhythm, mostly on time). ``data`` bulk-writes them into a database with one audit event.

It sits above the use cases (it writes through ``app.casework``'s audit and bundle writer) and
below its callers, the CLI and the bench; the UI never imports it. Nothing here describes a real
person or company.
"""
