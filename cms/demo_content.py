"""The demo site's pages (Japanese, several also in English); called by cms.demo.seed_site."""

import datetime as dt

from django.utils import timezone

from wagtail.models import Locale, Page, Site

from common.dates import (
    add_business_days,
    fiscal_year_label,
    fiscal_year_of,
    fiscal_year_range,
)
from common.models import Municipality
from partners.models import Advisor, PartnerCompany

from .demo_texts import (
    A11Y_BODY_EN,
    A11Y_BODY_JA,
    ABOUT_BODY_EN,
    ABOUT_BODY_JA,
    CASE_STUDIES,
    FAQ_EN,
    FAQ_JA,
    NEWS,
    PRIVACY_BODY_EN,
    PRIVACY_BODY_JA,
    paragraph,
    rich_text,
)
from .models import (
    AdvisorDirectoryPage,
    CaseStudyIndexPage,
    CaseStudyPage,
    FaqPage,
    FooterLinks,
    HomePage,
    NewsIndexPage,
    NewsPage,
    PartnerDirectoryPage,
    StandardPage,
)


def _child(parent: Page, model, slug: str, **fields) -> Page:
    """The parent's child with this slug, created and published if missing."""
    page = model.objects.child_of(parent).filter(slug=slug).first()
    if page is None:
        page = model(slug=slug, **fields)
        parent.add_child(instance=page)
        page.save_revision().publish()
    return page


def _translate(page: Page, locale: Locale, **fields) -> Page:
    """The page's translation in the locale, created from the given English fields if missing."""
    translated = page.get_translation_or_none(locale)
    if translated is None:
        translated = page.copy_for_translation(locale)
        for name, value in fields.items():
            setattr(translated, name, value)
        translated.save_revision().publish()
    return translated


def _page_pair(parent: Page, en: Locale, model, slug: str, fields: dict, fields_en: dict):
    """A page below ``parent`` (made once) and its English translation: (page, translation)."""
    page = _child(parent, model, slug, **fields)
    return page, _translate(page, en, **fields_en)


# The pages that are only a text or a directory: key, type, slug, Japanese and English fields.
PLAIN_PAGES = [
    (
        "advisors",
        AdvisorDirectoryPage,
        "advisors",
        {
            "title": "みえDXアドバイザー",
            "show_in_menus": True,
            "intro": "大学教員、コンサルタント、起業家など、DXの専門家がご相談に応じます。",
        },
        {
            "title": "Mie DX Advisors",
            "intro": "Professors, consultants and entrepreneurs who advise on DX.",
        },
    ),
    (
        "partners",
        PartnerDirectoryPage,
        "partners",
        {
            "title": "みえDXパートナー",
            "show_in_menus": True,
            "intro": "通信事業者やITベンダーなど、DXの取組を支える企業です。",
        },
        {
            "title": "Mie DX Partners",
            "intro": "Mobile carriers, IT vendors and other companies that support DX.",
        },
    ),
    (
        "faq",
        FaqPage,
        "faq",
        {
            "title": "よくある質問",
            "show_in_menus": True,
            "intro": "ご相談の前によくいただく質問です。",
            "items": FAQ_JA,
        },
        {
            "title": "Frequently asked questions",
            "intro": "Questions we are often asked.",
            "items": FAQ_EN,
        },
    ),
    (
        "privacy",
        StandardPage,
        "privacy",
        {
            "title": "個人情報の取扱い",
            "intro": "みえDXセンターにおける個人情報の取扱いについて説明します。",
            "body": PRIVACY_BODY_JA,
        },
        {
            "title": "Privacy policy",
            "intro": "How the Mie DX Center handles personal information.",
            "body": PRIVACY_BODY_EN,
        },
    ),
    (
        "accessibility",
        StandardPage,
        "accessibility",
        {
            "title": "ウェブアクセシビリティ方針",
            "intro": "みえDXセンターのウェブサイトのアクセシビリティに関する方針です。",
            "body": A11Y_BODY_JA,
        },
        {
            "title": "Web accessibility policy",
            "intro": "Our accessibility commitment for this website.",
            "body": A11Y_BODY_EN,
        },
    ),
]


