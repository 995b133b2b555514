"""Demo advisors, partner companies and expertise areas (fictional names)."""

from django.utils.text import slugify

from .models import Advisor, ExpertiseArea, PartnerCompany
from .services import advisor_login_link, membership_add, portal_user_ensure

EXPERTISE = [
    ("cloud-accounting", "クラウド会計", "Cloud accounting", "会計,経理,バックオフィス,請求"),
    ("ai", "AI活用", "AI", "AI,人工知能,生成AI,チャット"),
    ("data", "データ活用", "Data use", "データ,分析,オープンデータ,BI"),
    ("smartphone", "スマホ教室", "Smartphone classes", "スマホ,スマートフォン,シニア,高齢者"),
    ("security", "情報セキュリティ", "Information security", "セキュリティ,情報漏えい,ウイルス"),
    ("ec", "EC・販路", "E-commerce and sales", "EC,通販,販路,ネットショップ"),
    ("efficiency", "業務効率化", "Business efficiency", "効率化,自動化,シフト,RPA,ペーパーレス"),
    ("skills", "人材育成", "Skills development", "研修,セミナー,人材,職員,学び"),
]

COMPANIES = [
    ("伊勢湾モバイル株式会社", "Isewan Mobile Co., Ltd.", "carrier", ["smartphone", "security"]),
    ("鈴鹿テレコム株式会社", "Suzuka Telecom Co., Ltd.", "carrier", ["smartphone", "data"]),
    ("熊野コミュニケーションズ株式会社", "Kumano Communications Inc.", "carrier", ["smartphone"]),
    ("志摩ネットワーク株式会社", "Shima Network Co., Ltd.", "carrier", ["smartphone", "ai"]),
    ("株式会社津システムズ", "Tsu Systems Inc.", "it_vendor", ["efficiency", "cloud-accounting"]),
    ("株式会社四日市ソフトウェア", "Yokkaichi Software Inc.", "it_vendor", ["ai", "data"]),
    (
        "松阪クラウドサービス株式会社",
        "Matsusaka Cloud Services Co., Ltd.",
        "it_vendor",
        ["cloud-accounting", "ec"],
    ),
    ("株式会社桑名デジタル", "Kuwana Digital Inc.", "it_vendor", ["ec", "efficiency"]),
    ("三重みらい銀行", "Mie Mirai Bank", "bank", ["cloud-accounting", "skills"]),
    ("伊賀データラボ株式会社", "Iga Data Lab Co., Ltd.", "consultancy", ["data", "skills"]),
    ("鳥羽セキュリティ株式会社", "Toba Security Co., Ltd.", "it_vendor", ["security"]),
]

