"""Demo advisors, partner companies and expertise areas (fictional names)."""

from django.utils.text import slugify

from .models import Advisor, ExpertiseArea, PartnerCompany, VocabularyEntry
from .services import advisor_login_link, membership_add, portal_user_ensure
from .vocabulary import vocabulary_seed

EXPERTISE = [
    (
        "cloud-accounting",
        "クラウド会計",
        "Cloud accounting",
        "会計,経理,会計ソフト,請求書,インボイス制度,電子帳簿保存法,バックオフィス",
    ),
    ("ai", "AI活用", "AI", "AI,人工知能,生成AI,チャットボット,画像認識,機械学習"),
    ("data", "データ活用", "Data use", "データ,データ分析,オープンデータ,BI,統計,IoT"),
    (
        "smartphone",
        "スマホ教室",
        "Smartphone classes",
        "スマホ,スマートフォン,シニア,高齢者,デジタルデバイド,LINE",
    ),
    (
        "security",
        "情報セキュリティ",
        "Information security",
        "セキュリティ,情報漏えい,ウイルス,サイバー攻撃,バックアップ",
    ),
    ("ec", "EC・販路", "E-commerce and sales", "EC,通販,販路開拓,ネットショップ,SNS"),
    (
        "efficiency",
        "業務効率化",
        "Business efficiency",
        "効率化,業務自動化,シフト作成,RPA,ペーパーレス,受発注",
    ),
    ("skills", "人材育成", "Skills development", "研修,セミナー,人材育成,リスキリング,講師派遣"),
]

# (name, English name, kind, fields, description, keywords)
COMPANIES = [
    (
        "伊勢湾モバイル株式会社",
        "Isewan Mobile Co., Ltd.",
        "carrier",
        ["smartphone", "security"],
        "県内に12の店舗を持つ携帯電話会社。市町や老人クラブからの依頼でスマホ教室に講師を"
        "派遣し、法人向けには携帯電話とモバイル回線、端末の紛失対策を提供しています。",
        "スマホ教室,講師派遣,携帯電話,法人携帯,モバイル回線,端末管理",
    ),
    (
        "鈴鹿テレコム株式会社",
        "Suzuka Telecom Co., Ltd.",
        "carrier",
        ["smartphone", "data"],
        "北勢地域の通信事業者。IoT回線とセンサーを組み合わせた見守り・遠隔監視、"
        "自治体向けのスマホ教室の運営を手がけています。",
        "IoT,IoTセンサー,遠隔監視,見守り,LPWA,通信回線,スマホ教室",
    ),
    (
        "熊野コミュニケーションズ株式会社",
        "Kumano Communications Inc.",
        "carrier",
        ["smartphone"],
        "東紀州の光回線とケーブルテレビの会社。観光地のWi-Fi整備、"
        "山間部の通信環境の改善、地域のスマホ相談会を行っています。",
        "光回線,Wi-Fi整備,通信回線,ネットワーク構築,スマホ相談会",
    ),
    (
        "志摩ネットワーク株式会社",
        "Shima Network Co., Ltd.",
        "carrier",
        ["smartphone", "ai"],
        "伊勢志摩の通信事業者。店舗や宿のネットワーク構築とWi-Fi、AIカメラによる"
        "来客数の計測、観光案内のチャットボットを提供しています。",
        "ネットワーク構築,Wi-Fi整備,AIカメラ,人流計測,チャットボット,通信回線",
    ),
    (
        "株式会社津システムズ",
        "Tsu Systems Inc.",
        "it_vendor",
        ["efficiency", "cloud-accounting"],
        "製造業・卸売業向けの受発注システムと販売管理を開発。取引先とのEDI接続、"
        "請求書の電子化、在庫管理との連携まで一括で対応します。",
        "受発注システム,EDI,販売管理,在庫管理,請求書電子化,基幹システム",
    ),
    (
        "株式会社四日市ソフトウェア",
        "Yokkaichi Software Inc.",
        "it_vendor",
        ["ai", "data"],
        "AI-OCRによる帳票の読み取り、カメラ画像による外観検査、需要予測の"
        "システムを受託開発しています。",
        "AI-OCR,帳票読み取り,画像認識,外観検査,需要予測,受託開発",
    ),
    (
        "松阪クラウドサービス株式会社",
        "Matsusaka Cloud Services Co., Ltd.",
        "it_vendor",
        ["cloud-accounting", "ec"],
        "クラウド会計と請求書発行サービスの導入代行、ネットショップの開設と運用代行を"
        "行う会社。経理担当者向けの操作説明会も開いています。",
        "クラウド会計,請求書発行,会計ソフト,ネットショップ,運用代行",
    ),
    (
        "株式会社桑名デジタル",
        "Kuwana Digital Inc.",
        "it_vendor",
        ["ec", "efficiency"],
        "ECサイトの構築、宿泊施設・飲食店向けの予約システム、キャッシュレス対応の"
        "POSレジ導入を手がけるウェブ制作会社です。",
        "ECサイト構築,予約システム,宿泊予約サイト,POSレジ,キャッシュレス決済,ホームページ制作",
    ),
    (
        "三重みらい銀行",
        "Mie Mirai Bank",
        "bank",
        ["cloud-accounting", "skills"],
        "県内の地方銀行。IT導入補助金などの補助金申請の支援、設備資金の融資、"
        "キャッシュレス決済の導入、経営者向けセミナーを行っています。",
        "補助金,資金調達,融資,キャッシュレス決済,経営者セミナー",
    ),
    (
        "伊賀データラボ株式会社",
        "Iga Data Lab Co., Ltd.",
        "consultancy",
        ["data", "skills"],
        "データ分析のコンサルティング会社。企業や自治体向けのデータ分析研修、"
        "BIツールの導入、現場のデータを使った改善の伴走支援を行います。",
        "データ分析,データ分析研修,BI,ダッシュボード,EBPM,統計,伴走支援",
    ),
    (
        "鳥羽セキュリティ株式会社",
        "Toba Security Co., Ltd.",
        "it_vendor",
        ["security"],
        "中小企業と自治体の情報セキュリティを支える会社。UTMの導入、バックアップ、"
        "セキュリティ診断、標的型メール訓練、被害にあったときの初動対応まで行います。",
        "標的型メール訓練,セキュリティ診断,UTM,バックアップ,インシデント対応,ランサムウェア",
    ),
]

