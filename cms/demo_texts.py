"""The demo site's texts: page bodies, questions, news and case studies (Japanese and English),
and the small builders of their StreamField blocks."""


def rich_text(*paragraphs: str) -> str:
    return "".join(f"<p>{text}</p>" for text in paragraphs)


def heading(text: str) -> dict:
    return {"type": "heading", "value": text}


def paragraph(*paragraphs: str) -> dict:
    return {"type": "paragraph", "value": rich_text(*paragraphs)}


def bullets(*items: str) -> dict:
    return {
        "type": "paragraph",
        "value": "<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>",
    }


def notice(heading: str, text: str) -> dict:
    return {"type": "notice", "value": {"heading": heading, "text": rich_text(text)}}


def steps(*steps: tuple[str, str]) -> dict:
    return {
        "type": "steps",
        "value": {"steps": [{"title": title, "text": text} for title, text in steps]},
    }


def faq_item(question: str, answer: str) -> dict:
    return {"type": "faq", "value": {"question": question, "answer": rich_text(answer)}}


ABOUT_BODY_JA = [
    heading("みえDXセンターとは"),
    paragraph(
        "みえDXセンターは、三重県が2021年に開設したDX（デジタルトランスフォーメーション）の"
        "ワンストップ相談窓口です。県内事業者、県民グループ、県・市町の皆さんがDXに取り組む"
        "「第一歩」を応援しています。",
        "ご相談の内容に応じて、センター職員がお答えするほか、大学教員やコンサルタント、"
        "起業家などの専門家「みえDXアドバイザー」や、通信事業者・ITベンダーなどの企業"
        "「みえDXパートナー」をご紹介します。",
    ),
    heading("ご相談から支援までの流れ"),
    steps(
        ("申込", "相談フォームからお申し込みください。相談は無料です。"),
        ("確認", "センター職員が内容を確認し、3営業日以内にご連絡します。"),
        ("ご紹介", "必要に応じて、みえDXアドバイザー・みえDXパートナーをご紹介します。"),
        ("支援", "課題の解決に向けて、一緒に取り組みます。"),
    ),
    heading("主な取組"),
    bullets(
        "DXに関する情報提供（クラウドサービスや最新技術の動向など）",
        "人材育成（職員研修やセミナー開催のご相談）",
        "課題解決のための相談（業務の効率化、データ活用など）",
        "みえDXセンターセミナーの開催",
    ),
]
ABOUT_BODY_EN = [
    heading("What the Mie DX Center is"),
    paragraph(
        "The Mie DX Center is a one-stop desk for digital transformation (DX) opened by Mie "
        "Prefecture in 2021. It supports the first step into DX of businesses, citizen groups "
        "and municipalities in Mie.",
        "Depending on your question, our staff answer it directly or introduce a Mie DX Advisor "
        "(an individual expert) or a Mie DX Partner (a company such as a mobile carrier or an IT "
        "vendor).",
    ),
    heading("From your request to support"),
    steps(
        ("Apply", "Send the consultation form. Consultations are free of charge."),
        ("Review", "Our staff read your request and contact you within three business days."),
        ("Introduction", "Where it helps, we introduce a Mie DX Advisor or Partner."),
        ("Support", "We work with you towards a solution."),
    ),
]

PRIVACY_BODY_JA = [
    paragraph(
        "三重県（みえDXセンター）は、個人情報の保護に関する法律その他の関係法令を遵守し、"
        "ご相談やセミナーのお申込みでお預かりする個人情報を次のとおり取り扱います。"
    ),
    heading("利用目的"),
    bullets(
        "ご相談への回答、連絡および支援のため",
        "セミナーの申込受付、連絡、参加者数の集計のため",
        "個人を特定しない形での統計の作成（県議会への報告を含む）のため",
    ),
    heading("第三者への提供"),
    paragraph(
        "ご相談の内容に応じてみえDXアドバイザーまたはみえDXパートナーをご紹介する場合は、"
        "あらかじめご本人の同意をいただいたうえで、必要な範囲の情報を提供します。"
        "同意の日時と、表示した説明の版を記録します。"
    ),
    heading("保存期間"),
    paragraph(
        "相談が完了した後、定められた期間を経過した個人情報は、個人を特定できない形に加工します。"
    ),
    heading("お問い合わせ"),
    paragraph("個人情報の開示・訂正・利用停止のご請求は、みえDXセンターまでご連絡ください。"),
]
PRIVACY_BODY_EN = [
    paragraph(
        "Mie Prefecture (Mie DX Center) handles the personal information you give us when you "
        "consult us or register for a seminar as follows, in accordance with the Act on the "
        "Protection of Personal Information."
    ),
    heading("Purposes of use"),
    bullets(
        "To answer, contact and support you about your consultation",
        "To accept seminar registrations, contact participants and count attendance",
        "To produce statistics that identify no one (including reports to the prefectural assembly)",
    ),
    heading("Provision to third parties"),
    paragraph(
        "We pass the necessary information to a Mie DX Advisor or Partner only with your prior "
        "consent. We record when you consented and the version of the notice you were shown."
    ),
    heading("Retention"),
    paragraph(
        "After a consultation closes and the set retention period ends, the data is anonymised."
    ),
]

