"""Demo cases: the published history (FY2021–FY2023) and the years since, up to today.

FY2021 and FY2022 reproduce the published figures of the 2023-02-28 committee paper (81 cases:
29 and 52; business 48, citizen group 9, municipality 24; information 14, training 39, problem
solving 25, other 3), and FY2022 includes its five example consultations (別紙1). The fiscal
years after that are generated relative to the day the demo runs (`seed_recent`), and the open
requests of the last weeks (`seed_fresh`) give triage work.
"""

import datetime as dt
import random
import secrets

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from common.dates import (
    add_business_days,
    fiscal_year_of,
    fiscal_year_range,
    is_business_day,
)
from common.models import Municipality, PurposeNotice
from common.vocab import RequesterType
from crm.models import Organisation, Person
from partners.models import Advisor, PartnerCompany

from .exceptions import CaseError
from .models import Assignment, Case, CaseSurvey, ConsentRecord
from .services import (
    assignment_accept,
    assignment_decline,
    assignment_note_add,
    assignment_resolve,
    case_assign,
    case_close,
    case_create,
)

EXAMPLES = [
    # (organisation, industry, requester type, category, subject, request, support)
    (
        "株式会社サンプル商店",
        "小売業",
        "business",
        "information",
        "経理とバックオフィスのデジタル化",
        "経理とバックオフィス業務のデジタル化を図りたい。",
        "クラウド会計の動向や特徴等を紹介。",
    ),
    (
        "みえ中央信用金庫",
        "金融業",
        "business",
        "training",
        "職員向けDX研修の相談",
        "顧客からの相談に対して、サポートの充実が図られるよう、DXについて学びたい。",
        "金融機関の職員向けに、みえDXアドバイザーによる「金融機関ができるデジタル支援事例」をテーマとしたセミナーを実施。",
    ),
    (
        "伊勢精工株式会社",
        "製造業",
        "business",
        "problem_solving",
        "社内へのDXの説明と進め方",
        "DXの取組をスタートしたが、社員にどのように説明し、進めていけば良いか。",
        "各企業がDXに対する悩みや課題を持ち合い、産学官で互いに解決策を出し合うイベントへの参加を打診。",
    ),
    (
        "三重県立総合文化交流施設",
        "県有施設",
        "municipality",
        "problem_solving",
        "勤務シフト表の自動作成",
        "勤務シフト表の作成業務が相当の負担となっており、勤務条件を入力したら自動的に勤務表が作成できる方法はないか。",
        "使い勝手など、利用者の細かな要望に沿って勤務シフトの作成を支援。",
    ),
    (
        "株式会社みえイベント企画",
        "企画運営業",
        "business",
        "problem_solving",
        "シニア向けスマホ教室の開催",
        "三重県内のイベント会場にて、「シニア」をテーマとした催事を計画しており、シニア世代向けのスマホ教室を開催したい。",
        "みえDXパートナーの通信事業者2社にご協力いただき、県内5会場でスマホ教室を開催。",
    ),
]

SUBJECTS = {
    "information": [
        "クラウドサービスの比較",
        "補助金とDXツールの情報",
        "電子契約の導入事例",
        "キャッシュレス決済の動向",
    ],
    "training": [
        "商工会員向けDXセミナーの開催",
        "職員向けデジタル研修",
        "地域住民向けICT講座",
        "若手社員のデータ活用研修",
    ],
    "problem_solving": [
        "受発注業務の効率化",
        "在庫管理のデジタル化",
        "ウェブ予約の導入",
        "紙の申請書の電子化",
    ],
    "other": ["DXセンターの利用方法", "取材の申込み"],
}
INDUSTRIES = ["製造業", "小売業", "建設業", "宿泊業", "農業", "運輸業", "医療・福祉", "サービス業"]
ORG_PREFIX = {"business": "株式会社", "citizen_group": "", "municipality": ""}
GROUP_NAMES = [
    "NPO法人つなぐ三重",
    "いせ子育てネット",
    "熊野古道語り部の会",
    "すずかシニアクラブ",
    "志摩の海を守る会",
]

# (fiscal year, number of cases, requester-type counts, category counts)
PLAN = [
    (
        2021,
        29,
        {"business": 17, "citizen_group": 3, "municipality": 9},
        {"information": 5, "training": 14, "problem_solving": 9, "other": 1},
    ),
    (
        2022,
        52,
        {"business": 31, "citizen_group": 6, "municipality": 15},
        {"information": 9, "training": 25, "problem_solving": 16, "other": 2},
    ),
    (
        2023,
        64,
        {"business": 38, "citizen_group": 9, "municipality": 17},
        {"information": 12, "training": 24, "problem_solving": 24, "other": 4},
    ),
]