# (name, kana, English name, title, affiliation, fields, profile, keywords)
ADVISORS = [
    (
        "青山 美咲",
        "アオヤマ ミサキ",
        "Misaki Aoyama",
        "教授",
        "三重県立未来大学 情報学部",
        ["data", "ai"],
        "統計学とデータ分析が専門。自治体と共同で人口や観光のデータを分析し、"
        "オープンデータの公開と活用、BIダッシュボードづくりを支援してきた。",
        "統計,データ分析,オープンデータ,BI,ダッシュボード,機械学習",
    ),
    (
        "石田 健一",
        "イシダ ケンイチ",
        "Kenichi Ishida",
        "代表取締役",
        "合同会社いしだ経営研究所",
        ["cloud-accounting", "efficiency"],
        "卸売会社の管理部長を経て独立。電話とファックスに頼った受発注や在庫管理を、"
        "クラウドの販売管理やウェブ受注に移す業務改善を数多く手がける。",
        "受発注,ウェブ受注,在庫管理,販売管理,業務改善,EDI",
    ),
    (
        "上野 さくら",
        "ウエノ サクラ",
        "Sakura Ueno",
        "代表理事",
        "一般社団法人シビックテック三重",
        ["data", "skills"],
        "市民と行政が一緒に地域の課題をデジタルで解くシビックテックの団体を主宰。"
        "自治会やサークルの連絡のデジタル化、子育て情報のアプリづくりを支援。",
        "シビックテック,市民協働,地域団体のデジタル化,オープンデータ",
    ),
    (
        "江口 大輔",
        "エグチ ダイスケ",
        "Daisuke Eguchi",
        "准教授",
        "伊勢湾工科大学",
        ["ai"],
        "画像認識と機械学習の研究者。製造業の外観検査の自動化、生成AIの業務利用の"
        "指導、需要予測モデルの共同研究の実績がある。",
        "画像認識,外観検査,機械学習,生成AI,需要予測,共同研究",
    ),
    (
        "岡本 真理",
        "オカモト マリ",
        "Mari Okamoto",
        "中小企業診断士",
        "岡本経営事務所",
        ["ec", "efficiency"],
        "小売・食品メーカーの販路開拓が専門の中小企業診断士。ネットショップの立ち上げ、"
        "モール出店の計画づくり、経営計画と補助金の事業計画書づくりを支援。",
        "販路開拓,ネットショップ,モール出店,経営計画,事業計画書,マーケティング",
    ),
    (
        "加藤 翔太",
        "カトウ ショウタ",
        "Shota Kato",
        "CEO",
        "株式会社スマートファーム志摩",
        ["data"],
        "自らも農業を営むスマート農業の起業家。ハウスの温度・湿度センサー、水田の"
        "水位センサー、ドローンによる生育確認を導入している。",
        "スマート農業,IoTセンサー,遠隔監視,ドローン,農業",
    ),
    (
        "北村 由紀",
        "キタムラ ユキ",
        "Yuki Kitamura",
        "ITコーディネータ",
        "北村ITオフィス",
        ["security", "efficiency"],
        "中小企業のIT化の最初の一歩を支えるITコーディネータ。紙の書類の電子化と"
        "文書管理、テレワーク環境づくり、基本的なセキュリティ対策を一緒に進める。",
        "ペーパーレス,文書管理,電子化,テレワーク導入,クラウドサービス,セキュリティ対策",
    ),
    (
        "小林 誠",
        "コバヤシ マコト",
        "Makoto Kobayashi",
        "教授",
        "鈴鹿情報大学 経営学部",
        ["skills", "data"],
        "経営学部でDXと組織論を教える。企業の社員向けDX研修、管理職向けのDX推進の"
        "講義、リスキリングの研修計画づくりを担当してきた。",
        "DX研修,リスキリング,管理職研修,人材育成,組織づくり",
    ),
    (
        "佐藤 恵",
        "サトウ メグミ",
        "Megumi Sato",
        "代表取締役社長",
        "株式会社メディアいせ",
        ["ec", "skills"],
        "伊勢の広告・観光PR会社の社長。観光・宿泊施設のインバウンド集客、予約サイトの"
        "活用、SNS運用と多言語の情報発信、写真と動画の講座を行う。",
        "SNS運用,インバウンド,多言語発信,情報発信,広報,観光PR,写真講座",
    ),
    (
        "清水 拓也",
        "シミズ タクヤ",
        "Takuya Shimizu",
        "CTO",
        "株式会社みえAIラボ",
        ["ai", "data"],
        "生成AIとチャットボットの開発会社のCTO。チャットボット、"
        "生成AIのプロンプト研修、社内文書の検索を手がける。",
        "生成AI,チャットボット,AI活用,プロンプト,文書検索",
    ),
    (
        "高橋 陽子",
        "タカハシ ヨウコ",
        "Yoko Takahashi",
        "社会保険労務士",
        "高橋労務管理事務所",
        ["efficiency"],
        "介護・医療・飲食の事業所を多く担当する社会保険労務士。勤怠管理と給与計算の"
        "システム化、シフト作成の自動化、労務手続きの電子申請を支援。",
        "勤怠管理,給与計算,シフト作成,労務,電子申請,介護",
    ),
    (
        "田中 浩二",
        "タナカ コウジ",
        "Koji Tanaka",
        "セキュリティコンサルタント",
        "田中セキュリティ研究所",
        ["security"],
        "元警察のサイバー犯罪捜査官。ランサムウェアや情報漏えいの事故の初動、"
        "パスワード管理と社内ルールづくりを指導する。",
        "インシデント対応,情報漏えい,ランサムウェア,パスワード管理,社内ルール,情報セキュリティ",
    ),
    (
        "中村 彩",
        "ナカムラ アヤ",
        "Aya Nakamura",
        "代表",
        "スマホサポートなかむら",
        ["smartphone"],
        "シニア向けスマホ教室の講師。地域の集会所や公民館への出張講座で、LINEや"
        "キャッシュレス決済、マイナンバーカードの使い方を教えている。",
        "スマホ教室,シニア向け講座,出張講座,LINE,デジタルデバイド",
    ),
    (
        "西田 悟",
        "ニシダ サトル",
        "Satoru Nishida",
        "税理士",
        "西田会計事務所",
        ["cloud-accounting"],
        "中小企業と個人事業主の税理士。クラウド会計の導入、インボイス制度と"
        "電子帳簿保存法への対応、請求書と経費精算の電子化を支援。",
        "クラウド会計,インボイス制度,電子帳簿保存法,確定申告,経費精算,会計ソフト",
    ),
    (
        "原 智美",
        "ハラ トモミ",
        "Tomomi Hara",
        "デザイナー",
        "合同会社ハラデザイン",
        ["ec"],
        "ホームページ制作とリニューアル、スマートフォン対応、ロゴやチラシなど"
        "ブランドづくりを手がけるデザイナー。",
        "ホームページ制作,ウェブデザイン,リニューアル,ブランディング,チラシ",
    ),
    (
        "藤井 隆",
        "フジイ タカシ",
        "Takashi Fujii",
        "特任教授",
        "三重県立未来大学 地域連携センター",
        ["skills", "data"],
        "元県庁職員。自治体職員向けのDX研修とEBPM（根拠に基づく政策立案）の研修、"
        "市町のDX推進計画づくりを支援している。",
        "自治体DX,EBPM,職員研修,DX推進計画,政策立案",
    ),
    (
        "松本 直樹",
        "マツモト ナオキ",
        "Naoki Matsumoto",
        "代表取締役",
        "株式会社まつもとDX",
        ["ai", "efficiency"],
        "RPAとノーコードツールによる業務自動化の専門家。定型業務の"
        "自動化、kintoneによる業務アプリづくりを行う。",
        "RPA,業務自動化,ノーコード,kintone,Excel,定型業務",
    ),
    (
        "山口 千尋",
        "ヤマグチ チヒロ",
        "Chihiro Yamaguchi",
        "地域おこし協力隊OB",
        "熊野デジタル工房",
        ["smartphone", "skills"],
        "熊野で地域のデジタル講座を開く。自治会やサークルのLINEグループ、出欠の"
        "共有、Googleフォームの使い方など、地域団体のデジタル化を手伝っている。",
        "地域団体のデジタル化,LINE公式アカウント,Googleフォーム,出欠管理,スマホ講座",
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
    for name, name_en, kind, expertise, description, keywords in COMPANIES:
        company, _ = PartnerCompany.objects.update_or_create(
            name=name,
            defaults={
                "name_en": name_en,
                "kind": kind,
                "description": description,
                "keywords": keywords,
                "description_en": f"{name_en} supports digital transformation in Mie as a Mie DX Partner.",
                "website": f"https://{slugify(name_en)}.example.jp/",
                "email": f"dx@{slugify(name_en)}.example.jp",
            },
        )
        company.expertise.set([areas[s] for s in expertise])
    for name, kana, name_en, title, affiliation, expertise, profile, keywords in ADVISORS:
        advisor, _ = Advisor.objects.update_or_create(
            name=name,
            defaults={
                "name_kana": kana,
                "name_en": name_en,
                "title": title,
                "affiliation": affiliation,
                "profile": profile,
                "keywords": keywords,
                "profile_en": f"{title}, {affiliation}.",
                "email": f"{slugify(name_en)}@advisors.example.jp",
            },
        )
        advisor.expertise.set([areas[s] for s in expertise])
    vocabulary_seed(VocabularyEntry)
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