ADVISORS = [
    (
        "青山 美咲",
        "アオヤマ ミサキ",
        "Misaki Aoyama",
        "教授",
        "三重県立未来大学 情報学部",
        ["data", "ai"],
    ),
    (
        "石田 健一",
        "イシダ ケンイチ",
        "Kenichi Ishida",
        "代表取締役",
        "合同会社いしだ経営研究所",
        ["cloud-accounting", "efficiency"],
    ),
    (
        "上野 さくら",
        "ウエノ サクラ",
        "Sakura Ueno",
        "代表理事",
        "一般社団法人シビックテック三重",
        ["data", "skills"],
    ),
    ("江口 大輔", "エグチ ダイスケ", "Daisuke Eguchi", "准教授", "伊勢湾工科大学", ["ai"]),
    (
        "岡本 真理",
        "オカモト マリ",
        "Mari Okamoto",
        "中小企業診断士",
        "岡本経営事務所",
        ["ec", "efficiency"],
    ),
    ("加藤 翔太", "カトウ ショウタ", "Shota Kato", "CEO", "株式会社スマートファーム志摩", ["data"]),
    (
        "北村 由紀",
        "キタムラ ユキ",
        "Yuki Kitamura",
        "ITコーディネータ",
        "北村ITオフィス",
        ["security", "efficiency"],
    ),
    (
        "小林 誠",
        "コバヤシ マコト",
        "Makoto Kobayashi",
        "教授",
        "鈴鹿情報大学 経営学部",
        ["skills", "data"],
    ),
    (
        "佐藤 恵",
        "サトウ メグミ",
        "Megumi Sato",
        "代表取締役社長",
        "株式会社メディアいせ",
        ["ec", "skills"],
    ),
    ("清水 拓也", "シミズ タクヤ", "Takuya Shimizu", "CTO", "株式会社みえAIラボ", ["ai", "data"]),
    (
        "高橋 陽子",
        "タカハシ ヨウコ",
        "Yoko Takahashi",
        "社会保険労務士",
        "高橋労務管理事務所",
        ["efficiency"],
    ),
    (
        "田中 浩二",
        "タナカ コウジ",
        "Koji Tanaka",
        "セキュリティコンサルタント",
        "田中セキュリティ研究所",
        ["security"],
    ),
    ("中村 彩", "ナカムラ アヤ", "Aya Nakamura", "代表", "スマホサポートなかむら", ["smartphone"]),
    (
        "西田 悟",
        "ニシダ サトル",
        "Satoru Nishida",
        "税理士",
        "西田会計事務所",
        ["cloud-accounting"],
    ),
    ("原 智美", "ハラ トモミ", "Tomomi Hara", "デザイナー", "合同会社ハラデザイン", ["ec"]),
    (
        "藤井 隆",
        "フジイ タカシ",
        "Takashi Fujii",
        "特任教授",
        "三重県立未来大学 地域連携センター",
        ["skills", "data"],
    ),
    (
        "松本 直樹",
        "マツモト ナオキ",
        "Naoki Matsumoto",
        "代表取締役",
        "株式会社まつもとDX",
        ["ai", "efficiency"],
    ),
    (
        "山口 千尋",
        "ヤマグチ チヒロ",
        "Chihiro Yamaguchi",
        "地域おこし協力隊OB",
        "熊野デジタル工房",
        ["smartphone", "skills"],
    ),
]


def seed() -> dict:
    """Create the expertise taxonomy, 11 partner companies and 18 advisors (idempotent)."""
    areas = {}
    for order, (slug, name, name_en, keywords) in enumerate(EXPERTISE):
        areas[slug], _ = ExpertiseArea.objects.update_or_create(
            slug=slug,
            defaults={"name": name, "name_en": name_en, "keywords": keywords, "sort_order": order},
        )
    for name, name_en, kind, expertise in COMPANIES:
        company, _ = PartnerCompany.objects.update_or_create(
            name=name,
            defaults={
                "name_en": name_en,
                "kind": kind,
                "description": f"{name}は、みえDXパートナーとして県内のDXを支援しています。",
                "description_en": f"{name_en} supports digital transformation in Mie as a Mie DX Partner.",
                "website": f"https://{slugify(name_en)}.example.jp/",
                "email": f"dx@{slugify(name_en)}.example.jp",
            },
        )
        company.expertise.set([areas[s] for s in expertise])
    for name, kana, name_en, title, affiliation, expertise in ADVISORS:
        advisor, _ = Advisor.objects.update_or_create(
            name=name,
            defaults={
                "name_kana": kana,
                "name_en": name_en,
                "title": title,
                "affiliation": affiliation,
                "profile": f"{affiliation} {title}。専門は{'、'.join(areas[s].name for s in expertise)}。",
                "profile_en": f"{title}, {affiliation}.",
                "email": f"{slugify(name_en)}@advisors.example.jp",
            },
        )
        advisor.expertise.set([areas[s] for s in expertise])
    return {"advisors": Advisor.objects.count(), "companies": PartnerCompany.objects.count()}


def seed_users(password: str) -> dict:
    """Portal logins for the demo: a member of one partner company and one advisor."""
    member = portal_user_ensure(
        email="member@isewan-mobile.example.jp",
        last_name="伊勢湾",
        first_name="一郎",
        password=password,
    )
    membership_add(company=PartnerCompany.objects.get(name="伊勢湾モバイル株式会社"), user=member)
    advisor_user = portal_user_ensure(
        email="aoyama@advisors.example.jp", last_name="青山", first_name="美咲", password=password
    )
    advisor_login_link(advisor=Advisor.objects.get(name="青山 美咲"), user=advisor_user)
    return {"portal_users": 2}