def _dates(rng: random.Random, fiscal_year: int, n: int) -> list[dt.date]:
    start = dt.date(fiscal_year, 6, 1) if fiscal_year == 2021 else dt.date(fiscal_year, 4, 3)
    end = dt.date(2023, 2, 28) if fiscal_year == 2022 else dt.date(fiscal_year + 1, 3, 29)
    span = (end - start).days
    return sorted(start + dt.timedelta(days=rng.randint(0, span)) for _ in range(n))


# Fiscal years after the published history get about this many cases each (the FY2023 rate).
RECENT_YEARLY_CASES = 64


def _places() -> tuple[Municipality, list[Municipality]]:
    municipalities = list(Municipality.objects.order_by("code"))
    prefecture = next(m for m in municipalities if m.kind == "prefecture")
    return prefecture, [m for m in municipalities if m.kind != "prefecture"]


def _organisation(rng: random.Random, places, rtype: str, name=None, industry=None) -> Organisation:
    prefecture, cities = places
    if rtype == RequesterType.MUNICIPALITY:
        municipality = prefecture if rng.random() < 0.3 else rng.choice(cities)
        name = name or f"{municipality.name}{'デジタル推進課' if rng.random() < 0.5 else '企画課'}"
        industry = industry or "行政"
    elif rtype == RequesterType.CITIZEN_GROUP:
        municipality = rng.choice(cities)
        name = name or rng.choice(GROUP_NAMES)
        industry = industry or "地域活動"
    else:
        municipality = rng.choice(cities)
        industry = industry or rng.choice(INDUSTRIES)
        name = (
            name or f"株式会社{municipality.name.rstrip('市町')}{industry[:2]}{rng.randint(1, 99)}"
        )
    return Organisation.objects.create(
        name=name, requester_type=rtype, industry=industry, municipality=municipality
    )


@transaction.atomic
def seed() -> dict:
    """The published history (FY2021–FY2023, as imported records), once."""
    if Case.objects.filter(fiscal_year__in=[p[0] for p in PLAN]).exists():
        return {"cases": Case.objects.count()}
    rng = random.Random(2022)
    places = _places()
    for fiscal_year, total, types, categories in PLAN:
        type_list = [t for t, n in types.items() for _ in range(n)]
        cat_list = [c for c, n in categories.items() for _ in range(n)]
        examples = EXAMPLES if fiscal_year == 2022 else []
        for example in examples:
            type_list.remove(example[2])
            cat_list.remove(example[3])
        rng.shuffle(type_list)
        rng.shuffle(cat_list)
        rows = [
            (None, None, t, c, rng.choice(SUBJECTS[c]), None, None)
            for t, c in zip(type_list, cat_list, strict=True)
        ] + list(examples)
        rng.shuffle(rows)
        assert len(rows) == total
        for received_on, row in zip(_dates(rng, fiscal_year, total), rows, strict=True):
            name, industry, rtype, category, subject, request, support = row
            organisation = _organisation(rng, places, rtype, name, industry)
            case_create(
                organisation=organisation,
                received_on=received_on,
                channel=rng.choice(["web", "web", "phone", "email", "visit"]),
                category=category,
                subject=subject,
                description=request or f"{subject}について相談したい。",
                status=Case.Status.CLOSED,
                first_responded_on=received_on + dt.timedelta(days=rng.randint(0, 4)),
                support_given=support
                or "担当職員が情報提供を行い、必要に応じてアドバイザーを紹介。",
                closed_on=received_on + dt.timedelta(days=rng.randint(7, 60)),
                is_report_example=support is not None,
                assignee_text="",
            )
    return {"cases": Case.objects.count()}


