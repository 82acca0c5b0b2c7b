"""Every Spanish catalog in the repository is whole, keeps its placeholders, and its compiled
django.mo (committed: a fresh machine may lack GNU gettext) says what its django.po says."""

from __future__ import annotations

import ast
import gettext
import re
import shutil
import subprocess
from pathlib import Path

import pytest

import masterly

ROOT = Path(masterly.__file__).parent
CATALOGS = sorted(ROOT.glob("**/locale/es/LC_MESSAGES/django.po"))
# Python's named placeholders and the escaped percent sign; templates double every % sign.
PLACEHOLDER = re.compile(r"%%|%\([a-z_]+\)[sd]")


def po_entries(text: str) -> list[dict[str, str]]:
    """The entries of a .po file we write ourselves (one quoted string per line)."""
    entries: list[dict[str, str]] = []
    values: dict[str, str] = {}
    field = ""
    for line in [*text.splitlines(), ""]:
        if line.startswith("#,"):
            values["flags"] = line
        elif line.startswith(("msgctxt ", "msgid ", "msgid_plural ", "msgstr")):
            field, _, rest = line.partition(" ")
            values[field] = ast.literal_eval(rest)
        elif line.startswith('"') and field:
            values[field] += ast.literal_eval(line)
        elif not line.strip() and values:
            if values.get("msgid"):
                entries.append(values)
            values, field = {}, ""
    return entries


def test_there_are_catalogs_for_families_and_for_activation() -> None:
    assert ROOT / "locale/es/LC_MESSAGES/django.po" in CATALOGS
    assert ROOT / "accounts/locale/es/LC_MESSAGES/django.po" in CATALOGS


@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_the_compiled_spanish_is_current_and_whole(po: Path) -> None:
    entries = po_entries(po.read_text(encoding="utf-8"))
    with (po.parent / "django.mo").open("rb") as compiled:
        catalog = gettext.GNUTranslations(compiled)
    assert len(entries) > 40
    for entry in entries:
        msgid, context = entry["msgid"], entry.get("msgctxt")
        assert "fuzzy" not in entry.get("flags", ""), msgid
        if "msgid_plural" in entry:
            forms = [entry["msgstr[0]"], entry["msgstr[1]"]]
            for n, form in zip((1, 2), forms, strict=True):
                assert form, msgid
                got = (
                    catalog.npgettext(context, msgid, entry["msgid_plural"], n)
                    if context
                    else catalog.ngettext(msgid, entry["msgid_plural"], n)
                )
                assert got == form, msgid
                assert sorted(set(PLACEHOLDER.findall(form))) <= sorted(
                    set(PLACEHOLDER.findall(msgid + entry["msgid_plural"]))
                ), msgid
            continue
        msgstr = entry["msgstr"]
        assert msgstr, msgid
        got = catalog.pgettext(context, msgid) if context else catalog.gettext(msgid)
        assert got == msgstr, msgid
        assert sorted(PLACEHOLDER.findall(msgstr)) == sorted(PLACEHOLDER.findall(msgid)), msgid


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext is not installed")
@pytest.mark.parametrize("po", CATALOGS, ids=lambda p: str(p.relative_to(ROOT)))
def test_msgfmt_finds_nothing_wrong(po: Path, tmp_path: Path) -> None:
    checked = subprocess.run(
        ["msgfmt", "--check", "-o", str(tmp_path / "django.mo"), str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
    assert "warning" not in checked.stderr, checked.stderr
