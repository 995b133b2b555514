import pytest

from django.core.exceptions import ValidationError

from common.models import Municipality
from crm.models import Organisation, Person
from crm.normalise import normalise_name, normalise_phone_e164
from crm.selectors import LIKELY, NONE, SURE, organisation_match, person_match

pytestmark = pytest.mark.django_db


def _org(name, **fields):
    return Organisation.objects.create(name=name, requester_type="business", **fields)


def test_same_name_other_spelling_and_same_phone_is_sure():
    existing = _org("株式会社津みらい製作所")
    Person.objects.create(organisation=existing, family_name="三重", phone="059-224-0000")
    match = organisation_match(name="(株)津みらい製作所", phone="0592240000")
    assert (match.level, match.record, match.evidence) == (SURE, existing, ["name", "phone"])


def test_same_name_alone_is_only_likely():
    existing = _org("株式会社津みらい製作所")
    match = organisation_match(name="㈱津みらい製作所")
    assert (match.level, match.record, match.evidence) == (LIKELY, existing, ["name"])


def test_same_name_and_town_is_sure():
    tsu = Municipality.objects.get(code="242012")
    existing = _org("津みらい製作所", municipality=tsu)
    match = organisation_match(name="株式会社 津みらい製作所", municipality_id=tsu.pk)
    assert (match.level, match.record) == (SURE, existing)


def test_phone_of_one_of_its_people_under_another_name_is_likely():
    existing = _org("津みらい製作所")
    Person.objects.create(organisation=existing, family_name="三重", email="a@tsu-mirai.jp")
    match = organisation_match(name="津未来製作所", email="A@tsu-mirai.jp")
    assert (match.level, match.record, match.evidence) == (LIKELY, existing, ["email"])


def test_corporate_number_is_sure_and_a_different_one_is_no_match():
    existing = _org("津みらい製作所", corporate_number="1180301018771")
    assert organisation_match(name="全然違う名前", corporate_number="1180301018771").record == (
        existing
    )
    other = organisation_match(name="津みらい製作所", corporate_number="7000012050002")
    assert other.level == NONE


def test_invalid_corporate_number_is_refused():
    with pytest.raises(ValidationError):
        Organisation(
            name="x", requester_type="business", corporate_number="2180301018771"
        ).full_clean()


def test_person_same_email_and_name_is_sure_email_alone_likely():
    organisation = _org("津みらい製作所")
    taro = Person.objects.create(
        organisation=organisation, family_name="三重", given_name="太郎", email="taro@tsu.jp"
    )
    assert person_match(name="三重 太郎", email="TARO@tsu.jp").level == SURE
    other = person_match(name="伊勢 花子", email="taro@tsu.jp")
    assert (other.level, other.record, other.evidence) == (LIKELY, taro, ["email"])
    assert person_match(name="伊勢 花子", email="hanako@tsu.jp").level == NONE


def test_anonymised_people_are_not_matched():
    organisation = _org("津みらい製作所")
    Person.objects.create(
        organisation=organisation,
        family_name="三重",
        email="taro@tsu.jp",
        anonymised_at="2020-01-01T00:00Z",
    )
    assert person_match(name="三重", email="taro@tsu.jp").level == NONE


@pytest.mark.parametrize("size", [100, 10_000])
def test_duplicate_check_costs_the_same_queries_whatever_the_size(
    size, django_assert_max_num_queries
):
    names = [f"株式会社三重テスト{i}" for i in range(size)]
    organisations = Organisation.objects.bulk_create(
        Organisation(name=n, requester_type="business", name_normalised=normalise_name(n))
        for n in names
    )
    Person.objects.bulk_create(
        Person(
            organisation=o,
            family_name="三重",
            phone=f"059-{200 + i // 10000:03d}-{i % 10000:04d}",
            phone_e164=normalise_phone_e164(f"059-{200 + i // 10000:03d}-{i % 10000:04d}"),
        )
        for i, o in enumerate(organisations)
    )
    target = organisations[size // 2]
    phone = f"059-{200 + (size // 2) // 10000:03d}-{(size // 2) % 10000:04d}"
    with django_assert_max_num_queries(3):
        match = organisation_match(name=f"(株)三重テスト{size // 2}", phone=phone)
    assert (match.level, match.record) == (SURE, target)
    with django_assert_max_num_queries(3):
        assert organisation_match(name="(株)どこにもない", phone="090-0000-0000").level == NONE