@transaction.atomic
def seed_recent(today: dt.date | None = None) -> dict:
    """Cases of every fiscal year after the published history up to today (idempotent per year).

    Built relative to the day the demo runs: the previous fiscal year is complete, the current
    one holds cases up to today (the last weeks still open), and closed cases carry survey
    answers, so the dashboard, the statistics and every report show something on any day.
    """
    today = today or timezone.localdate()
    current = fiscal_year_of(today)
    places = _places()
    made = 0
    for fiscal_year in range(PLAN[-1][0] + 1, current + 1):
        if Case.objects.filter(fiscal_year=fiscal_year).exists():
            continue
        rng = random.Random(fiscal_year)
        start, end = fiscal_year_range(fiscal_year)
        end = min(end, today - dt.timedelta(days=FRESH[-1][0] + 1))
        if end < start:
            continue
        share = ((end - start).days + 1) / 365
        total = max(1, round(RECENT_YEARLY_CASES * share))
        span = (end - start).days
        days = sorted(start + dt.timedelta(days=rng.randint(0, span)) for _ in range(total))
        for received_on in days:
            rtype = rng.choices(list(RequesterType.values), weights=[6, 1, 3])[0]
            category = rng.choices(list(SUBJECTS), weights=[2, 4, 4, 1])[0]
            subject = rng.choice(SUBJECTS[category])
            age = (today - received_on).days
            status = (
                Case.Status.CLOSED
                if age > 45
                else rng.choice([Case.Status.IN_PROGRESS, Case.Status.ASSIGNED])
            )
            closed_on = (
                min(received_on + dt.timedelta(days=rng.randint(7, 45)), today)
                if status == Case.Status.CLOSED
                else None
            )
            case = case_create(
                organisation=_organisation(rng, places, rtype),
                received_on=received_on,
                channel=rng.choice(["web", "web", "phone", "email", "visit"]),
                category=category,
                subject=subject,
                description=f"{subject}について相談したい。",
                status=status,
                first_responded_on=received_on + dt.timedelta(days=rng.randint(0, 3)),
                support_given="担当職員が情報提供を行い、必要に応じてアドバイザーを紹介。",
                closed_on=closed_on,
                assignee_text="",
            )
            answered = (
                timezone.make_aware(
                    dt.datetime.combine(closed_on + dt.timedelta(days=3), dt.time(10))
                )
                if closed_on
                else None
            )
            # A survey answered after today would be a record of the future.
            if closed_on and rng.random() < 0.6 and answered <= timezone.now():
                CaseSurvey.objects.create(
                    case=case,
                    token=secrets.token_urlsafe(24),
                    sent_at=answered - dt.timedelta(days=2),
                    answered_at=answered,
                    helpful=rng.random() < 0.92,
                    satisfaction=rng.choice([3, 4, 4, 5, 5]),
                )
            made += 1
    return {"recent_cases": made} if made else {}


FRESH = [
    # (days ago, type, organisation, municipality, category, subject, consent, status); one
    # arrives today, so even on 1 April the new fiscal year has a case.
    (
        0,
        "business",
        "株式会社津みらい製作所",
        "津市",
        "problem_solving",
        "受発注をFAXからウェブに移したい",
        True,
        "new",
    ),
    (
        2,
        "citizen_group",
        "いせ子育てネット",
        "伊勢市",
        "training",
        "会員向けのスマホ講座を開きたい",
        True,
        "new",
    ),
    (
        3,
        "municipality",
        "鈴鹿市デジタル推進課",
        "鈴鹿市",
        "information",
        "窓口のキャッシュレス化の事例",
        False,
        "new",
    ),
    (
        6,
        "business",
        "株式会社志摩マリン観光",
        "志摩市",
        "problem_solving",
        "宿泊予約と在庫の一元管理",
        True,
        "triage",
    ),
    (
        9,
        "business",
        "松阪農園合同会社",
        "松阪市",
        "information",
        "農業データの活用方法",
        True,
        "new",
    ),
    (
        12,
        "business",
        "桑名精密工業株式会社",
        "桑名市",
        "training",
        "若手社員向けのデータ活用研修",
        True,
        "triage",
    ),
    (
        15,
        "citizen_group",
        "熊野古道語り部の会",
        "熊野市",
        "problem_solving",
        "観光客向けの多言語案内",
        False,
        "triage",
    ),
    (
        20,
        "municipality",
        "いなべ市企画課",
        "いなべ市",
        "problem_solving",
        "勤務シフト表の自動作成",
        True,
        "new",
    ),
]
FAMILY = ["伊藤", "山本", "中川", "森", "西村", "岡田", "前田", "藤田"]
GIVEN = ["陽菜", "大翔", "結衣", "蓮", "美咲", "悠真", "葵", "湊"]
KANA = [
    ("イトウ", "ヒナ"),
    ("ヤマモト", "ヒロト"),
    ("ナカガワ", "ユイ"),
    ("モリ", "レン"),
    ("ニシムラ", "ミサキ"),
    ("オカダ", "ユウマ"),
    ("マエダ", "アオイ"),
    ("フジタ", "ミナト"),
]


