"""Held-out referral requests: written before the ranker was tuned and never used to tune it.

Each request is written as a requester types it into the consultation form, with the experts of
the demo directory (partners/demo.py) a center staff member would pick; any one of them in the
top three counts. Do not change these to make the ranker pass: add tuning cases to
suggestion_labels.py instead.
"""

# (requester type, category, subject, description, experts a staff member would pick)
HELD_OUT = [
    (
        "business",
        "problem_solving",
        "経理を楽にしたい",
        "見積書と請求書をエクセルで作っているが、入金の確認が毎月大変です。",
        {"西田 悟", "松阪クラウドサービス株式会社"},
    ),
    (
        "business",
        "information",
        "変なメールを開いてしまった",
        "社長のパソコンに取引先を名乗るメールが来て、添付ファイルを開いてしまいました。"
        "どうしたらいいですか。",
        {"田中 浩二", "鳥羽セキュリティ株式会社"},
    ),
    (
        "business",
        "problem_solving",
        "ネットで予約を受けたい",
        "民宿をやっています。予約が電話だけなので、ネットで予約を受けられるようにしたい。",
        {"株式会社桑名デジタル", "佐藤 恵"},
    ),
    (
        "business",
        "training",
        "同じ入力作業を減らしたい",
        "事務員が毎日同じ入力作業をしています。自動化のやり方を社員に教えてほしい。",
        {"松本 直樹"},
    ),
    (
        "business",
        "problem_solving",
        "紙の書類が探せない",
        "町工場です。図面や検査記録が全部紙で、どこにあるか探すのに時間がかかります。",
        {"北村 由紀", "松本 直樹"},
    ),
    (
        "business",
        "other",
        "楽天に出したけど売れない",
        "楽天に出店しているが売れない。商品ページの作り方を見てもらえないか。",
        {"岡本 真理"},
    ),
    (
        "business",
        "information",
        "ChatGPTを使っていいのか",
        "ChatGPTを仕事で使っても大丈夫か知りたい。社内ルールはどう作ればいいですか。",
        {"清水 拓也", "江口 大輔"},
    ),
    (
        "business",
        "problem_solving",
        "畑の見回りが大変",
        "みかん農家です。畑が山の上にあって獣害の見回りが大変。カメラかセンサーで見られないか。",
        {"加藤 翔太", "鈴鹿テレコム株式会社"},
    ),
    (
        "citizen_group",
        "training",
        "回覧板をLINEにしたい",
        "自治会の役員が高齢で、回覧板をLINEに変えたいけど使い方を教えてほしい。",
        {"中村 彩", "山口 千尋"},
    ),
    (
        "citizen_group",
        "problem_solving",
        "会員名簿と会費の管理",
        "NPOの会員名簿と会費の管理を紙でやっています。無料で使える仕組みはありますか。",
        {"上野 さくら", "山口 千尋"},
    ),
    (
        "citizen_group",
        "information",
        "お祭りをインスタで宣伝",
        "商店街のお祭りをインスタで宣伝したい。写真の撮り方や投稿のコツを知りたい。",
        {"佐藤 恵", "岡本 真理"},
    ),
    (
        "citizen_group",
        "other",
        "スマホを持っていない人が多い",
        "老人会でスマホを持っていない人が多い。買い方や料金プランを相談できるところはありますか。",
        {"伊勢湾モバイル株式会社", "中村 彩"},
    ),
    (
        "municipality",
        "training",
        "データを使った政策づくりの研修",
        "市役所の若手職員向けに、データを使った政策づくりの研修をしたい。",
        {"藤井 隆", "伊賀データラボ株式会社", "青山 美咲"},
    ),
    (
        "municipality",
        "problem_solving",
        "問い合わせ電話が多い",
        "住民からの問い合わせ電話が多い。よくある質問にAIで自動応答できないか。",
        {"清水 拓也"},
    ),
    (
        "municipality",
        "information",
        "避難所の混雑を知らせたい",
        "避難所の混雑状況を住民に知らせる仕組みを、他の町はどうしているか知りたい。",
        {"上野 さくら", "鈴鹿テレコム株式会社"},
    ),
    (
        "municipality",
        "problem_solving",
        "公民館のWi-Fiが遅い",
        "公民館のWi-Fiが遅くてオンライン講座ができません。",
        {"熊野コミュニケーションズ株式会社", "志摩ネットワーク株式会社"},
    ),
    (
        "municipality",
        "training",
        "スマホ教室の講師を派遣してほしい",
        "高齢者向けにスマホ教室を年10回開きたい。講師を派遣してくれるところを探しています。",
        {"中村 彩", "伊勢湾モバイル株式会社"},
    ),
    (
        "business",
        "problem_solving",
        "配車を毎朝ホワイトボードで",
        "トラックの配車を毎朝ホワイトボードで決めている。もっと効率よくできないか。",
        {"松本 直樹", "株式会社四日市ソフトウェア"},
    ),
    (
        "citizen_group",
        "information",
        "寄付をネットで集めたい",
        "子ども食堂の寄付を集めるのに、クラウドファンディングやオンライン決済を使いたい。",
        {"上野 さくら", "三重みらい銀行"},
    ),
    (
        "business",
        "information",
        "事業承継の前にデジタル化",
        "事業承継を考えていて、その前に会社の業務をデジタル化したい。使える補助金はありますか。",
        {"三重みらい銀行", "岡本 真理"},
    ),
]