def _seed_news(home: HomePage, en: Locale) -> Page:
    news_index, news_index_en = _page_pair(
        home,
        en,
        NewsIndexPage,
        "news",
        {"title": "お知らせ", "show_in_menus": True, "intro": "みえDXセンターからのお知らせです。"},
        {"title": "News", "intro": "News from the Mie DX Center."},
    )
    for day, slug, title, summary, title_en, summary_en in NEWS:
        item = _child(
            news_index,
            NewsPage,
            slug,
            title=title,
            date=dt.date.fromisoformat(day),
            summary=summary,
            body=[paragraph(summary)],
        )
        if title_en and news_index_en is not None:
            _translate(item, en, title=title_en, summary=summary_en, body=[paragraph(summary_en)])
    _seed_current_news(news_index)
    return news_index


def _seed_current_news(news_index: Page) -> None:
    """News of the fiscal year the demo runs in, dated between its first day and today."""
    today = timezone.localdate()
    year = fiscal_year_of(today)
    start = fiscal_year_range(year)[0]
    label, previous = fiscal_year_label(year), fiscal_year_label(year - 1)
    items = [
        (
            start,
            f"news-fy{year}-desk",
            f"{label}もDXの相談を受け付けています",
            f"{label}も、県内事業者、県民グループ、県・市町の皆さんからのDXに関するご相談を無料で受け付けています。",
        ),
        (
            min(today, add_business_days(start, 20)),
            f"news-fy{year}-figures",
            f"{previous}の相談件数と支援の事例をまとめました",
            f"{previous}にみえDXセンターへ寄せられた相談の件数と、主な支援の事例をまとめました。",
        ),
    ]
    for day, slug, title, summary in items:
        _child(
            news_index,
            NewsPage,
            slug,
            title=title,
            date=day,
            summary=summary,
            body=[paragraph(summary)],
        )


def _seed_case_study(studies_index: Page, spec: dict) -> Page:
    study = CaseStudyPage.objects.child_of(studies_index).filter(slug=spec["slug"]).first()
    if study is None:
        study = CaseStudyPage(
            slug=spec["slug"],
            title=spec["title"],
            requester_type=spec["requester_type"],
            category=spec["category"],
            industry=spec["industry"],
            municipality=Municipality.objects.filter(code=spec["municipality"]).first()
            if spec["municipality"]
            else None,
            summary=spec["summary"],
            challenge=rich_text(spec["challenge"]),
            support=rich_text(spec["support"]),
            result=rich_text(spec["result"]) if spec["result"] else "",
            featured=spec["featured"],
        )
        study.advisors.set(Advisor.objects.filter(name__in=spec["advisors"]))
        study.partners.set(PartnerCompany.objects.filter(name__in=spec["partners"]))
        studies_index.add_child(instance=study)
        study.save_revision().publish()
    return study


def _current_case_study() -> dict:
    """A case study published in the fiscal year the demo runs in."""
    year = fiscal_year_of(timezone.localdate())
    label = fiscal_year_label(year)
    return {
        "slug": f"fy{year}-order-forms-online",
        "title": "受発注をFAXからウェブに移したい",
        "title_en": None,
        "requester_type": "business",
        "category": "problem_solving",
        "industry": "製造業",
        "municipality": "242012",
        "summary": f"{label}の相談から。FAXでの受発注をウェブに移す手順を、みえDXパートナーと一緒に整理しました。",
        "challenge": "取引先からの注文がFAXで届き、転記の手間と誤りが負担になっている。",
        "support": "みえDXパートナーを紹介し、受発注の流れを見直したうえで、ウェブ発注の導入手順を提案しました。",
        "result": "",
        "advisors": [],
        "partners": ["株式会社四日市ソフトウェア"],
        "featured": False,
    }


