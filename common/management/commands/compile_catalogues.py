import json
from pathlib import Path

import polib

from django.conf import settings
from django.core.management.base import BaseCommand


def supplement_entries(path: Path) -> list[polib.POEntry]:
    """The entries of a committed supplement (a JSON list of {"msgid", "ja" or "msgstr", and
    optionally "msgid_plural", "msgctxt"}): translations of other packages' messages (Wagtail's
    admin) that their own catalogues lack."""
    entries = []
    for item in json.loads(path.read_text(encoding="utf-8")):
        text = item.get("msgstr", item.get("ja"))
        entry = polib.POEntry(msgid=item["msgid"], msgctxt=item.get("msgctxt"))
        if item.get("msgid_plural"):
            entry.msgid_plural = item["msgid_plural"]
            texts = text if isinstance(text, list) else [text]
            entry.msgstr_plural = dict(enumerate(texts))
        else:
            entry.msgstr = text
        entries.append(entry)
    return entries


def merge_supplement(po: polib.POFile, path: Path) -> int:
    """Add the supplement's translations the catalogue lacks (the catalogue's own win)."""
    translated = {(e.msgctxt, e.msgid) for e in po.translated_entries()}
    added = 0
    for entry in supplement_entries(path):
        if (entry.msgctxt, entry.msgid) in translated:
            continue
        existing = next(
            (e for e in po if e.msgid == entry.msgid and e.msgctxt == entry.msgctxt), None
        )
        if existing is not None:
            po.remove(existing)
        po.append(entry)
        added += 1
    return added


class Command(BaseCommand):
    help = (
        "Compile the .po catalogues under LOCALE_PATHS to .mo with polib, so set-up needs no "
        "system gettext (compilemessages does the same where gettext is installed). A language's "
        "committed supplement (settings.CATALOGUE_SUPPLEMENTS: Wagtail's admin messages its "
        "Japanese catalogue lacks) is merged into the .mo."
    )

    def handle(self, *args, **options):
        supplements = getattr(settings, "CATALOGUE_SUPPLEMENTS", {})
        count = 0
        for base in settings.LOCALE_PATHS:
            for po_path in Path(base).glob("*/LC_MESSAGES/*.po"):
                mo_path = po_path.with_suffix(".mo")
                supplement = supplements.get(po_path.parent.parent.name)
                sources = [po_path, *([Path(supplement)] if supplement else [])]
                newest = max(path.stat().st_mtime for path in sources)
                if mo_path.exists() and mo_path.stat().st_mtime >= newest:
                    continue
                po = polib.pofile(str(po_path))
                if supplement and po_path.stem == "django":
                    merge_supplement(po, Path(supplement))
                po.save_as_mofile(str(mo_path))
                count += 1
        self.stdout.write(f"compiled {count} catalogue(s)")
