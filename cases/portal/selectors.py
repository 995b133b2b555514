"""What a partner or advisor may see: only assignments made to them or their company."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from cases.models import Assignment, Attachment, Note


def assignments_for_user(user) -> QuerySet[Assignment]:
    """Assignments to the user as an advisor, or to the company the user belongs to."""
    if not user.is_authenticated:
        return Assignment.objects.none()
    return (
        Assignment.objects.filter(Q(advisor__user=user) | Q(company__members__user=user))
        .select_related("case", "case__organisation", "case__municipality", "advisor", "company")
        .distinct()
    )


def is_portal_user(user) -> bool:
    return user.is_authenticated and (
        hasattr(user, "advisor") or hasattr(user, "partner_membership")
    )


ACTIVE_STATES = (Assignment.State.PROPOSED, Assignment.State.ACCEPTED)


def assignment_is_active(assignment: Assignment) -> bool:
    """Offered or accepted, on a case still open: the assignee may see the case and act on it.

    Declined or finished assignments, and those on a case staff closed or withdrew, leave only a
    short record of what the assignee did: no requester, no description, no notes, no files.
    """
    return assignment.state in ACTIVE_STATES and assignment.case.is_open


def assignment_shows_contact(assignment: Assignment) -> bool:
    """The requester's contact details: only once accepted, while active, and with consent.

    An offer shows what is needed to decide (the case summary); who to call comes with accepting.
    """
    case = assignment.case
    consent = getattr(case, "consent", None)
    return bool(
        assignment.state == Assignment.State.ACCEPTED
        and assignment_is_active(assignment)
        and consent
        and consent.referral_consent
        and case.contact
    )


def assignment_groups(user) -> dict[str, list[Assignment]]:
    """My assignments grouped as the list shows them: new, in progress, overdue, finished."""
    today = timezone.localdate()
    groups = {"overdue": [], "new": [], "in_progress": [], "finished": []}
    for a in assignments_for_user(user).order_by("-created_at"):
        if not assignment_is_active(a):
            groups["finished"].append(a)
        elif a.state == Assignment.State.PROPOSED and a.respond_by and a.respond_by < today:
            groups["overdue"].append(a)
        elif a.state == Assignment.State.PROPOSED:
            groups["new"].append(a)
        elif a.state == Assignment.State.ACCEPTED:
            groups["in_progress"].append(a)
        else:
            groups["finished"].append(a)
    return groups


def notes_for_assignment(assignment: Assignment) -> QuerySet[Note]:
    """Notes the assignee may read, while the assignment is active.

    Shared notes only, never internal staff notes; of those, the ones written on this assignment
    and the ones staff wrote for all assignees. Another assignee's notes carry their assignment;
    a note without one whose author is an advisor or partner user (its assignment was deleted),
    or whose author is unknown, is not shown either.
    """
    if not assignment_is_active(assignment):
        return Note.objects.none()
    not_by_staff = Q(author__isnull=True) | Q(author__advisor__isnull=False)
    not_by_staff |= Q(author__partner_membership__isnull=False)
    return (
        assignment.case.notes.filter(visibility=Note.Visibility.SHARED)
        .filter(Q(assignment=assignment) | (Q(assignment__isnull=True) & ~not_by_staff))
        .select_related("author")
    )


def attachments_for_assignment(assignment: Assignment) -> QuerySet[Attachment]:
    """Files on this assignment, and files staff attached to the case for the assignees.

    Only once accepted and while active: files may hold the requester's personal data, and an
    offer shows only what is needed to decide (as with the contact details).
    """
    if assignment.state != Assignment.State.ACCEPTED or not assignment_is_active(assignment):
        return Attachment.objects.none()
    return assignment.case.attachments.filter(
        Q(assignment=assignment) | Q(assignment__isnull=True)
    ).select_related("uploaded_by")