@transaction.atomic
def seed_fresh() -> dict:
    """Open requests of the last few weeks, so triage has work in the demo (idempotent)."""
    if Case.objects.filter(organisation__name=FRESH[0][2]).exists():
        return {}
    today = timezone.localdate()
    notice = PurposeNotice.current("consultation")
    municipalities = {m.name: m for m in Municipality.objects.all()}
    for i, (days, rtype, name, town, category, subject, consent, status) in enumerate(FRESH):
        organisation = Organisation.objects.create(
            name=name, requester_type=rtype, municipality=municipalities[town]
        )
        contact = Person.objects.create(
            organisation=organisation,
            family_name=FAMILY[i],
            given_name=GIVEN[i],
            family_name_kana=KANA[i][0],
            given_name_kana=KANA[i][1],
            email=f"contact{i + 1}@example.jp",
            phone=f"059-2{i:02d}-1234",
        )
        received = today - dt.timedelta(days=days)
        case = case_create(
            organisation=organisation,
            contact=contact,
            received_on=received,
            channel="web",
            category=category,
            subject=subject,
            description=f"{subject}。どこから手を付ければよいか相談したい。",
            status=status,
            first_responded_on=received + dt.timedelta(days=1) if status == "triage" else None,
        )
        ConsentRecord.objects.create(
            case=case, notice=notice, acknowledged_purpose=True, referral_consent=consent
        )
    return {"fresh_cases": len(FRESH)}


def seed_assignments(by) -> dict:
    """Two referrals on the demo's open cases, one to a company and one to an advisor."""

    if Assignment.objects.filter(case__organisation__name__in=[f[2] for f in FRESH]).exists():
        return {}
    made = 0
    targets = [
        ("株式会社志摩マリン観光", PartnerCompany.objects.get(name="伊勢湾モバイル株式会社")),
        ("桑名精密工業株式会社", Advisor.objects.get(name="青山 美咲")),
    ]
    for organisation, assignee in targets:
        case = Case.objects.filter(organisation__name=organisation).first()
        if case is None:
            continue
        try:
            case_assign(
                case=case, assignee=assignee, by=by, note="ご対応の可否をお知らせください。"
            )
            made += 1
        except CaseError:
            continue
    return {"assignments": made}


# The referral history of the last fiscal years, made through the services with the clock set
# back to each step, so the partner portal, the workload page and the suggestions' "accepted
# before" signal have something to show. (days ago received, organisation, town, category,
# subject, answers): each answer is (kind, name, outcome) with outcome "done" (accepted and
# reported), "accepted" (still at work) or "declined".
HISTORY_NOTE = "ご対応の可否をお知らせください（紹介履歴）。"
HISTORY = [
    (
        420,
        "株式会社桑名ロジスティクス",
        "桑名市",
        "problem_solving",
        "配送ルートと受発注の効率化",
        [("company", "伊勢湾モバイル株式会社", "done")],
    ),
    (
        380,
        "四日市商店街振興組合",
        "四日市市",
        "training",
        "商店主向けキャッシュレス講座",
        [("advisor", "青山 美咲", "done")],
    ),
    (
        330,
        "株式会社鈴鹿精機",
        "鈴鹿市",
        "problem_solving",
        "在庫管理のデジタル化",
        [
            ("company", "鈴鹿テレコム株式会社", "declined"),
            ("company", "株式会社四日市ソフトウェア", "done"),
        ],
    ),
    (
        280,
        "名張市企画課",
        "名張市",
        "information",
        "窓口の予約システムの事例",
        [("advisor", "清水 拓也", "done")],
    ),
    (
        230,
        "株式会社伊勢おもてなし旅館",
        "伊勢市",
        "problem_solving",
        "ウェブ予約の導入",
        [("advisor", "青山 美咲", "declined"), ("company", "伊勢湾モバイル株式会社", "done")],
    ),
    (
        180,
        "尾鷲漁業協同組合",
        "尾鷲市",
        "training",
        "組合員向けスマホ研修",
        [("company", "熊野コミュニケーションズ株式会社", "done")],
    ),
    (
        140,
        "株式会社亀山ものづくり",
        "亀山市",
        "problem_solving",
        "紙の日報の電子化",
        [("advisor", "加藤 翔太", "done")],
    ),
    (
        100,
        "NPO法人つなぐ三重",
        "津市",
        "information",
        "会員管理のクラウド化",
        [("advisor", "青山 美咲", "done")],
    ),
    (
        75,
        "株式会社伊賀くみひも工房",
        "伊賀市",
        "problem_solving",
        "ネットショップの立ち上げ",
        [("company", "伊勢湾モバイル株式会社", "accepted")],
    ),
    (
        50,
        "志摩市観光商工課",
        "志摩市",
        "training",
        "職員向けデータ活用研修",
        [("advisor", "青山 美咲", "accepted"), ("company", "志摩ネットワーク株式会社", "declined")],
    ),
]


