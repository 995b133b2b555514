"""The .po catalogues are the one source of the interface text.

The msgids are the Japanese written in the code; locale/en/LC_MESSAGES/django.po holds their
English. A string added to the code without English, a fuzzy guess left by msgmerge, or a
catalogue not regenerated after the code changed would show Japanese on an English page: these
tests fail on each, naming the msgid and where it is used.
"""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parent.parent
CATALOGUE = "locale/{lang}/LC_MESSAGES/django.po"
# The README's command: the same ignores, so the check sees what a developer's run produces.
MAKEMESSAGES = ["makemessages", "-l", "en", "-l", "ja"]
MAKEMESSAGES += ["-i", "tests/*", "-i", "*/tests/*", "-i", "var/*"]
NOT_SOURCE = shutil.ignore_patterns(
    ".*", "node_modules", "venv", "var", "media", "static", "staticfiles", "docs", "tests",
    "__pycache__", "*.mo", "*.egg-info",
)  # fmt: skip
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|\{[^{}]*\}")


def english_problems(po):
    """One line per entry that would not show English: empty, partly translated plural, fuzzy,
    or an English text that lost or gained a placeholder (it would raise or show a blank)."""
    problems = []
    for entry in po:
        if entry.obsolete:
            continue
        where = ", ".join(f"{path}:{line}" for path, line in entry.occurrences[:2])
        texts = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy (check and remove the flag): {entry.msgid!r} ({where})")
        elif not texts or not all(text.strip() for text in texts):
            problems.append(f"no English: {entry.msgid!r} ({where})")
        else:
            wanted = sorted(set(PLACEHOLDER.findall(entry.msgid)))
            for text in texts:
                if sorted(set(PLACEHOLDER.findall(text))) != wanted:
                    problems.append(f"placeholders differ: {entry.msgid!r} → {text!r} ({where})")
    return problems


def live_msgids(po):
    return {(e.msgctxt, e.msgid, e.msgid_plural or None) for e in po if not e.obsolete}


def test_every_msgid_has_english():
    po = polib.pofile(str(ROOT / CATALOGUE.format(lang="en")))
    problems = english_problems(po)
    assert not problems, (
        f"{len(problems)} message(s) would show Japanese on English pages. Write the English "
        f"as msgstr in {CATALOGUE.format(lang='en')}:\n" + "\n".join(problems)
    )


def test_the_check_names_every_kind_of_missing_english():
    po = polib.POFile()
    po.append(polib.POEntry(msgid="件名", msgstr="Subject"))
    po.append(polib.POEntry(msgid="新しい文言", msgstr="", occurrences=[("cases/forms.py", "7")]))
    po.append(polib.POEntry(msgid="ページ", msgstr="Theme", flags=["fuzzy"]))
    po.append(polib.POEntry(msgid="%(n)s名", msgid_plural="%(n)s名", msgstr_plural={0: "one"}))
    po.append(polib.POEntry(msgid="{n}件", msgstr="{count} items"))
    po.append(polib.POEntry(msgid="旧文言", msgstr="", obsolete=True))

    problems = english_problems(po)

    assert problems == [
        "no English: '新しい文言' (cases/forms.py:7)",
        "fuzzy (check and remove the flag): 'ページ' ()",
        "placeholders differ: '%(n)s名' → 'one' ()",
        "placeholders differ: '{n}件' → '{count} items' ()",
    ]


@pytest.mark.not_clock
def test_catalogues_are_in_step_with_the_code(tmp_path):
    """makemessages on a copy of the source: a msgid in the code that the committed catalogue
    lacks fails here (it would show Japanese in English), and so does one the code dropped."""
    copy = tmp_path / "src"
    shutil.copytree(ROOT, copy, ignore=NOT_SOURCE)
    (copy / "var").mkdir()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "dxcenter.settings.test",
        "PYTHONPATH": str(copy),
    }
    subprocess.run(
        [sys.executable, "manage.py", *MAKEMESSAGES],
        cwd=copy, env=env, check=True, capture_output=True, timeout=120,
    )  # fmt: skip

    for lang in ("en", "ja"):
        committed = live_msgids(polib.pofile(str(ROOT / CATALOGUE.format(lang=lang))))
        in_code = live_msgids(polib.pofile(str(copy / CATALOGUE.format(lang=lang))))
        missing, dropped = (
            sorted(in_code - committed, key=str),
            sorted(committed - in_code, key=str),
        )
        assert not missing, (
            f"{len(missing)} msgid(s) in the code are not in {CATALOGUE.format(lang=lang)}; run "
            f"the catalogue steps of the README and write their English:\n"
            + "\n".join(msgid for _, msgid, _ in missing)
        )
        assert not dropped, (
            f"{len(dropped)} msgid(s) in {CATALOGUE.format(lang=lang)} are no longer in the code; "
            f"run the catalogue steps of the README:\n"
            + "\n".join(msgid for _, msgid, _ in dropped)
        )