A11Y_BODY_JA = [
    paragraph(
        "みえDXセンターのウェブサイトは、年齢や障害の有無などにかかわらず、誰もが必要な情報に"
        "たどり着き、相談やセミナーの申込みができるよう、ウェブアクセシビリティの確保と向上に"
        "取り組みます。"
    ),
    heading("対象範囲"),
    paragraph("みえDXセンターのウェブサイト（日本語版および英語版）のすべてのページ"),
    heading("目標とする適合レベル"),
    paragraph(
        "日本産業規格 JIS X 8341-3:2016（WCAG 2.0 と一致）の適合レベルAAに準拠することを目標とします。"
        "あわせて、WCAG 2.2 のレベルAAの達成基準にも対応します。"
    ),
    heading("試験の方法"),
    bullets(
        "自動試験：ウェブサイトのすべてのページ（サイトマップに掲載された日本語・英語の全ページ）を、"
        "公開のたびに axe-core（WCAG 2.0 / 2.1 / 2.2 のレベルA・AA）で検査します。",
        "キーボード操作：すべてのリンクとフォーム部品がキーボードだけで操作でき、"
        "フォーカスの位置が見えることを確認します。",
        "表示の確認：画面幅375ピクセル（スマートフォン）と1280ピクセル（パソコン）で、"
        "日本語の文章が読みやすく表示されることを確認します。",
    ),
    heading("お問い合わせ"),
    paragraph("お気づきの点がありましたら、みえDXセンターまでお知らせください。"),
]
A11Y_BODY_EN = [
    paragraph(
        "The Mie DX Center website aims to let everyone, whatever their age or disability, find "
        "the information they need, consult us and register for seminars."
    ),
    heading("Scope"),
    paragraph("Every page of the Mie DX Center website, in Japanese and in English."),
    heading("Conformance target"),
    paragraph(
        "Level AA of JIS X 8341-3:2016 (identical to WCAG 2.0), together with the level AA "
        "success criteria of WCAG 2.2."
    ),
    heading("Test method"),
    bullets(
        "Automated tests: every page listed in the sitemap, in both languages, is checked with "
        "axe-core (WCAG 2.0, 2.1 and 2.2, levels A and AA) whenever the site changes.",
        "Keyboard: every link and form control can be used with the keyboard alone and shows "
        "where the focus is.",
        "Display: pages are checked at 375 px (phone) and 1280 px (desktop) widths.",
    ),
]

FAQ_JA = [
    faq_item(
        "相談に費用はかかりますか。",
        "相談は無料です。アドバイザーやパートナーによる支援の内容によっては、費用が発生する場合があります。その場合は事前にご説明します。",
    ),
    faq_item(
        "どのような人が相談できますか。",
        "県内事業者、県民グループ、県・市町の皆さんが相談できます。",
    ),
    faq_item(
        "DXについて何も分からない段階でも相談できますか。",
        "はい。「何から始めればよいか分からない」というご相談も歓迎します。",
    ),
    faq_item(
        "回答まではどのくらいかかりますか。",
        "お申込みから3営業日以内に、センター職員からご連絡します。",
    ),
    faq_item(
        "セミナーの講師を依頼できますか。",
        "職員研修や団体向けセミナーのご相談も受け付けています。相談フォームで「人材育成（セミナー開催等の相談）」を選んでください。",
    ),
]
FAQ_EN = [
    faq_item(
        "Does a consultation cost anything?",
        "No, consultations are free. Some support by advisors or partners may be charged; we explain this beforehand.",
    ),
    faq_item(
        "Who can consult the center?",
        "Businesses, citizen groups, the prefecture and municipalities in Mie.",
    ),
    faq_item(
        "Can I ask even if I know nothing about DX?",
        "Yes. Questions such as 'where do I start?' are welcome.",
    ),
    faq_item("When will I hear back?", "Our staff contact you within three business days."),
]

NEWS = [
    (
        "2023-03-10",
        "news-2023-03-seminar",
        "「AIなど最先端デジタル技術について考える」セミナーの参加者を募集します",
        "3月23日に、みえDXアドバイザーを講師に迎えたセミナーを開催します。",
        "Registration open: seminar on AI and other leading-edge digital technologies",
        "A seminar with a Mie DX Advisor as lecturer takes place on 23 March.",
    ),
    (
        "2023-02-28",
        "news-2023-02-figures",
        "みえDXセンターへの相談件数が81件になりました",
        "開設からの相談件数は81件（令和3年度29件、令和4年度52件）です。",
        "The center has received 81 consultations",
        "81 consultations since opening: 29 in FY2021 and 52 in FY2022.",
    ),
    (
        "2022-10-03",
        "news-2022-10-smartphone",
        "県内5会場でシニア向けスマホ教室を開催しました",
        "みえDXパートナーの通信事業者2社の協力で、シニア世代向けのスマホ教室を開催しました。",
        None,
        None,
    ),
    (
        "2022-04-01",
        "news-2022-04-partners",
        "令和4年度のみえDXパートナーを紹介します",
        "通信事業者やITベンダーなど11社がみえDXパートナーとして活動しています。",
        None,
        None,
    ),
]

