"""Words meant for people: labels of record fields and of audit events, deadlines
explained. English msgids translated through ``app.i18n``; these modules import only the
domain and ``app.i18n``, so the use cases, the window and the commands may all use them."""
