"""Demo seminars: the FY2022 みえDXセンターセミナー of the committee paper (別紙2), and seminars\naround the day the demo runs."""

import datetime as dt
import random
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from wagtail.models import Locale, Page

from common.dates import is_business_day
from common.models import Municipality, PurposeNotice
from partners.models import Advisor, PartnerCompany

from .models import (
    Registration,
    Seminar,
    SeminarIndexPage,
    SeminarPage,
    SeminarProgramme,
    SeminarSurvey,
)

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


def seminar_index(home: Page, **fields) -> SeminarIndexPage:
    """The seminar index below ``home``; created and published with ``fields`` when missing."""
    index = SeminarIndexPage.objects.child_of(home).first()
    if index is None:
        index = SeminarIndexPage(title="セミナー", slug="seminars", **fields)
        home.add_child(instance=index)
        index.save_revision().publish()
    return index


@transaction.atomic
def seed(home: Page) -> dict:
    """Create the seminar index under the home page and the FY2022 seminars (idempotent)."""
    index = seminar_index(
        home, show_in_menus=True, intro="<p>みえDXセンターセミナーのご案内です。</p>"
    )
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
        seminar = Seminar.objects.create(
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            format=Seminar.Format.HYBRID,
            venue_name="三重県総合文化センター 大会議室",
            venue_address="三重県津市一身田上津部田1234",
            online_url="https://meet.example.jp/mie-dx",
            capacity_venue=80,
            capacity_online=100,
            recorded_attendance=attendance,
        )
        seminar.lecturer_advisors.set(Advisor.objects.filter(name__in=advisors))
        seminar.lecturer_companies.set(PartnerCompany.objects.filter(name__in=companies))
        page = SeminarPage(
            title=title,
            slug=f"seminar-{day:%Y%m%d}",
            summary=f"みえDXアドバイザー・みえDXパートナーを講師に迎え、「{title}」をテーマに開催します。",
            seminar=seminar,
            target_audience="県内事業者、県民グループ、市町職員",
        )
        index.add_child(instance=page)
        page.save_revision().publish()
    seed_relative(index)
    seed_programme(index)
    return {"seminars": Seminar.objects.count()}


# Seminars around the day the demo runs: (days from today, title, advisors, companies, venue
# seats, online seats, registrations to make, role). Roles: "open" takes registrations, "full"
# has every seat taken and people waiting, "closed" is ahead with its registration closed, and
# "held" is over, with attendance and survey answers.
RELATIVE = [
    (
        24,
        "生成AIを業務に活かす第一歩",
        ["清水 拓也"],
        ["株式会社四日市ソフトウェア"],
        60,
        100,
        6,
        "open",
    ),
    (
        38,
        "シニア向けスマホ教室の開き方",
        ["中村 彩"],
        ["伊勢湾モバイル株式会社"],
        8,
        None,
        11,
        "full",
    ),
    (3, "中小企業のためのクラウド会計入門", ["青山 美咲"], [], 40, 60, 14, "closed"),
    (
        -20,
        "データで考える地域の観光",
        ["藤井 隆"],
        ["熊野コミュニケーションズ株式会社"],
        50,
        80,
        24,
        "held",
    ),
    (
        -150,
        "はじめての業務アプリづくり",
        ["加藤 翔太"],
        ["株式会社四日市ソフトウェア"],
        40,
        60,
        30,
        "held",
    ),
    (
        -330,
        "情報セキュリティの基本と対策",
        ["佐藤 恵"],
        ["鈴鹿テレコム株式会社"],
        60,
        100,
        36,
        "held",
    ),
    # Held seminars 20 to 400 days back: the previous fiscal year always has one.
    (-400, "県内事業者のためのDX入門", ["上野 さくら"], [], 60, 100, 30, "held"),
]
# Seminars ahead are announced in English too; past ones stay in Japanese only.
ENGLISH_TITLES = {
    "生成AIを業務に活かす第一歩": "First steps with generative AI at work",
    "シニア向けスマホ教室の開き方": "How to run a smartphone class for older people",
    "中小企業のためのクラウド会計入門": "Cloud accounting for small businesses",
}
PEOPLE = [
    ("伊藤 陽菜", "イトウ ヒナ"),
    ("山本 大翔", "ヤマモト ヒロト"),
    ("中川 結衣", "ナカガワ ユイ"),
    ("森 蓮", "モリ レン"),
    ("西村 美咲", "ニシムラ ミサキ"),
    ("岡田 悠真", "オカダ ユウマ"),
    ("前田 葵", "マエダ アオイ"),
    ("藤田 湊", "フジタ ミナト"),
]
ORGANISATIONS = [
    ("株式会社津みらい製作所", "business", "242012"),
    ("いせ子育てネット", "citizen_group", "242039"),
    ("鈴鹿市デジタル推進課", "municipality", "242071"),
    ("松阪農園合同会社", "business", "242047"),
    ("桑名精密工業株式会社", "business", "242055"),
    ("熊野古道語り部の会", "citizen_group", "242128"),
]


