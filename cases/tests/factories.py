import io

import factory
from openpyxl import Workbook

from django.utils import timezone

from cases.models import Case, ConsentRecord
from cases.services import case_create
from common.models import Municipality, PurposeNotice
from common.tests.factories import UserFactory, staff_user  # noqa: F401 - re-exported
from crm.models import Organisation, Person


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"株式会社テスト{n}")
    requester_type = "business"
    industry = "製造業"
    municipality = factory.LazyFunction(lambda: Municipality.objects.get(code="242012"))


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    organisation = factory.SubFactory(OrganisationFactory)
    family_name = "三重"
    given_name = "太郎"
    family_name_kana = "ミエ"
    given_name_kana = "タロウ"
    email = factory.Sequence(lambda n: f"taro{n}@example.jp")
    phone = "059-224-0000"


def make_case(
    *,
    received_on=None,
    status=Case.Status.NEW,
    consent=True,
    requester_type="business",
    category="problem_solving",
    **fields,
):
    contact = ContactFactory(organisation__requester_type=requester_type)
    case = case_create(
        organisation=contact.organisation,
        contact=contact,
        received_on=received_on or timezone.localdate(),
        channel=Case.Channel.WEB,
        category=category,
        subject=fields.pop("subject", "在庫管理のデジタル化"),
        description=fields.pop("description", "在庫をスマホで管理したい。"),
        status=status,
        **fields,
    )
    record_consent(case, referral=consent)
    return case


def record_consent(case, *, referral: bool = True) -> ConsentRecord:
    """The requester read the current purpose notice and answered the referral question."""
    return ConsentRecord.objects.create(
        case=case,
        notice=PurposeNotice.current("consultation"),
        acknowledged_purpose=True,
        referral_consent=referral,
    )


# The columns of the past-records workbook, in the order the center's spreadsheet has them.
IMPORT_HEADER = [
    "受付日",
    "相談者区分",
    "団体名",
    "業種",
    "所在市町",
    "相談内容区分",
    "相談内容",
    "対応内容",
    "担当",
    "状況",
    "結果",
]


def import_workbook(rows, header=IMPORT_HEADER) -> bytes:
    """An .xlsx of past records as the import reads it: a header row, then one row a record."""
    wb = Workbook()
    ws = wb.active
    ws.append(header)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
