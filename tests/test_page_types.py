"""Where each page type can be made, and that the public site can be built in the admin alone.

The 個別相談会 page (appointments.SessionsPage) once named the home page as its parent, but the
home page did not list it as a child: only `seed_demo` (add_child skips the check) made one,
and an editor on a real site could not.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from wagtail.fields import RichTextField, StreamField
from wagtail.models import Page, Site, get_page_models
from wagtail.test.utils import WagtailPageTestCase
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from appointments.models import SessionsPage
from cms.models import (
    AdvisorDirectoryPage,
    CaseStudyIndexPage,
    CaseStudyPage,
    ConsultationPage,
    FaqPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    PartnerDirectoryPage,
    StandardPage,
)
from dxcenter.settings.local_apps import LOCAL_APPS
from events.models import Seminar, SeminarIndexPage, SeminarPage

# Each page type of the project: the page types it can be made under in the admin.
WHERE = {
    HomePage: {Page},
    StandardPage: {HomePage, StandardPage},
    NewsIndexPage: {HomePage},
    NewsPage: {NewsIndexPage},
    CaseStudyIndexPage: {HomePage},
    CaseStudyPage: {CaseStudyIndexPage},
    AdvisorDirectoryPage: {HomePage},
    PartnerDirectoryPage: {HomePage},
    ConsultationPage: {HomePage},
    FaqPage: {HomePage},
    SeminarIndexPage: {HomePage},
    SeminarPage: {SeminarIndexPage},
    SessionsPage: {HomePage},
}


def project_page_models():
    labels = {app.rsplit(".", 1)[-1] for app in LOCAL_APPS}
    return [model for model in get_page_models() if model._meta.app_label in labels]


class PageTypesTests(WagtailPageTestCase):
    def test_every_page_type_of_the_project_says_where_it_is_made(self):
        self.assertEqual(set(project_page_models()), set(WHERE))

    def test_each_page_type_can_be_made_exactly_where_it_belongs(self):
        parents = [Page, *project_page_models()]
        for child, allowed in WHERE.items():
            for parent in parents:
                with self.subTest(child=child.__name__, parent=parent.__name__):
                    if parent in allowed:
                        self.assertCanCreateAt(parent, child)
                    else:
                        self.assertCanNotCreateAt(parent, child)


def form_data(model, **given):
    """What the admin's add form posts for the page: the given fields, an empty stream for each
    StreamField, an empty formset for each inline panel (comments), and the first choice of a
    required choice the test did not give."""
    form_class = model.get_edit_handler().get_form_class()
    data = {}
    for name in getattr(form_class._meta, "formsets", None) or {}:
        data[name] = inline_formset([])
    for field in model._meta.get_fields():
        if isinstance(field, StreamField):
            data[field.name] = streamfield([])
        elif getattr(field, "choices", None) and not field.blank:
            data[field.name] = field.choices[0][0]
    for name, value in given.items():
        field = model._meta.get_field(name) if name != "slug" else None
        data[name] = rich_text(f"<p>{value}</p>") if isinstance(field, RichTextField) else value
    return nested_form_data(data)


class AdminAloneTests(WagtailPageTestCase):
    """A fresh database after `migrate` only (Wagtail's welcome page, no seed_demo): the
    administrator makes the home page and points the site at it (docs/deploy.md), then an editor
    (Wagtail's Moderators group) makes every public page type through the admin's add views."""

    def test_an_editor_builds_the_public_site_in_the_admin(self):
        User = get_user_model()
        admin = User.objects.create_superuser("admin", "admin@example.jp", "x")
        editor = User.objects.create_user("editor", "editor@example.jp", "x")
        editor.groups.add(Group.objects.get(name="Moderators"))
        root = Page.get_first_root_node()
        assert not HomePage.objects.exists()

        self.client.force_login(admin)
        home_data = form_data(HomePage, title="みえDXセンター", slug="top", intro="x")
        self.assertCanCreate(root, HomePage, home_data)
        home = HomePage.objects.get()
        site = Site.objects.get(is_default_site=True)
        response = self.client.post(
            reverse("wagtailsites:edit", args=[site.pk]),
            {
                "hostname": site.hostname,
                "port": site.port,
                "site_name": "みえDXセンター",
                "root_page": home.pk,
                "is_default_site": "on",
            },
        )
        self.assertEqual(response.status_code, 302, getattr(response, "context", None))
        site.refresh_from_db()
        self.assertEqual(site.root_page_id, home.pk)

        self.client.force_login(editor)
        made = {}
        for model, data in [
            (StandardPage, {"title": "センターについて", "slug": "about"}),
            (NewsIndexPage, {"title": "お知らせ", "slug": "news"}),
            (CaseStudyIndexPage, {"title": "支援事例", "slug": "cases"}),
            (AdvisorDirectoryPage, {"title": "アドバイザー", "slug": "advisors"}),
            (PartnerDirectoryPage, {"title": "パートナー", "slug": "partners"}),
            (ConsultationPage, {"title": "相談する", "slug": "consult"}),
            (FaqPage, {"title": "よくある質問", "slug": "faq"}),
            (SeminarIndexPage, {"title": "セミナー", "slug": "seminars"}),
            (SessionsPage, {"title": "個別相談会", "slug": "sessions"}),
        ]:
            self.assertCanCreate(home, model, form_data(model, **data))
            made[model] = model.objects.get()
        starts = timezone.localtime() + dt.timedelta(days=30)
        for parent, model, data in [
            (
                NewsIndexPage,
                NewsPage,
                {"title": "開所", "slug": "open", "date": starts.date().isoformat()},
            ),
            (
                CaseStudyIndexPage,
                CaseStudyPage,
                {"title": "事例", "slug": "study", "challenge": "課題", "support": "支援"},
            ),
            (
                SeminarIndexPage,
                SeminarPage,
                {
                    "title": "DX入門",
                    "slug": "intro",
                    # The page presents a seminar (date, venue, seats) staff made beforehand.
                    "seminar": Seminar.objects.create(
                        starts_at=starts,
                        ends_at=starts + dt.timedelta(hours=2),
                        format="venue",
                        venue_name="三重県庁",
                        capacity_venue=30,
                    ).pk,
                },
            ),
        ]:
            self.assertCanCreate(made[parent], model, form_data(model, **data))

        for model in WHERE:
            if model is not HomePage:
                page = model.objects.live().get()
                self.assertEqual(self.client.get(page.url).status_code, 200, model.__name__)