def seed_relative(index: SeminarIndexPage, now: dt.datetime | None = None) -> int:
    """Seminars ahead of and behind the day the demo runs, with their registrations.

    Made when nothing lies ahead (a fresh database, or a demo left untouched until its seminars
    have passed), so that the portal always has a seminar open for registration, one full with
    a waiting list and one closed, and the statistics have recent seminars with attendance.
    """
    now = now or timezone.now()
    if Seminar.objects.filter(starts_at__gt=now, recorded_attendance__isnull=True).exists():
        return 0
    today = timezone.localdate(now)
    rng = random.Random(today.toordinal())
    for offset, title, advisors, companies, venue_seats, online_seats, people, role in RELATIVE:
        day = _business_day(today + dt.timedelta(days=offset), ahead=offset > 0)
        starts = dt.datetime.combine(day, dt.time(14, 0), TOKYO)
        seminar = Seminar.objects.create(
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            format=Seminar.Format.HYBRID if online_seats else Seminar.Format.VENUE,
            venue_name="みえ県民交流センター 会議室",
            venue_address="三重県津市羽所町700 アスト津3階",
            online_url="https://meet.example.jp/mie-dx-seminar" if online_seats else "",
            capacity_venue=venue_seats,
            capacity_online=online_seats,
            registration_opens_at=starts - dt.timedelta(days=45),
            registration_closes_at=(
                now - dt.timedelta(days=1) if role == "closed" else starts - dt.timedelta(days=2)
            ),
        )
        seminar.lecturer_advisors.set(Advisor.objects.filter(name__in=advisors))
        seminar.lecturer_companies.set(PartnerCompany.objects.filter(name__in=companies))
        page = SeminarPage(
            title=title,
            slug=_free_slug(index, f"seminar-{day:%Y%m%d}"),
            summary=f"「{title}」をテーマに、事例紹介と個別相談会を行います。",
            seminar=seminar,
            target_audience="県内事業者、県民グループ、市町職員",
        )
        index.add_child(instance=page)
        page.save_revision().publish()
        if role != "held":
            _english_copy(page, ENGLISH_TITLES[title])
        _registrations(seminar, people, rng, held=role == "held", now=now)
    return len(RELATIVE)


# The seed (令和4年度): 「みえDXパートナーの通信事業者2社にご協力いただき、県内5会場でスマホ教室を
# 開催」: one programme, five dates and venues, one page.
SMARTPHONE_CLASS = "スマホ教室（県内5会場）"
SMARTPHONE_VENUES = [
    (45, "桑名市中央公民館", "三重県桑名市中央町2-37"),
    (52, "四日市市総合会館", "三重県四日市市諏訪町2-2"),
    (59, "津市サン・ワーク津", "三重県津市島崎町143-6"),
    (66, "伊勢市生涯学習センター", "三重県伊勢市岩渕1-7-17"),
    (73, "尾鷲市中央公民館", "三重県尾鷲市栄町5-43"),
]