def _seed_case_studies(home: HomePage, en: Locale) -> Page:
    studies_index, _en = _page_pair(
        home,
        en,
        CaseStudyIndexPage,
        "case-studies",
        {
            "title": "事例集",
            "show_in_menus": True,
            "intro": "みえDXセンターに寄せられた相談と、センターによる支援の事例です（令和4年度以降の主なもの）。",
        },
        {
            "title": "Case studies",
            "intro": "Consultations the Mie DX Center received and how it helped (main examples since FY2022).",
        },
    )
    for spec in [*CASE_STUDIES, _current_case_study()]:
        study = _seed_case_study(studies_index, spec)
        if spec.get("title_en"):
            _translate(
                study,
                en,
                title=spec["title_en"],
                summary=spec["summary_en"],
                challenge=rich_text(spec["challenge_en"]),
                support=rich_text(spec["support_en"]),
                result=rich_text(spec["result_en"]) if spec["result_en"] else "",
            )
    return studies_index


def seed_pages(home: HomePage, en: Locale) -> dict[str, Page]:
    """Every page of the demo portal under the Japanese home, and their English translations."""
    home_en = home.get_translation(en)
    pages: dict[str, Page] = {}
    pages["about"], _en = _page_pair(
        home,
        en,
        StandardPage,
        "about",
        {
            "title": "センターについて",
            "show_in_menus": True,
            "intro": "みえDXセンターの役割と、ご相談から支援までの流れをご紹介します。",
            "body": ABOUT_BODY_JA,
        },
        {
            "title": "About the center",
            "intro": "What the Mie DX Center does and how it helps.",
            "body": ABOUT_BODY_EN,
        },
    )
    pages["news"] = _seed_news(home, en)
    pages["case_studies"] = _seed_case_studies(home, en)
    for key, model, slug, fields, fields_en in PLAIN_PAGES:
        pages[key], _en = _page_pair(home, en, model, slug, fields, fields_en)

    _seed_home_sections(home, home_en, pages)
    _seed_footer(home, pages)
    return pages


def _features(items: list[tuple[str, str, int | None]]) -> list[dict]:
    """The home page's feature cards from (title, text, linked page id)."""
    return [
        {"type": "feature", "value": {"title": title, "text": text, "page": page}}
        for title, text, page in items
    ]


def _seed_home_sections(home: HomePage, home_en: Page, pages: dict[str, Page]) -> None:
    if not home.features:
        home.consult_text = "DXに関することなら、どんなことでもお気軽にご相談ください（無料）。"
        home.features = _features(
            [
                (
                    "相談窓口",
                    "DXに関するご相談をワンストップで受け付け、専門家をご紹介します。",
                    pages["about"].pk,
                ),
                (
                    "セミナー",
                    "アドバイザーやパートナーを講師に、DXの基礎や事例を学ぶセミナーを開催します。",
                    None,
                ),
                (
                    "事例の紹介",
                    "県内の事業者や団体がDXに取り組んだ事例を紹介します。",
                    pages["case_studies"].pk,
                ),
            ]
        )
        home.save_revision().publish()
    home_en = home_en.specific
    if home_en is not None and not home_en.features:
        about_en = pages["about"].get_translation_or_none(home_en.locale)
        studies_en = pages["case_studies"].get_translation_or_none(home_en.locale)
        home_en.consult_text = "Ask us anything about DX, free of charge."
        home_en.features = _features(
            [
                (
                    "Consultation desk",
                    "One place for your questions about DX; we introduce experts who can help.",
                    about_en.pk if about_en else None,
                ),
                (
                    "Seminars",
                    "Seminars by advisors and partners on the basics of DX and real examples.",
                    None,
                ),
                (
                    "Case studies",
                    "How businesses and groups in Mie took up DX.",
                    studies_en.pk if studies_en else None,
                ),
            ]
        )
        home_en.save_revision().publish()


def _seed_footer(home: HomePage, pages: dict[str, Page]) -> None:
    site = Site.objects.filter(root_page=home).first() or Site.objects.get(is_default_site=True)
    footer = FooterLinks.for_site(site)
    if not footer.links:
        footer.links = [
            {
                "type": "link",
                "value": {"page": pages[name].pk, "url": "", "label": "", "label_en": ""},
            }
            for name in ("about", "faq", "privacy", "accessibility")
        ]
        footer.save()
