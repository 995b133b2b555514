"""The demo site tree: home page in Japanese with its English translation."""

from django.db import transaction

from wagtail.models import Locale, Page, Site

from common.models import CenterSettings
from events.models import SeminarIndexPage

from .demo_content import seed_pages
from .models import ConsultationPage, HomePage


@transaction.atomic
def seed_site() -> HomePage:
    """Replace Wagtail's welcome page by the center's home page, in ja and en (idempotent)."""
    ja = Locale.objects.get_or_create(language_code="ja")[0]
    en = Locale.objects.get_or_create(language_code="en")[0]
    home = HomePage.objects.filter(locale=ja).first()
    if home is None:
        root = Page.get_first_root_node()
        # Wagtail's welcome page (and the site pointing at it) make way for the home page.
        for page in root.get_children():
            if page.specific_class is Page:
                Site.objects.filter(root_page=page).delete()
                page.delete()
        home = HomePage(
            title="みえDXセンター",
            slug="home",
            locale=ja,
            lead="DXの「第一歩」を応援する、三重県のワンストップ相談窓口です。",
            intro=(
                "<p>みえDXセンターは、県内事業者、県民グループ、県・市町の皆さんから、"
                "デジタル技術の活用やDXの進め方についてのご相談を受け付けています。"
                "内容に応じて、みえDXアドバイザーやみえDXパートナーをご紹介します。</p>"
            ),
        )
        root.add_child(instance=home)
        home.save_revision().publish()
        Site.objects.update(is_default_site=False)
        Site.objects.create(
            hostname="localhost",
            port=80,
            root_page=home,
            is_default_site=True,
            site_name="みえDXセンター",
        )
    if not home.has_translation(en):
        english = home.copy_for_translation(en)
        english.title = "Mie DX Center"
        english.lead = "Mie Prefecture's one-stop desk that supports your first step into DX."
        english.intro = (
            "<p>The Mie DX Center answers questions from businesses, citizen groups and "
            "municipalities in Mie about digital technology and digital transformation, and "
            "introduces Mie DX Advisors and Mie DX Partners who can help.</p>"
        )
        english.save_revision().publish()
    seed_consultation_page(home, en)
    seed_pages(home, en)
    site = Site.objects.get(is_default_site=True)
    center = CenterSettings.for_site(site)
    if not center.address:
        center.address = "〒514-8570 三重県津市広明町13番地"
        center.phone = "059-224-0000"
        center.email = "dx-center@example.jp"
        center.office_hours = "平日 8:30〜17:15（年末年始を除く）"
        center.office_hours_en = "Weekdays 8:30–17:15 (closed over the New Year holidays)"
        center.mail_signature = (
            "みえDXセンター（三重県 デジタル社会推進局 デジタル改革推進課）\n"
            "〒514-8570 三重県津市広明町13番地\n電話 059-224-0000"
        )
        center.mail_signature_en = (
            "Mie DX Center (Digital Transformation Division, Mie Prefectural Government)\n"
            "13 Komei-cho, Tsu, Mie 514-8570, Japan"
        )
        center.save()
    return home


def seed_consultation_page(home: HomePage, en: Locale) -> ConsultationPage:
    """The consultation page with the intake form, in Japanese and English."""
    page = ConsultationPage.objects.child_of(home).first()
    if page is None:
        page = ConsultationPage(
            title="DXの相談をする",
            slug="consultation",
            show_in_menus=True,
            intro=(
                "<p>県内事業者、県民グループ、県・市町の皆さんからのDXに関するご相談を受け付けています。"
                "相談は無料です。</p>"
                "<ol><li>申込：このページのフォームからお申し込みください。</li>"
                "<li>確認：センター職員が内容を確認し、3営業日以内にご連絡します。</li>"
                "<li>ご紹介：必要に応じて、みえDXアドバイザー・みえDXパートナーをご紹介します。</li>"
                "<li>支援：課題の解決に向けて一緒に取り組みます。</li></ol>"
            ),
        )
        home.add_child(instance=page)
        page.save_revision().publish()
    if not page.has_translation(en):
        english = page.copy_for_translation(en)
        english.title = "Ask the DX Center"
        english.intro = (
            "<p>Businesses, citizen groups and municipalities in Mie can consult us about "
            "digital transformation free of charge.</p>"
            "<ol><li>Apply: send the form on this page.</li>"
            "<li>Review: staff read your request and contact you within three business days.</li>"
            "<li>Introduction: where it helps, we introduce a Mie DX Advisor or Partner.</li>"
            "<li>Support: we work with you towards a solution.</li></ol>"
        )
        english.save_revision().publish()
    return page


def seed_menu(home: HomePage) -> None:
    """Show the seminar index (created by events.demo) in the main menu."""
    for page in home.get_children().type(SeminarIndexPage).filter(show_in_menus=False):
        page = page.specific
        page.show_in_menus = True
        page.save_revision().publish()
