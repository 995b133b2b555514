import factory

from django.utils import timezone

from cases.models import Case, ConsentRecord
from cases.services import case_create
from crm.models import Organisation, Person
from dxcenter.common.models import Municipality, PurposeNotice
from dxcenter.common.tests.factories import UserFactory, staff_user  # noqa: F401 - re-exported


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
    ConsentRecord.objects.create(
        case=case,
        notice=PurposeNotice.current("consultation"),
        acknowledged_purpose=True,
        referral_consent=consent,
    )
    return case