def _at(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def _workday(day: dt.date) -> dt.date:
    """The business day at or before ``day``: the center works on business days only."""
    while not is_business_day(day):
        day -= dt.timedelta(days=1)
    return day


def seed_referral_history(by) -> dict:
    """Referrals accepted, declined and reported over the last fiscal years (idempotent).

    Each step runs through the services at its own moment (the clock set back with
    time-machine, a development dependency like the demo itself), so the history rows, the
    events, the notes and the mails are dated when they happened, never after now.
    """
    import time_machine

    if Assignment.objects.filter(note=HISTORY_NOTE).exists():
        return {}
    now = timezone.now()
    today = timezone.localdate(now)
    first_day = fiscal_year_range(PLAN[-1][0] + 1)[0]
    notice = PurposeNotice.current("consultation")
    municipalities = {m.name: m for m in Municipality.objects.all()}
    advisors = {a.name: a for a in Advisor.objects.all()}
    companies = {c.name: c for c in PartnerCompany.objects.all()}
    # The portal logins of the demo answer for their company or themselves; staff otherwise.
    User = get_user_model()
    portal = {
        "伊勢湾モバイル株式会社": User.objects.filter(username="member@isewan-mobile.example.jp"),
        "青山 美咲": User.objects.filter(username="aoyama@advisors.example.jp"),
    }
    made = 0
    for i, (days, name, town, category, subject, answers) in enumerate(HISTORY):
        received = _workday(today - dt.timedelta(days=days))
        if received < first_day:
            continue
        rtype = (
            RequesterType.MUNICIPALITY
            if name.endswith("課")
            else RequesterType.CITIZEN_GROUP
            if name.startswith(("NPO", "四日市商店街", "尾鷲"))
            else RequesterType.BUSINESS
        )
        organisation = Organisation.objects.create(
            name=name, requester_type=rtype, municipality=municipalities.get(town)
        )
        contact = Person.objects.create(
            organisation=organisation,
            family_name=FAMILY[i % len(FAMILY)],
            given_name=GIVEN[i % len(GIVEN)],
            family_name_kana=KANA[i % len(KANA)][0],
            given_name_kana=KANA[i % len(KANA)][1],
            email=f"history{i + 1}@example.jp",
        )
        moment = _at(received, 10)
        with time_machine.travel(moment, tick=False):
            case = case_create(
                organisation=organisation,
                contact=contact,
                received_on=received,
                channel="web",
                category=category,
                subject=subject,
                description=f"{subject}について相談したい。",
                status=Case.Status.TRIAGE,
                first_responded_on=received,
                by=by,
            )
            ConsentRecord.objects.create(
                case=case, notice=notice, acknowledged_purpose=True, referral_consent=True
            )
        day = received
        finished = True
        for kind, assignee_name, outcome in answers:
            assignee = (advisors if kind == "advisor" else companies).get(assignee_name)
            if assignee is None:
                continue
            answerer = portal[assignee_name].first() if assignee_name in portal else by
            with time_machine.travel(_at(day, 11), tick=False):
                assignment = case_assign(
                    case=case, assignee=assignee, by=by, note=HISTORY_NOTE, notify=False
                )
            day = add_business_days(day, 2)
            with time_machine.travel(_at(day, 15), tick=False):
                if outcome == "declined":
                    assignment_decline(
                        assignment=assignment,
                        by=answerer,
                        reason="時期が繁忙期と重なり、十分な対応ができないため。",
                    )
                    continue
                assignment_accept(assignment=assignment, by=answerer, notify=False)
            made += 1
            day = add_business_days(day, 5)
            with time_machine.travel(_at(day, 16), tick=False):
                assignment_note_add(
                    assignment=assignment,
                    by=answerer,
                    body="初回の打合せを行い、現状を伺いました。",
                )
            if outcome == "accepted":
                finished = False
                continue
            day = add_business_days(day, 15)
            with time_machine.travel(_at(day, 16), tick=False):
                assignment_resolve(
                    assignment=assignment,
                    by=answerer,
                    summary=f"{subject}について、導入手順の提案と操作説明を行いました。",
                )
        if finished:
            day = add_business_days(day, 2)
            with time_machine.travel(_at(day, 17), tick=False):
                case_close(
                    case=case,
                    by=by,
                    support_given="紹介先が導入手順の提案と操作説明を行った。",
                    outcome="相談者が導入を決め、運用を始めた。",
                )
    return {"referral_history": made}
