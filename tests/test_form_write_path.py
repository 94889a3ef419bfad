"""``FormDialog.write_path``: the file named in a dialog's "path" field, refused at that field."""

from __future__ import annotations

from pathlib import Path

import pytest

from app import i18n
from app.domain.errors import ValidationError
from app.ui.form import FormDialog

pytestmark = pytest.mark.gui


def _dialog(qtbot) -> FormDialog:
    dialog = FormDialog("Test", lambda values: None)
    qtbot.addWidget(dialog)
    dialog.add_save_path("Save", "Text (*.txt)", ".txt")
    return dialog


def _write(path: Path) -> str:
    path.write_text("x", encoding="utf-8")
    return path.name


def test_the_file_is_written_and_the_writer_s_result_given_back(qtbot, tmp_path: Path) -> None:
    dialog = _dialog(qtbot)
    assert dialog.write_path({"path": str(tmp_path / "a.txt")}, _write) == "a.txt"
    assert (tmp_path / "a.txt").read_text(encoding="utf-8") == "x"


@pytest.mark.parametrize("name", ["", None, "missing/a.txt"])
def test_no_name_or_a_missing_folder_is_refused_at_the_field_before_writing(
    qtbot, tmp_path: Path, name: str | None
) -> None:
    dialog = _dialog(qtbot)
    written: list[Path] = []
    value = None if name is None else (str(tmp_path / name) if name else "")
    with pytest.raises(ValidationError) as refused:
        dialog.write_path({"path": value}, written.append)
    assert refused.value.field == "path" and written == []
    i18n.set_language("en")
    assert "does not exist" in i18n.translate_error(refused.value)


def test_the_operating_system_s_refusal_is_shown_at_the_field(qtbot, tmp_path: Path) -> None:
    dialog = _dialog(qtbot)

    def refuse(path: Path) -> None:
        raise PermissionError(13, "Permission denied", str(path))

    with pytest.raises(ValidationError) as refused:
        dialog.write_path({"path": str(tmp_path / "a.txt")}, refuse)
    assert refused.value.field == "path"
    i18n.set_language("en")
    assert "Permission denied" in i18n.translate_error(refused.value)
