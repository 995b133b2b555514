"""The admin reads Japanese (issue 29, item 3).

A センター職員 and a センター管理者 walk every admin page they can reach from the admin's home
(one URL per view: lists, inspect and edit forms, history, reports, settings), and every add or
edit form once more with an empty submission (a form with errors). The text a person reads
(text nodes, titles, labels for screen readers, placeholders and button captions; not the
values of fields or the contents of <script>) must hold none of the English interface words
below. User data is kept out: the walk's records are Japanese, and the values of form fields
are not read.
"""

import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from django.urls import Resolver404, resolve

from cases.tests.factories import staff_user

from .test_personal_data_permissions import world  # noqa: F401 - the populated world fixture

pytestmark = pytest.mark.django_db

# English a Japanese-reading member of staff met in the admin, whole words, case-sensitive.
ENGLISH = [
    "Filter by",
    "Go to the first error",
    "referenced",
    "New:",
    "True",
    "False",
    "None",
    "Host",
    "Sorry",
    "Search",
    "Edit",
    "Delete",
    "Save",
    "Add",
    "Cancel",
    "Actions",
    "Status",
    "History",
    "Inspect",
    "Dashboard",
    "Settings",
    "Reports",
    "Help",
    "Close",
    "Clear",
    "Apply",
    "Previous",
    "Next",
    "Page",
    "Pages",
    "Sort",
    "Show",
    "Hide",
    "Select",
    "Choose",
    "Created",
    "Updated",
    "Edited",
    "Yes",
    "No",
    "User",
    "Users",
    "Account",
    "Log out",
    "More",
    "results",
    "errors",
    "The page could not be",
    "This field is required",
]
WORDS = re.compile(
    r"(?<![A-Za-z_-])(" + "|".join(re.escape(w) for w in ENGLISH) + r")(?![A-Za-z_-])"
)
# Pages that are not interface (downloads) or that end the session or change state on GET.
SKIP = re.compile(r"logout|/export|[?&]export=|/download|/preview|/serve|/chooser|\.(csv|xlsx|pdf)")
# Wagtail's own corners staff of the center do not use (the editor's guide, the style guide).
SKIP_VIEWS = {"wagtailstyleguide", "wagtailadmin_explore_root"}
ATTRIBUTES = {"title", "aria-label", "placeholder", "alt", "data-w-tooltip-content-value"}


VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
UNREAD = {"script", "style", "textarea", "template"}


