"""Merging (issue 26, 6(d)): its own permission, a confirmation showing what moves, and an access
log that keeps naming the record that was read."""

import pytest

from cases.models import Case
from cases.tests.factories import ContactFactory, OrganisationFactory, make_case, staff_user
from common.access_log import personal_data_access_log
from crm.models import Organisation, Person, PossibleDuplicate
from crm.services import organisation_merge, person_merge

pytestmark = pytest.mark.django_db


def refused(response) -> bool:
    """Wagtail answers a refused admin view with a redirect to the dashboard (or a 403)."""
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"] == "/admin/"
    )


@pytest.fixture
def pair():
    survivor = OrganisationFactory(name="株式会社津みらい製作所")
    merged = OrganisationFactory(name="津未来製作所")
    contact = ContactFactory(organisation=merged)
    case = make_case()
    Case.objects.filter(pk=case.pk).update(organisation=merged, contact=contact)
    return survivor, merged


def test_staff_who_may_change_records_may_not_merge_them(client, pair):
    survivor, merged = pair
    staff = staff_user()  # センター職員
    assert staff.has_perm("crm.change_organisation") and staff.has_perm("crm.change_person")
    client.force_login(staff)
    confirm = f"/admin/crm/organisations/{survivor.pk}/merge/?merge_from={merged.pk}"
    client.post(f"/admin/crm/organisations/{survivor.pk}/", {"merge_from": str(merged.pk)})
    assert refused(client.get(confirm))
    assert refused(client.post(confirm, {"merge_from": str(merged.pk), "confirm": "1"}))
    assert Organisation.objects.filter(pk=merged.pk).exists()

    duplicate = PossibleDuplicate.objects.create(organisation=merged, organisation_match=survivor)
    client.post(f"/admin/crm/duplicates/{duplicate.pk}/resolve/", {"decision": "merge"})
    assert Organisation.objects.filter(pk=merged.pk).exists()
    duplicate.refresh_from_db()
    assert duplicate.status == PossibleDuplicate.Status.OPEN


def test_a_manager_confirms_a_merge_on_a_page_that_shows_what_moves(client, pair):
    from crm.selectors import merge_preview

    survivor, merged = pair
    manager = staff_user("manager", group="センター管理者")
    assert manager.has_perm("crm.merge_organisation") and manager.has_perm("crm.merge_person")
    client.force_login(manager)
    confirm = f"/admin/crm/organisations/{survivor.pk}/merge/?merge_from={merged.pk}"

    asked = client.post(f"/admin/crm/organisations/{survivor.pk}/", {"merge_from": str(merged.pk)})
    assert asked.status_code == 302 and asked["Location"] == confirm
    assert Organisation.objects.filter(pk=merged.pk).exists()

    page = client.get(confirm).content.decode()
    assert "津未来製作所" in page and "株式会社津みらい製作所" in page
    preview = dict(merge_preview(survivor=survivor, merged=merged))
    assert preview["相談案件"] == 1 and preview["担当者"] == 1
    for label, count in preview.items():
        assert f"{label}</td><td>{count}" in page.replace(" ", "").replace("\n", "")
    assert Organisation.objects.filter(pk=merged.pk).exists()  # looking changes nothing

    done = client.post(confirm, {"merge_from": str(merged.pk), "confirm": "1"})
    assert done.status_code == 302
    assert not Organisation.objects.filter(pk=merged.pk).exists()
    assert Case.objects.get().organisation == survivor


def test_the_preview_is_the_same_walk_as_the_merge(pair):
    from crm.selectors import merge_preview

    survivor, merged = pair
    preview = merge_preview(survivor=survivor, merged=merged, by_relation=True)
    record = organisation_merge(survivor=survivor, merged=merged, by=staff_user())
    assert preview == record.moved


def test_a_duplicate_merge_goes_through_the_confirmation(client, pair):
    survivor, merged = pair
    duplicate = PossibleDuplicate.objects.create(organisation=merged, organisation_match=survivor)
    client.force_login(staff_user("manager", group="センター管理者"))
    asked = client.post(f"/admin/crm/duplicates/{duplicate.pk}/resolve/", {"decision": "merge"})
    assert asked.status_code == 302 and "/merge/" in asked["Location"]
    assert Organisation.objects.filter(pk=merged.pk).exists()
    client.post(asked["Location"], {"merge_from": str(merged.pk), "confirm": "1"})
    assert not Organisation.objects.filter(pk=merged.pk).exists()
    duplicate.refresh_from_db()
    assert duplicate.status == PossibleDuplicate.Status.MERGED


def test_merge_keeps_the_access_logs_subject_and_maps_it_to_the_survivor():
    staff = staff_user()
    survivor = ContactFactory(family_name="津", given_name="未来")
    merged = ContactFactory(family_name="津", given_name="みらい")
    read_merged = personal_data_access_log(user=staff, subject=merged, context="admin_crm")
    read_survivor = personal_data_access_log(user=staff, subject=survivor, context="admin_crm")

    merged_pk = merged.pk
    person_merge(survivor=survivor, merged=merged, by=staff)

    read_merged.refresh_from_db()
    assert read_merged.subject_id == str(merged_pk)  # who was read, as it was
    from crm.selectors import access_log_for

    assert not Person.objects.filter(pk=merged_pk).exists()
    assert set(access_log_for(survivor)) == {read_merged, read_survivor}
