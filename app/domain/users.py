"""The rules for a Min Plan user (a row of ``caseworker``): initials, name, team, role, contact.

Pure field checks, shared by the Settings page (every field's problem as the user types) and the
use cases in ``app.casework.admin.users`` (which also check uniqueness and the last administrator).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from app.domain import validation as v
from app.domain.codes import N_, ROLES
from app.domain.errors import Term, ValidationError

#: Initials as jobcentres write them: letters (æ, ø, å too) and digits, 1–12 characters.
_INITIALS = re.compile(r"^[A-ZÆØÅ0-9]{1,12}$")
#: An operating-system login: a Windows or Unix user name, optionally with a domain ("JC\\kl");
#: Windows allows spaces and most punctuation, but not these.
_LOGIN = re.compile(r'^[^\x00-\x1f"/\[\]:;|=,+*?<>]{1,100}$')

FIELDS = ("initials", "name", "team", "role", "email", "phone", "login")

#: The ``app_setting`` key the demo generator writes: this database holds synthetic data only.
DEMO_MARKER = "demo_database"


def initials(value: Any, _all: Mapping[str, Any]) -> str:
    cleaned = (v.text(value) or "").upper()
    if not cleaned:
        raise ValidationError("Initials are required", field="initials")
    if not _INITIALS.match(cleaned):
        raise ValidationError(
            "Initials are 1 to 12 letters or digits, not {value!r}",
            field="initials",
            value=cleaned,
        )
    return cleaned


def role(value: Any, _all: Mapping[str, Any]) -> str:
    cleaned = v.text(value) or ""
    if cleaned not in ROLES:
        raise ValidationError("Choose a role", field="role")
    return cleaned


def login(value: Any, _all: Mapping[str, Any]) -> str | None:
    """The login name, lower-cased; None means "the same as the initials"."""
    cleaned = v.text(value)
    if cleaned is None:
        return None
    cleaned = cleaned.lower()
    if not _LOGIN.match(cleaned):
        raise ValidationError("{value!r} is not a login name", field="login", value=cleaned)
    return cleaned


CHECKS: Mapping[str, v.Check] = {
    "initials": initials,
    "name": v.required_text("name", Term(N_("Name")), 200),
    "team": v.optional_text("team", Term(N_("Team")), 100),
    "role": role,
    "email": v.email,
    "phone": v.phone,
    "login": login,
}


def clean_user(values: Mapping[str, Any], *, partial: bool = False) -> dict[str, Any]:
    """Validated, normalised user fields (initials upper case, login lower case)."""
    return v.clean(CHECKS, values, partial=partial)


def user_errors(values: Mapping[str, Any]) -> dict[str, ValidationError]:
    return v.errors(CHECKS, values)


def _bare(os_login: str) -> str:
    text = os_login.strip()
    if "\\" in text:
        return text.rsplit("\\", 1)[-1]
    return text.split("@", 1)[0]


def login_candidates(os_login: str) -> tuple[str, ...]:
    """The login names an OS user may be stored under, lower case: as given, and without a
    domain ("JC\\kl" or "kl@jc.local" → also "kl")."""
    full = os_login.strip().lower()
    return tuple(dict.fromkeys(n for n in (full, _bare(full)) if n))


def initials_from_login(os_login: str) -> str:
    """A first guess at initials from an OS login ("JC\\kl1234" → "KL1234")."""
    guess = "".join(ch for ch in _bare(os_login).upper() if _INITIALS.match(ch))[:12]
    return guess or "ADMIN"


@dataclass(frozen=True)
class Actor:
    """Plain data (never a live ORM object) so it can cross threads."""

    caseworker_id: int | None
    initials: str | None
    name: str | None
    role: str
    os_user: str

    @property
    def display(self) -> str:
        if self.initials:
            return f"{self.name} ({self.initials})" if self.name else self.initials
        return self.os_user


def os_user() -> str:
    """The operating system's account of this process, never an environment variable.

    ``getpass.getuser()`` believes ``LOGNAME``/``USER``/``USERNAME``, which anyone can set
    (``LOGNAME=ad minplan export …`` would act as the administrator "ad"); the account the
    kernel runs the process as is asked instead: ``getpwuid(getuid())`` on Linux and macOS,
    ``GetUserNameW`` on Windows."""
    try:
        if sys.platform == "win32":
            return _windows_user()
        import pwd

        return pwd.getpwuid(os.getuid()).pw_name
    except (ImportError, KeyError, OSError, AttributeError):
        return "unknown"  # no account name: matches no user, so a real database refuses


def _windows_user() -> str:
    """The Windows account of this process, from the Windows API (``GetUserNameW``)."""
    import ctypes
    from ctypes import wintypes

    size = wintypes.DWORD(257)  # UNLEN + 1
    buffer = ctypes.create_unicode_buffer(size.value)
    advapi32 = ctypes.WinDLL("advapi32", use_last_error=True)  # type: ignore[attr-defined]  # Windows-only API; mypy checks as on Linux
    if not advapi32.GetUserNameW(buffer, ctypes.byref(size)):
        raise OSError(ctypes.get_last_error(), "GetUserNameW failed")  # type: ignore[attr-defined]  # Windows-only API; mypy checks as on Linux
    return buffer.value