def seed_programme(index: SeminarIndexPage, now: dt.datetime | None = None) -> int:
    """The smartphone class ahead: five venues on five days, with registrations at two."""
    now = now or timezone.now()
    if Seminar.objects.filter(programme__name=SMARTPHONE_CLASS, starts_at__gt=now).exists():
        return 0
    today = timezone.localdate(now)
    programme = SeminarProgramme.objects.create(name=SMARTPHONE_CLASS)
    companies = PartnerCompany.objects.filter(
        name__in=["伊勢湾モバイル株式会社", "鈴鹿テレコム株式会社"]
    )
    rng = random.Random(today.toordinal() + 1)
    dates = []
    for offset, venue, address in SMARTPHONE_VENUES:
        day = _business_day(today + dt.timedelta(days=offset), ahead=True)
        starts = dt.datetime.combine(day, dt.time(10, 0), TOKYO)
        seminar = Seminar.objects.create(
            programme=programme,
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            format=Seminar.Format.VENUE,
            venue_name=venue,
            venue_address=address,
            capacity_venue=20,
            registration_opens_at=starts - dt.timedelta(days=60),
            registration_closes_at=starts - dt.timedelta(days=2),
        )
        seminar.lecturer_companies.set(companies)
        dates.append(seminar)
    page = SeminarPage(
        title="スマホ教室（県内5会場）",
        slug=_free_slug(index, f"smartphone-class-{today:%Y%m%d}"),
        summary=(
            "みえDXパートナーの通信事業者2社にご協力いただき、県内5会場でスマホ教室を開催します。"
            "ご都合のよい日程・会場をお選びください。"
        ),
        programme=programme,
        target_audience="スマートフォンをはじめて使う方、使い方を見直したい方",
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    _registrations(dates[0], 5, rng, held=False, now=now)
    _registrations(dates[2], 3, rng, held=False, now=now)
    return len(dates)


def _business_day(day: dt.date, *, ahead: bool) -> dt.date:
    """The nearest business day on the same side of today: the center holds no seminar on a
    weekend, a public holiday or in the year-end closure (12/29–1/3)."""
    step = dt.timedelta(days=1 if ahead else -1)
    while not is_business_day(day):
        day += step
    return day


def _english_copy(page: SeminarPage, title: str) -> None:
    english = Locale.objects.filter(language_code="en").first()
    if english is None or not page.get_parent().has_translation(english):
        return
    translated = page.copy_for_translation(english)
    translated.title = title
    translated.summary = (
        f"Case studies and one-to-one advice on the theme “{title}” (held in Japanese)."
    )
    translated.target_audience = "Businesses, citizen groups and municipal staff in Mie Prefecture"
    translated.save_revision().publish()


def _free_slug(index: SeminarIndexPage, slug: str) -> str:
    """A demo rebuilt weeks later may put a new seminar on the day of an old one."""
    taken = set(index.get_children().values_list("slug", flat=True))
    candidate, n = slug, 1
    while candidate in taken:
        n += 1
        candidate = f"{slug}-{n}"
    return candidate


def _registrations(
    seminar: Seminar, people: int, rng: random.Random, *, held: bool, now: dt.datetime
) -> None:
    """Demo rows written directly: no mail goes out for people who do not exist.

    Registrations are spread over the days the registration was open, never after ``now``, in
    the order of ``i``: the waiting list keeps its order, and someone registering today comes
    after everyone already waiting.
    """
    municipalities = {m.code: m for m in Municipality.objects.all()}
    notice = PurposeNotice.current("seminar")
    seats = {"venue": seminar.capacity_venue, "online": seminar.capacity_online}
    taken = {"venue": 0, "online": 0}
    first = seminar.registration_opens_at or seminar.starts_at - dt.timedelta(days=45)
    last = min(now - dt.timedelta(hours=1), seminar.registration_closes_at or seminar.starts_at)
    first = min(first, last - dt.timedelta(days=1))
    for i in range(people):
        name, kana = PEOPLE[i % len(PEOPLE)]
        organisation, requester_type, town = ORGANISATIONS[i % len(ORGANISATIONS)]
        mode = "online" if seats["online"] and i % 3 == 2 else "venue"
        full = seats[mode] is not None and taken[mode] >= seats[mode]
        taken[mode] += 0 if full else 1
        created = first + (last - first) * (i + 1) / (people + 1)
        registration = Registration.objects.create(
            seminar=seminar,
            name=name,
            name_kana=kana,
            email=f"seminar{seminar.pk}-{i + 1}@example.jp",
            organisation=organisation,
            requester_type=requester_type,
            municipality=municipalities.get(town),
            mode=mode,
            status=Registration.Status.WAITLISTED if full else Registration.Status.CONFIRMED,
            notice=notice,
            consented_at=created,
            created_at=created,
        )
        if held and not full and rng.random() < 0.8:
            registration.checked_in_at = seminar.starts_at - dt.timedelta(minutes=10)
            registration.thanked_at = seminar.ends_at + dt.timedelta(hours=1)
            registration.save(update_fields=["checked_in_at", "thanked_at"])
            if rng.random() < 0.6:
                SeminarSurvey.objects.create(
                    registration=registration,
                    satisfaction=rng.choice([3, 4, 4, 5, 5]),
                    useful_for_dx=rng.random() < 0.9,
                    answered_at=seminar.ends_at + dt.timedelta(days=1),
                )
