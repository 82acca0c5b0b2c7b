"""The Spanish of guardians' activation is compiled (django.mo is committed, as a fresh machine
may lack GNU gettext) and the compiled file says what django.po says."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

import masterly.accounts

LC = Path(masterly.accounts.__file__).parent / "locale" / "es" / "LC_MESSAGES"


def _po_entries(text: str) -> dict[str, str]:
    """msgid → msgstr (plurals: the singular's first form) of a .po file we write ourselves."""
    entries: dict[str, str] = {}
    key = field = None
    values: dict[str, str] = {}
    for line in [*text.splitlines(), ""]:
        if line.startswith(("msgid ", "msgid_plural ", "msgstr ", "msgstr[0] ", "msgstr[1] ")):
            field, _, rest = line.partition(" ")
            values[field] = ast.literal_eval(rest)
        elif line.startswith('"') and field:
            values[field] += ast.literal_eval(line)
        elif not line.strip() and values:
            key = values.get("msgid", "")
            if key:
                entries[key] = values.get("msgstr", values.get("msgstr[0]", ""))
            values, field = {}, None
    return entries


def test_the_compiled_spanish_is_current() -> None:
    entries = _po_entries((LC / "django.po").read_text(encoding="utf-8"))
    with (LC / "django.mo").open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)
    assert len(entries) > 40
    for msgid, msgstr in entries.items():
        assert msgstr, msgid
        assert catalog.gettext(msgid) == msgstr, msgid