class _Reader(HTMLParser):
    """The text a person reads on the page and the admin links on it. Elements marked
    ``hidden`` (a counter the script fills in) are not read."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts, self.links, self._open = [], [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href", "").startswith("/admin/"):
            self.links.append(attrs["href"])
        if tag not in VOID:
            self._open.append((tag, tag in UNREAD or "hidden" in attrs))
        if any(hidden for _tag, hidden in self._open):
            return
        for name in ATTRIBUTES & set(attrs):
            self.texts.append(attrs[name] or "")
        if tag == "input" and attrs.get("type") in ("submit", "button"):
            self.texts.append(attrs.get("value") or "")

    def handle_endtag(self, tag):
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index][0] == tag:
                del self._open[index:]
                break

    def handle_data(self, data):
        if not any(hidden for _tag, hidden in self._open):
            self.texts.append(data)


def read(html: str) -> _Reader:
    reader = _Reader()
    reader.feed(html)
    return reader


def english_in(html: str) -> list[str]:
    found = []
    for text in read(html).texts:
        for match in WORDS.finditer(text):
            found.append(text.strip()[:80] or match.group(0))
    return found


def _view_name(path: str) -> str | None:
    try:
        match = resolve(path)
    except Resolver404:
        return None
    return match.view_name


def walk(client, start="/admin/", limit=400):
    """GET every admin page reachable from the home, one URL per view; returns
    {url: html} of the pages answered 200."""
    queue, seen_views, pages = [start], set(), {}
    while queue and len(pages) < limit:
        url = queue.pop(0)
        path = urlsplit(url).path
        name = _view_name(path)
        if name is None or name in seen_views or SKIP.search(url) or name in SKIP_VIEWS:
            continue
        seen_views.add(name)
        response = client.get(url)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        pages[url] = html
        # Links, and the sidebar's menu (JSON in the page: its URLs are quoted paths).
        queue.extend(read(html).links)
        queue.extend(re.findall(r'"(/admin/[^"<>\s]*)"', html))
    return pages


def _forms_with_errors(client, pages) -> dict[str, str]:
    """Each add or edit form submitted empty: the page that shows its errors."""
    shown = {}
    for url in pages:
        name = _view_name(urlsplit(url).path) or ""
        if not re.search(r"(^|[:_])(add|create|edit|staff_entry)$", name):
            continue
        response = client.post(url, {})
        if response.status_code == 200 and "html" in response.get("Content-Type", ""):
            shown[f"POST {url}"] = response.content.decode()
    return shown


def test_the_check_finds_english_outside_user_data():
    html = (
        '<button title="Filter by">x</button><p>相談 True</p><input value="Search me">'
        "<textarea>Save</textarea><script>var Edit;</script><p>保存</p>"
        '<div hidden>None</div><input type="submit" value="Search"><br><p>Sorry</p>'
    )
    assert english_in(html) == ["Filter by", "相談 True", "Search", "Sorry"]


def test_the_wagtail_supplement_is_compiled_into_the_japanese_catalogue():
    """dxcenter/wagtail_ja.json reaches the interface through compile_catalogues (make test
    and make messages run it), not through a committed .po."""
    from django.conf import settings
    from django.utils import translation

    from common.management.commands.compile_catalogues import supplement_entries

    entries = supplement_entries(settings.CATALOGUE_SUPPLEMENTS["ja"])
    placeholders = re.compile(r"%\(\w+\)[sd]")
    with translation.override("ja"):
        for entry in entries:
            japanese = entry.msgstr or entry.msgstr_plural[0]
            assert set(placeholders.findall(japanese)) == set(placeholders.findall(entry.msgid))
            if entry.msgid_plural:
                shown = translation.ngettext(entry.msgid, entry.msgid_plural, 2)
            else:
                shown = translation.gettext(entry.msgid)
            assert shown == japanese, (
                f"{entry.msgid!r} is not in the compiled catalogue: run "
                "`manage.py compile_catalogues` (make messages)"
            )


@pytest.mark.parametrize("group", ["センター職員", "センター管理者"])
def test_every_admin_page_reads_japanese(client, world, group):  # noqa: F811
    user = staff_user(f"walker-{len(group)}", group=group)
    client.force_login(user)
    pages = walk(client)
    pages.update(_forms_with_errors(client, pages))
    english = {url: sorted(set(english_in(html))) for url, html in pages.items()}
    english = {url: words for url, words in english.items() if words}
    report = "\n".join(f"{url}: {words}" for url, words in sorted(english.items()))
    print(f"\n{group}: {len(pages)} pages walked, {len(english)} with English")
    assert len(pages) > 60, sorted(pages)
    assert not english, f"English interface words on {len(english)} admin page(s):\n{report}"


def test_staff_are_named_family_name_first(client):
    """Issue 29: 「一郎 伊勢湾」 on notes, history and timelines; Japanese reads 姓 名."""
    from cases.services import case_note_add
    from cases.tests.factories import make_case

    staff = staff_user("isewan")
    staff.first_name, staff.last_name = "一郎", "伊勢湾"
    staff.save()
    case = make_case()
    case.subject = "名前の順の確認"
    case._history_user = staff  # who changed it, as the admin's edit records it
    case.save()
    case_note_add(case=case, by=staff, body="電話で確認しました。")
    client.force_login(staff)
    for url in (f"/admin/cases/inspect/{case.pk}/", f"/admin/history/cases/case/{case.pk}/"):
        html = client.get(url).content.decode()
        assert "伊勢湾 一郎" in html, url
        assert "一郎 伊勢湾" not in html, url


def test_an_organisations_people_are_listed_by_reading(client):
    from cases.tests.factories import ContactFactory, OrganisationFactory

    organisation = OrganisationFactory()
    for family, kana in (("渡辺", "ワタナベ"), ("伊藤", "イトウ"), ("青山", "アオヤマ")):
        ContactFactory(organisation=organisation, family_name=family, family_name_kana=kana)
    client.force_login(staff_user("reader"))
    html = client.get(f"/admin/crm/organisations/{organisation.pk}/").content.decode()
    assert html.index("青山") < html.index("伊藤") < html.index("渡辺")
