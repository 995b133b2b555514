from django.db import migrations

CONSULTATION_NOTICE_JA = """三重県（みえDXセンター）は、ご相談の受付にあたり、次の目的のためにのみ個人情報を利用します。
1. ご相談への回答、支援のためのご連絡
2. 支援に協力するみえDXアドバイザー・みえDXパートナーへのご紹介（別途同意いただいた場合に限ります）
3. 支援後の満足度アンケートのご案内
4. 個人が特定されない形での統計の作成と公表
ご相談の記録は、完了後一定期間（既定では5年度）保存した後、個人情報を匿名化します。"""

CONSULTATION_NOTICE_EN = """Mie Prefecture (Mie DX Center) uses the personal information you give only to:
1. answer and support your consultation and contact you about it;
2. introduce you to a Mie DX Advisor or Mie DX Partner who can help (only if you separately agree);
3. ask you about your satisfaction after the support;
4. compile and publish statistics in which no person can be identified.
Records are kept for a set period after the case closes (five fiscal years by default) and then anonymised."""

SEMINAR_NOTICE_JA = """三重県（みえDXセンター）は、セミナーのお申込みにあたり、次の目的のためにのみ個人情報を利用します。
1. 参加の受付、当日のご案内、変更・中止のご連絡
2. 開催後のアンケートのご案内
3. 個人が特定されない形での参加状況の集計と公表
お申込みの記録は、開催後一定期間（既定では3年）保存した後、匿名化します。"""

SEMINAR_NOTICE_EN = """Mie Prefecture (Mie DX Center) uses the personal information you give only to:
1. handle your registration and tell you about the seminar, changes or cancellation;
2. ask you to answer a short survey after the seminar;
3. compile and publish attendance figures in which no person can be identified.
Registrations are kept for a set period after the seminar (three years by default) and then anonymised."""


def load(apps, schema_editor):
    from common.municipalities import read_municipalities

    Municipality = apps.get_model("common", "Municipality")
    for order, row in enumerate(read_municipalities()):
        Municipality.objects.update_or_create(
            code=row["code"],
            defaults={
                "name": row["name"],
                "name_en": row["name_en"],
                "kind": row["kind"],
                "district": row["district"],
                "sort_order": order,
            },
        )
    PurposeNotice = apps.get_model("common", "PurposeNotice")
    import datetime as dt

    start = dt.datetime(2021, 4, 1, tzinfo=dt.UTC)
    PurposeNotice.objects.get_or_create(
        scope="consultation",
        version="2021-04",
        defaults={
            "text_ja": CONSULTATION_NOTICE_JA,
            "text_en": CONSULTATION_NOTICE_EN,
            "effective_from": start,
        },
    )
    PurposeNotice.objects.get_or_create(
        scope="seminar",
        version="2021-04",
        defaults={"text_ja": SEMINAR_NOTICE_JA, "text_en": SEMINAR_NOTICE_EN, "effective_from": start},
    )


class Migration(migrations.Migration):
    dependencies = [("common", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
