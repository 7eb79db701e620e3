"""The Vietnamese and German catalogues are complete, compiled and current."""

import subprocess
import sys
from pathlib import Path

import polib
import pytest

PACKAGE = Path(__file__).resolve().parents[2] / "src" / "grassroots"
LANGUAGES = ["vi", "de"]


def _catalogue(language):
    return PACKAGE / "locale" / language / "LC_MESSAGES" / "django.po"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_string_is_translated(language):
    po = polib.pofile(str(_catalogue(language)))
    missing = [e.msgid for e in po.untranslated_entries()]
    fuzzy = [e.msgid for e in po.fuzzy_entries() if not e.obsolete]
    assert not missing, f"{len(missing)} untranslated in {language}: {missing[:10]}"
    assert not fuzzy, f"{len(fuzzy)} fuzzy in {language}: {fuzzy[:10]}"
    assert len(po.translated_entries()) > 200


@pytest.mark.parametrize("language", LANGUAGES)
def test_compiled_catalogue_matches_source(language):
    po = polib.pofile(str(_catalogue(language)))
    mo = polib.mofile(str(_catalogue(language).with_suffix(".mo")))
    compiled = {e.msgid: e.msgstr for e in mo}
    stale = [e.msgid for e in po.translated_entries() if e.msgid not in compiled]
    assert not stale, f"{language} .mo is stale: run `make messages`: {stale[:5]}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_placeholders_survive_translation(language):
    import re

    pattern = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}|\{\{ ?(\w+) ?\}\}")
    po = polib.pofile(str(_catalogue(language)))
    broken = []
    for entry in po.translated_entries():
        # A plural entry keeps its forms in msgstr_plural (msgstr stays empty): every form
        # must carry the placeholders of msgid_plural.
        wanted = sorted(pattern.findall(entry.msgid_plural or entry.msgid))
        forms = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        if any(sorted(pattern.findall(form)) != wanted for form in forms):
            broken.append(entry.msgid)
    assert not broken, f"placeholders differ in {language}: {broken[:5]}"


def test_no_marked_string_is_missing_from_the_catalogues(tmp_path):
    """Run makemessages into a copy and compare: a newly marked string must be in the .po."""
    import shutil

    if not shutil.which("xgettext"):
        pytest.skip("GNU gettext (xgettext) is not installed")
    copy = tmp_path / "grassroots"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("static", "__pycache__"))
    subprocess.run(
        [
            sys.executable,
            "-m",
            "django",
            "makemessages",
            "-l",
            "vi",
            "--no-obsolete",
            "--add-location",
            "file",
            "--settings",
            "grassroots.settings",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
    )
    fresh = polib.pofile(str(copy / "locale" / "vi" / "LC_MESSAGES" / "django.po"))
    shipped = {(e.msgctxt, e.msgid) for e in polib.pofile(str(_catalogue("vi")))}
    new = [e.msgid for e in fresh if (e.msgctxt, e.msgid) not in shipped]
    assert not new, (
        f"strings marked but missing from the catalogue (run `make messages`): {new[:10]}"
    )
