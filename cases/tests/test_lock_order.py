"""Every service that locks a case and its referrals locks the case row first, then the
assignments: two services taking them in opposite orders could deadlock on PostgreSQL
(a withdrawal by phone while the partner accepts in the portal)."""

import re

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from cases.models import Case
from cases.services import (
    assignment_accept,
    assignment_decline,
    assignment_note_add,
    case_assign,
    consent_record,
)
from partners.models import PartnerCompany

from .factories import make_case, staff_user

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def locked_tables(queries) -> list[str]:
    """The table of each SELECT ... FOR UPDATE, in the order they ran."""
    return [
        re.search(r'FROM "(\w+)"', q["sql"]).group(1)
        for q in queries
        if q["sql"].startswith("SELECT") and "FOR UPDATE" in q["sql"]
    ]


def referred_case():
    staff = staff_user()
    case = make_case(status=Case.Status.TRIAGE)
    company, _created = PartnerCompany.objects.get_or_create(name="株式会社ロック", kind="vendor")
    return staff, case, case_assign(case=case, assignee=company, by=staff)


def first_locks(action) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        action()
    tables = locked_tables(queries.captured_queries)
    assert "cases_case" in tables and "cases_assignment" in tables, tables
    return tables


def test_accepting_locks_the_case_before_the_assignment():
    staff, _case, assignment = referred_case()
    tables = first_locks(lambda: assignment_accept(assignment=assignment, by=staff))
    assert tables.index("cases_case") < tables.index("cases_assignment"), tables


def test_declining_locks_the_case_before_the_assignment():
    staff, _case, assignment = referred_case()
    tables = first_locks(lambda: assignment_decline(assignment=assignment, by=staff, reason="満員"))
    assert tables.index("cases_case") < tables.index("cases_assignment"), tables


def test_a_partner_note_locks_the_case_before_the_assignment():
    staff, _case, assignment = referred_case()
    assignment_accept(assignment=assignment, by=staff)
    tables = first_locks(lambda: assignment_note_add(assignment=assignment, by=staff, body="面談"))
    assert tables.index("cases_case") < tables.index("cases_assignment"), tables


def test_a_withdrawal_locks_the_case_before_the_assignments():
    staff, case, _assignment = referred_case()
    tables = first_locks(lambda: consent_record(case=case, by=staff, given=False, method="phone"))
    assert tables.index("cases_case") < tables.index("cases_assignment"), tables


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_withdrawal_while_the_partner_accepts_ends_the_referral_without_a_deadlock():
    import threading
    import time

    from django.db import transaction

    from cases.exceptions import InvalidTransition

    staff, case, assignment = referred_case()
    case_locked = threading.Event()
    outcome = {}

    def staff_records_the_withdrawal():
        try:
            with transaction.atomic():
                Case.objects.select_for_update().get(pk=case.pk)
                case_locked.set()
                time.sleep(1.5)  # the partner's accept starts meanwhile
                consent_record(case=case, by=staff, given=False, method="phone")
            outcome["withdrawal"] = "done"
        except Exception as exc:  # a deadlock surfaces here or in the other thread
            outcome["withdrawal"] = exc
        finally:
            connection.close()

    def partner_accepts():
        case_locked.wait(10)
        try:
            assignment_accept(assignment=assignment, by=staff)
            outcome["accept"] = "done"
        except Exception as exc:
            outcome["accept"] = exc
        finally:
            connection.close()

    threads = [
        threading.Thread(target=staff_records_the_withdrawal),
        threading.Thread(target=partner_accepts),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert outcome["withdrawal"] == "done", outcome
    # The accept waited for the withdrawal and was then refused: the referral had ended.
    assert isinstance(outcome["accept"], InvalidTransition), outcome
    assignment.refresh_from_db()
    assert assignment.state == "ended"
