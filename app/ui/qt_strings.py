"""Qt's own strings that Qt's Danish catalog leaves in English.

PySide6 ships Qt's Danish translation (``qtbase_da.qm`` in ``QLibraryInfo``'s translations
folder) and ``app.ui.application`` loads it, so standard buttons, the file dialog and the print
preview speak Danish. A few strings are missing from it, seen in a real window: the file
dialog's "Look in:" and "Files of type:", and the duplex settings of the print dialog. This
translator supplies those from Min Plan's own gettext catalog, by Qt's context and source text;
for every other string it returns None, so that Qt asks the next translator (Qt's own).
"""

from __future__ import annotations

from PySide6.QtCore import QTranslator

from app.i18n import N_, _

#: (Qt's translation context, Qt's English source text) → Min Plan's msgid (the same text).
MISSING = {
    ("QFileDialog", "&Look in:"): N_("&Look in:"),
    ("QFileDialog", "Files of &type:"): N_("Files of &type:"),
    ("QPrintSettingsOutput", "Page &Set:"): N_("Page &Set:"),
    ("QPrintSettingsOutput", "Double Sided Printing"): N_("Double Sided Printing"),
    ("QPrintSettingsOutput", "Off"): N_("Off"),
    ("QPrintSettingsOutput", "Long side binding"): N_("Long side binding"),
    ("QPrintSettingsOutput", "Short side binding"): N_("Short side binding"),
}


class QtStringsSupplement(QTranslator):
    """Translates the few Qt strings of ``MISSING``; None for all others (Qt's own catalog
    answers them). Not empty, or Qt would send no LanguageChange for it."""

    def translate(
        self, context: str, source: str, disambiguation: str | None = None, n: int = -1
    ) -> str | None:
        msgid = MISSING.get((context, source))
        if msgid is None:
            return None
        text = _(msgid)
        return text if text != msgid else None

    def isEmpty(self) -> bool:  # noqa: N802
        return False
