"""The French and German message catalogs translate everything the code marks, and nothing is left fuzzy."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
LANGUAGES = ("fr", "de")
PLACEHOLDER = re.compile(r"%\([a-z_0-9]+\)[sdf]|%[sd]")


def catalog(language: str) -> polib.POFile:
    return polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(language):
    po = catalog(language)
    assert len(po) > 300  # the interface, the questionnaire and the report: hundreds of messages
    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert untranslated == [] and fuzzy == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder(language):
    wrong = []
    for entry in catalog(language).translated_entries():
        sources = [entry.msgid_plural or entry.msgid]
        texts = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        for text in texts:
            if set(PLACEHOLDER.findall(text)) - set(PLACEHOLDER.findall(sources[0] + entry.msgid)):
                wrong.append((entry.msgid, text))
            named = {p for p in PLACEHOLDER.findall(sources[0]) if p.startswith("%(")}
            if not entry.msgid_plural and named - set(PLACEHOLDER.findall(text)):
                wrong.append((entry.msgid, text))
    assert wrong == []


def test_the_catalogs_hold_every_message_the_code_marks(tmp_path):
    """makemessages run now, on a copy of the code, finds no message the committed French catalog lacks (someone
    marked a string and did not translate it)."""
    for part in ("vendoreval", "templates"):
        shutil.copytree(ROOT / part, tmp_path / part, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "manage.py", tmp_path / "manage.py")
    (tmp_path / "locale").mkdir()
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "fr", "--no-location"],
        cwd=tmp_path, capture_output=True, text=True,
        env={**os.environ, "DEBUG": "1", "VENDOREVAL_VAR_DIR": str(tmp_path / "var")})
    assert result.returncode == 0, result.stderr
    extracted = polib.pofile(str(tmp_path / "locale" / "fr" / "LC_MESSAGES" / "django.po"))
    committed = {(e.msgctxt, e.msgid) for e in catalog("fr")}
    missing = sorted(e.msgid for e in extracted if (e.msgctxt, e.msgid) not in committed)
    assert missing == []


def test_the_catalogs_header_is_in_force_french_counts_zero_as_singular():
    """A fuzzy header would be dropped by msgfmt, and with it the language's plural rule: French says « 0 rapport
    généré », German „0 erstellte Berichte“."""
    from django.utils import translation
    from django.utils.translation import ngettext

    assert not catalog("fr").metadata_is_fuzzy and not catalog("de").metadata_is_fuzzy
    with translation.override("fr"):
        french = ngettext("Generated report", "Generated reports", 0), ngettext("Generated report",
                                                                               "Generated reports", 2)
    with translation.override("de"):
        german = ngettext("Generated report", "Generated reports", 0), ngettext("Generated report",
                                                                               "Generated reports", 1)
    assert french[0] != french[1] and french[0] == catalog("fr").find("Generated report").msgstr_plural[0]
    assert german[0] != german[1] and german[1] == catalog("de").find("Generated report").msgstr_plural[0]