CASE_STUDIES = [
    {
        "slug": "retail-cloud-accounting",
        "title": "経理とバックオフィス業務をデジタル化したい",
        "title_en": "Digitising accounting and the back office",
        "requester_type": "business",
        "category": "information",
        "industry": "小売業",
        "municipality": "242039",
        "summary": "小売業者からの相談に、クラウド会計の動向や特徴をご紹介しました。",
        "summary_en": "A retailer learned about trends and features of cloud accounting.",
        "challenge": "経理とバックオフィス業務のデジタル化を図りたい。",
        "challenge_en": "The retailer wanted to digitise accounting and back-office work.",
        "support": "クラウド会計の動向や特徴等を紹介しました。",
        "support_en": "The center introduced trends and features of cloud accounting services.",
        "result": "複数のサービスを比較したうえで、導入の検討を始めています。",
        "result_en": "The retailer compared several services and is planning an introduction.",
        "advisors": ["石田 健一"],
        "partners": [],
        "featured": True,
    },
    {
        "slug": "bank-staff-seminar",
        "title": "金融機関の職員がDXを学び、顧客支援に生かしたい",
        "title_en": "Bank staff learn DX to support their clients",
        "requester_type": "business",
        "category": "training",
        "industry": "金融業",
        "municipality": "242012",
        "summary": "金融機関の職員向けに、みえDXアドバイザーによるセミナーを実施しました。",
        "summary_en": "An advisor gave a seminar for the staff of a bank.",
        "challenge": "顧客からの相談に対して、サポートの充実が図られるよう、DXについて学びたい。",
        "challenge_en": "Staff wanted to learn about DX so that they can better support clients.",
        "support": "金融機関の職員向けに、みえDXアドバイザーによる「金融機関ができるデジタル支援事例」をテーマとしたセミナーを実施しました。",
        "support_en": "A Mie DX Advisor gave a seminar for the bank's staff on 'digital support a bank can give'.",
        "result": "",
        "result_en": "",
        "advisors": ["青山 美咲"],
        "partners": [],
        "featured": True,
    },
    {
        "slug": "manufacturer-explaining-dx",
        "title": "社員にDXをどう説明し、進めていけばよいか",
        "title_en": None,
        "requester_type": "business",
        "category": "problem_solving",
        "industry": "製造業",
        "municipality": "242021",
        "summary": "DXを始めた製造業者に、産学官で解決策を出し合うイベントへの参加をご案内しました。",
        "challenge": "DXの取組をスタートしたが、社員にどのように説明し、進めていけば良いか。",
        "support": "各企業がDXに対する悩みや課題を持ち合い、産学官で互いに解決策を出し合うイベントへの参加を打診しました。",
        "result": "",
        "advisors": [],
        "partners": [],
        "featured": False,
    },
    {
        "slug": "facility-shift-roster",
        "title": "勤務シフト表を自動で作成したい",
        "title_en": None,
        "requester_type": "municipality",
        "category": "problem_solving",
        "industry": "公共施設",
        "municipality": "240001",
        "summary": "県有施設の勤務シフト作成を、利用者の細かな要望に沿って支援しました。",
        "challenge": "勤務シフト表の作成業務が相当の負担となっており、勤務条件を入力したら自動的に勤務表が作成できる方法はないか。",
        "support": "使い勝手など、利用者の細かな要望に沿って勤務シフトの作成を支援しました。",
        "result": "",
        "advisors": [],
        "partners": ["株式会社津システムズ"],
        "featured": False,
    },
    {
        "slug": "senior-smartphone-classes",
        "title": "シニア世代向けのスマホ教室を開催したい",
        "title_en": None,
        "requester_type": "business",
        "category": "problem_solving",
        "industry": "イベント企画運営",
        "municipality": None,
        "summary": "みえDXパートナーの通信事業者2社の協力で、県内5会場でスマホ教室を開催しました。",
        "challenge": "三重県内のイベント会場にて、「シニア」をテーマとした催事を計画しており、シニア世代向けのスマホ教室を開催したい。",
        "support": "みえDXパートナーの通信事業者2社にご協力いただき、県内5会場でスマホ教室を開催しました。",
        "result": "",
        "advisors": [],
        "partners": ["伊勢湾モバイル株式会社", "鈴鹿テレコム株式会社"],
        "featured": True,
    },
]
