"""Which help file and section belongs to which page, and reading the help files.

The help is Markdown in ``app/resources/help/<language>/``, one file per subject, in the order of
``FILES``; screenshots are in ``app/resources/help/images/``. ``section_for`` names the file and
heading that F1 opens for the page (or the citizen tab) in front of the user. The headings are
found by their *anchor*: a ``<!-- topic: NAME -->`` comment on the line before the heading, so
the Danish and English files share the names while their headings differ.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from app import i18n, paths

#: The help files, in the order of the table of contents.
FILES = (
    "daily-work.md",
    "deadlines.md",
    "printing.md",
    "indicators.md",
    "goal-plans.md",
    "admin.md",
)

#: Page or tab (its class name) -> (file, topic). Unknown pages open the first file.
PAGE_TOPICS = {
    "TodayPage": ("daily-work.md", "today"),
    "CitizensPage": ("daily-work.md", "find"),
    "CitizenPage": ("daily-work.md", "case"),
    "OverviewTab": ("daily-work.md", "case"),
    "PlanTab": ("daily-work.md", "plan"),
    "OffersTab": ("daily-work.md", "offers"),
    "ConversationsTab": ("daily-work.md", "conversations"),
    "SpellsTab": ("deadlines.md", "spells"),
    "JournalTab": ("daily-work.md", "journal"),
    "HistoryTab": ("admin.md", "access-log"),
    "WorklistPage": ("deadlines.md", "worklist"),
    "CompaniesPage": ("daily-work.md", "companies"),
    "IndicatorsPage": ("indicators.md", "indicators"),
    "SettingsPage": ("admin.md", "settings"),
    "AccessLogPage": ("admin.md", "access-log"),
}

_TOPIC = re.compile(r"^<!--\s*topic:\s*([\w-]+)\s*-->\s*$")
_HEADING = re.compile(r"^(#{1,3})\s+(.*?)\s*$")


@dataclass(frozen=True)
class Section:
    """A heading of a help file: its level (1–3), text and topic name (may be empty)."""

    file: str
    level: int
    title: str
    topic: str
    text: str  # the section's own Markdown, up to the next heading (for search)


def help_dir(language: str | None = None) -> Path:
    return (
        paths.resources_dir()
        / "help"
        / i18n.normalise_language(language or i18n.current_language())
    )


def images_dir() -> Path:
    return paths.resources_dir() / "help" / "images"


@cache
def _read(path: Path) -> str:
    return path.read_text(encoding="utf-8")


def markdown(file: str, language: str | None = None) -> str:
    return _read(help_dir(language) / file)


def sections(file: str, language: str | None = None) -> list[Section]:
    """The file's headings in order (code blocks are not looked into: the help has none)."""
    found: list[Section] = []
    topic = ""
    level, title = 0, ""
    body: list[str] = []

    def close() -> None:
        if title:
            found.append(Section(file, level, title, current_topic, "\n".join(body)))

    current_topic = ""
    for line in markdown(file, language).splitlines():
        marker = _TOPIC.match(line)
        if marker:
            topic = marker.group(1)
            continue
        heading = _HEADING.match(line)
        if heading:
            close()
            level, title, body = len(heading.group(1)), heading.group(2), []
            current_topic, topic = topic, ""
            continue
        body.append(line)
    close()
    return found


def section_for(page: str) -> tuple[str, str]:
    """(file, topic) for a page or citizen tab's class name."""
    return PAGE_TOPICS.get(page, (FILES[0], ""))


def image_references(file: str, language: str | None = None) -> list[str]:
    """The relative image paths a help file refers to (``![…](../images/x.png)``)."""
    return re.findall(r"!\[[^\]]*\]\(([^)\s]+)\)", markdown(file, language))
