"""Japanese for Wagtail admin messages that Wagtail's own Japanese catalogue lacks.

The msgids are Wagtail's English. Marking them here keeps them in locale/ja when makemessages
runs (the project catalogue comes first, so it fills the gaps); after makemessages,
`python -m dxcenter.wagtail_ja` writes the Japanese below into locale/ja/LC_MESSAGES/django.po.
"""


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

JA = {
    '%(total)s Page <span class="w-sr-only">created in %(site_name)s</span>': (
        '%(total)s ページ<span class="w-sr-only">（%(site_name)s）</span>'
    ),
    '%(total)s Image <span class="w-sr-only">created in %(site_name)s</span>': (
        '%(total)s 画像<span class="w-sr-only">（%(site_name)s）</span>'
    ),
    '%(total)s Document <span class="w-sr-only">created in %(site_name)s</span>': (
        '%(total)s ドキュメント<span class="w-sr-only">（%(site_name)s）</span>'
    ),
    "Search all pages…": "すべてのページを検索…",
    "Help": "ヘルプ",
    "Wagtail %(current_version)s editor guide": "Wagtail %(current_version)s 編集ガイド（英語）",
    "Toggle sidebar": "サイドバーの開閉",
    "Edit account avatar": "アカウントのアイコンを変更",
    "Close dialog": "ダイアログを閉じる",
    "Keyboard shortcuts": "キーボードショートカット",
    "Show keyboard shortcuts": "キーボードショートカットを表示",
}

if __name__ == "__main__":
    from pathlib import Path

    import polib

    path = Path(__file__).resolve().parent.parent / "locale" / "ja" / "LC_MESSAGES" / "django.po"
    known = {entry.msgid for entry in polib.pofile(str(path))}
    added = []
    for msgid, japanese in JA.items():
        if msgid in known:
            continue  # makemessages keeps a translation once written
        entry = polib.POEntry(msgid=msgid, occurrences=[("dxcenter/wagtail_ja.py", "")])
        if "<span" in msgid:  # the site summary counts: "1 Page", "43 Pages"
            entry.msgid_plural = msgid.replace(" <span", "s <span", 1)
            entry.msgstr_plural = {0: japanese}
            entry.flags = ["python-format"]
        else:
            entry.msgstr = japanese
            entry.flags = ["python-format"] if "%(" in msgid else []
        added.append(str(entry))
    # Appended as text: rewriting the file with polib would re-wrap every Japanese line.
    with path.open("a", encoding="utf-8") as catalogue:
        catalogue.writelines("\n" + text for text in added)
    print(f"added {len(added)} Wagtail admin messages")
