"""Demo seminars: the FY2022 みえDXセンターセミナー of the committee paper (別紙2)."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import transaction

from wagtail.models import Locale, Page

from partners.models import Advisor, PartnerCompany

from .models import SeminarIndexPage, SeminarPage

TOKYO = ZoneInfo("Asia/Tokyo")

SEMINARS_FY2022 = [
    (
        dt.date(2022, 6, 24),
        "デジタル社会形成の前提条件",
        ["上野 さくら"],
        ["伊勢湾モバイル株式会社"],
        86,
    ),
    (
        dt.date(2022, 8, 3),
        "デジタルメディアを活用した受け手に伝わる情報発信",
        ["佐藤 恵"],
        ["鈴鹿テレコム株式会社"],
        117,
    ),
    (
        dt.date(2022, 10, 2),
        "デジタルって何の役に立つの？！",
        ["藤井 隆", "加藤 翔太"],
        ["伊勢湾モバイル株式会社", "鈴鹿テレコム株式会社", "熊野コミュニケーションズ株式会社"],
        67,
    ),
    (
        dt.date(2023, 1, 25),
        "地域DXとデータ活用 ～国・企業・自治体の動向と事例から考える～",
        ["青山 美咲"],
        [],
        75,
    ),
    (
        dt.date(2023, 3, 1),
        "みえDXパートナーによる研修会 ～通信事業者が伝える課題解決のヒント！～",
        [],
        [
            "伊勢湾モバイル株式会社",
            "鈴鹿テレコム株式会社",
            "熊野コミュニケーションズ株式会社",
            "志摩ネットワーク株式会社",
        ],
        138,
    ),
    (dt.date(2023, 3, 23), "AIなど最先端デジタル技術について考える", ["清水 拓也"], [], None),
]


@transaction.atomic
def seed(home: Page) -> dict:
    """Create the seminar index under the home page and the FY2022 seminars (idempotent)."""
    index = SeminarIndexPage.objects.child_of(home).first()
    if index is None:
        index = SeminarIndexPage(
            title="セミナー",
            slug="seminars",
            show_in_menus=True,
            intro="<p>みえDXセンターセミナーのご案内です。</p>",
        )
        home.add_child(instance=index)
        index.save_revision().publish()
    english = Locale.objects.filter(language_code="en").first()
    if english and home.has_translation(english) and not index.has_translation(english):
        # The English menu and breadcrumbs say "Seminars"; seminars published in Japanese only
        # are listed under it in Japanese.
        translated = index.copy_for_translation(english)
        translated.title = "Seminars"
        translated.intro = "<p>Seminars of the Mie DX Center, free of charge.</p>"
        translated.save_revision().publish()
    for day, title, advisors, companies, attendance in SEMINARS_FY2022:
        if SeminarPage.objects.filter(title=title).exists():
            continue
        starts = dt.datetime.combine(day, dt.time(14, 0), TOKYO)
        page = SeminarPage(
            title=title,
            slug=f"seminar-{day:%Y%m%d}",
            summary=f"みえDXアドバイザー・みえDXパートナーを講師に迎え、「{title}」をテーマに開催します。",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            format=SeminarPage.Format.HYBRID,
            venue_name="三重県総合文化センター 大会議室",
            venue_address="三重県津市一身田上津部田1234",
            online_url="https://meet.example.jp/mie-dx",
            capacity_venue=80,
            capacity_online=100,
            target_audience="県内事業者、県民グループ、市町職員",
            recorded_attendance=attendance,
        )
        index.add_child(instance=page)
        page.lecturer_advisors.set(Advisor.objects.filter(name__in=advisors))
        page.lecturer_companies.set(PartnerCompany.objects.filter(name__in=companies))
        page.save_revision().publish()
    upcoming = [
        (
            dt.date(2026, 12, 15),
            "生成AIを業務に活かす第一歩",
            ["清水 拓也"],
            ["株式会社四日市ソフトウェア"],
            60,
            100,
        ),
        (
            dt.date(2027, 1, 26),
            "シニア向けスマホ教室の開き方",
            ["中村 彩"],
            ["伊勢湾モバイル株式会社"],
            40,
            None,
        ),
    ]
    for day, title, advisors, companies, venue_cap, online_cap in upcoming:
        if SeminarPage.objects.filter(title=title).exists():
            continue
        starts = dt.datetime.combine(day, dt.time(14, 0), TOKYO)
        page = SeminarPage(
            title=title,
            slug=f"seminar-{day:%Y%m%d}",
            summary=f"「{title}」をテーマに、事例紹介と個別相談会を行います。",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            format=SeminarPage.Format.HYBRID if online_cap else SeminarPage.Format.VENUE,
            venue_name="みえ県民交流センター 会議室",
            venue_address="三重県津市羽所町700 アスト津3階",
            online_url="https://meet.example.jp/mie-dx-2026" if online_cap else "",
            capacity_venue=venue_cap,
            capacity_online=online_cap,
            target_audience="県内事業者、県民グループ、市町職員",
            registration_opens_at=dt.datetime(2026, 11, 1, 9, 0, tzinfo=TOKYO),
            registration_closes_at=starts - dt.timedelta(days=2),
        )
        index.add_child(instance=page)
        page.lecturer_advisors.set(Advisor.objects.filter(name__in=advisors))
        page.lecturer_companies.set(PartnerCompany.objects.filter(name__in=companies))
        page.save_revision().publish()
    return {"seminars": SeminarPage.objects.count()}
