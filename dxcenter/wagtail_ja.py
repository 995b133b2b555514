"""Japanese for Wagtail admin messages that Wagtail's own Japanese catalogue lacks.

The Japanese lives in dxcenter/wagtail_ja.json (msgid = Wagtail's English, "ja", and
"msgid_plural" / "msgctxt" where Wagtail has them). `manage.py compile_catalogues` merges it into
locale/ja/LC_MESSAGES/django.mo (settings.CATALOGUE_SUPPLEMENTS), so a fresh checkout and every
regeneration of the .po get it without the .po holding it. Add a message there when the crawl
(tests/test_admin_japanese.py) finds English. `python -m dxcenter.wagtail_ja` still writes the
supplement's messages into the .po after makemessages, for whoever wants them there.
"""

import json
from pathlib import Path


# Local stand-ins with the names xgettext looks for, so this file runs without settings.
def gettext_noop(message):
    return message


def ngettext_lazy(singular, plural, number):
    return singular


MARKED = [
    ngettext_lazy(
        '%(total)s Page <span class="w-sr-only">created in %(site_name)s</span>',
        '%(total)s Pages <span class="w-sr-only">created in %(site_name)s</span>',
        "total",
    ),
    ngettext_lazy(
        '%(total)s Image <span class="w-sr-only">created in %(site_name)s</span>',
        '%(total)s Images <span class="w-sr-only">created in %(site_name)s</span>',
        "total",
    ),
    ngettext_lazy(
        '%(total)s Document <span class="w-sr-only">created in %(site_name)s</span>',
        '%(total)s Documents <span class="w-sr-only">created in %(site_name)s</span>',
        "total",
    ),
    gettext_noop("Search all pages…"),
    gettext_noop("Help"),
    gettext_noop("Wagtail %(current_version)s editor guide"),
    gettext_noop("Toggle sidebar"),
    gettext_noop("Edit account avatar"),
    gettext_noop("Close dialog"),
    gettext_noop("Keyboard shortcuts"),
    gettext_noop("Show keyboard shortcuts"),
]

SOURCE = Path(__file__).resolve().parent / "wagtail_ja.json"

# msgid → Japanese, from the committed supplement (compile_catalogues merges it into the .mo).
JA = {item["msgid"]: item["ja"] for item in json.loads(SOURCE.read_text(encoding="utf-8"))}

if __name__ == "__main__":
    import polib

    from common.management.commands.compile_catalogues import supplement_entries

    path = Path(__file__).resolve().parent.parent / "locale" / "ja" / "LC_MESSAGES" / "django.po"
    known = {(entry.msgctxt, entry.msgid) for entry in polib.pofile(str(path))}
    added = []
    # Only the messages marked above are in the code (tests/test_catalogues.py keeps the .po in
    # step with it); the rest of the supplement reaches the .mo through compile_catalogues.
    marked = set(MARKED)
    for entry in supplement_entries(SOURCE):
        if (entry.msgctxt, entry.msgid) in known or entry.msgid not in marked:
            continue  # makemessages keeps a translation once written
        entry.occurrences = [("dxcenter/wagtail_ja.json", "")]
        entry.flags = ["python-format"] if "%(" in entry.msgid else []
        added.append(str(entry))
    # Appended as text: rewriting the file with polib would re-wrap every Japanese line.
    with path.open("a", encoding="utf-8") as catalogue:
        catalogue.writelines("\n" + text for text in added)
    print(f"added {len(added)} Wagtail admin messages")
