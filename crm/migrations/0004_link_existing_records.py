"""Link the existing records the way intake now does (issue 18).

1. Fill the normalised columns of every organisation and person (and their history rows).
2. Merge sure duplicates, oldest record surviving: organisations with the same normalised
   name and the same 法人番号, phone or e-mail of one of their people, or town (never two
   different 法人番号); then, in each organisation, people with the same normalised name and
   the same e-mail or phone. Every foreign key to the merged record (cases, history rows,
   registrations, ...) and the generic links (outbox, access log) move to the survivor; one
   MergeRecord per merge keeps a snapshot.
3. List the likely ones (same normalised name only) under 重複の可能性.
4. Leave a report: one crm.LinkReport row (source "migration crm 0004") with the counts and
   the merges. A row rather than a file: it names organisations and the media dir is public.

Anonymised records are left alone.
"""

from collections import defaultdict

from django.db import migrations
from django.db.models import ForeignKey

from crm.normalise import (
    normalise_corporate_number,
    normalise_email,
    normalise_name,
    normalise_phone_e164,
)

REMOVED = "（保存期間経過により削除）"
SOURCE = "migration crm 0004"


def _normalise(apps):
    Organisation = apps.get_model("crm", "Organisation")
    Person = apps.get_model("crm", "Person")
    organisations = list(Organisation.objects.all())
    for o in organisations:
        o.corporate_number = normalise_corporate_number(o.corporate_number)
        o.name_normalised = "" if o.name == REMOVED else normalise_name(o.name)
    Organisation.objects.bulk_update(
        organisations, ["corporate_number", "name_normalised"], batch_size=500
    )
    people = list(Person.objects.all())
    for p in people:
        anonymised = p.anonymised_at is not None
        p.name_normalised = "" if anonymised else normalise_name(f"{p.family_name}{p.given_name}")[:100]
        p.email_normalised = "" if anonymised else normalise_email(p.email)
        p.phone_e164 = "" if anonymised else normalise_phone_e164(p.phone)
    Person.objects.bulk_update(
        people, ["name_normalised", "email_normalised", "phone_e164"], batch_size=500
    )
    return organisations, people


def _move(apps, model_name, survivor_pk, merged_pk):
    """Every foreign key (history tables included) and generic link to merged → survivor."""
    target = apps.get_model("crm", model_name)
    moved = {}
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, ForeignKey) and field.related_model is target:
                count = model._base_manager.filter(**{field.attname: merged_pk}).update(
                    **{field.attname: survivor_pk}
                )
                if count:
                    moved[f"{model._meta.label_lower}.{field.name}"] = count
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type = ContentType.objects.filter(app_label="crm", model=model_name.lower()).first()
    if content_type is not None:
        # The access log keeps the id of the record that was read (issue 26, 6(d)).
        for label, ct_field, id_field in (("common.OutboxMessage", "related_type", "related_id"),):
            model = apps.get_model(label)
            count = model.objects.filter(
                **{ct_field: content_type, id_field: str(merged_pk)}
            ).update(**{id_field: str(survivor_pk)})
            if count:
                moved[f"{model._meta.label_lower}.{id_field}"] = count
    history = apps.get_model("crm", f"Historical{model_name}")
    count = history.objects.filter(id=merged_pk).update(id=survivor_pk)
    if count:
        moved["history"] = count
    return moved


def _merge(apps, kind, model_name, survivor, merged, merges):
    MergeRecord = apps.get_model("crm", "MergeRecord")
    snapshot = {
        f.attname: getattr(merged, f.attname)
        for f in merged._meta.concrete_fields
        if f.get_internal_type() not in ("DateTimeField", "DateField")
    }
    moved = _move(apps, model_name, survivor.pk, merged.pk)
    merged_pk = merged.pk
    label = (merged.name if kind == "organisation" else f"{merged.family_name} {merged.given_name}").strip()
    merged.delete()
    MergeRecord.objects.create(
        kind=kind,
        merged_id=merged_pk,
        merged_label=label[:200],
        snapshot=snapshot,
        moved={**moved, "by": SOURCE},
        **{f"survivor_{kind}_id": survivor.pk},
    )
    merges.append({"kind": kind, "survivor": survivor.pk, "merged": merged_pk, "label": label})


def _find(parent, x):
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def _link_registrations(apps):
    """Seminar registrations to the person with their e-mail: sure with the same name."""
    Person = apps.get_model("crm", "Person")
    Registration = apps.get_model("events", "Registration")
    PossibleDuplicate = apps.get_model("crm", "PossibleDuplicate")
    ContentType = apps.get_model("contenttypes", "ContentType")
    content_type = ContentType.objects.filter(app_label="events", model="registration").first()
    people = defaultdict(list)
    for p in Person.objects.filter(anonymised_at__isnull=True).exclude(email_normalised=""):
        people[p.email_normalised].append(p)
    counts = {"sure": 0, "likely": 0}
    for registration in Registration.objects.filter(
        person__isnull=True, anonymised_at__isnull=True
    ).order_by("pk"):
        candidates = sorted(people.get(normalise_email(registration.email), []), key=lambda p: p.pk)
        if not candidates:
            continue
        name = normalise_name(registration.name)
        same = [p for p in candidates if p.name_normalised == name]
        person = (same or candidates)[0]
        Registration.objects.filter(pk=registration.pk).update(person=person)
        if same:
            counts["sure"] += 1
            continue
        PossibleDuplicate.objects.create(
            person_match_id=person.pk,
            evidence=["email"],
            source="migration",
            subject_type=content_type,
            subject_id=str(registration.pk),
            subject_label=registration.name[:120],
        )
        counts["likely"] += 1
    return counts


def link_existing_records(apps, schema_editor):
    Organisation = apps.get_model("crm", "Organisation")
    Person = apps.get_model("crm", "Person")
    PossibleDuplicate = apps.get_model("crm", "PossibleDuplicate")
    LinkReport = apps.get_model("crm", "LinkReport")
    organisations, people = _normalise(apps)
    merges, likely = [], 0

    contacts_of = defaultdict(set)
    for p in people:
        for value in (p.email_normalised, p.phone_e164):
            if value:
                contacts_of[p.organisation_id].add(value)
    by_name = defaultdict(list)
    for o in organisations:
        if o.name_normalised:
            by_name[o.name_normalised].append(o)
    for group in by_name.values():
        if len(group) < 2:
            continue
        group.sort(key=lambda o: o.pk)
        parent = {o.pk: o.pk for o in group}
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                if a.corporate_number and b.corporate_number:
                    sure = a.corporate_number == b.corporate_number
                else:
                    sure = bool(contacts_of[a.pk] & contacts_of[b.pk]) or bool(
                        a.municipality_id and a.municipality_id == b.municipality_id
                    )
                if sure:
                    ra, rb = _find(parent, a.pk), _find(parent, b.pk)
                    parent[max(ra, rb)] = min(ra, rb)
        clusters = defaultdict(list)
        for o in group:
            clusters[_find(parent, o.pk)].append(o)
        survivors = []
        for root, members in clusters.items():
            survivor = next(o for o in members if o.pk == root)
            for merged in members:
                if merged.pk != root:
                    _merge(apps, "organisation", "Organisation", survivor, merged, merges)
            survivors.append(survivor)
        # Same name, nothing else in common: for staff to decide.
        survivors.sort(key=lambda o: o.pk)
        for other in survivors[1:]:
            PossibleDuplicate.objects.create(
                organisation_id=other.pk,
                organisation_match_id=survivors[0].pk,
                evidence=["name"],
                source="migration",
            )
            likely += 1

    people_by_key = defaultdict(list)
    for p in Person.objects.filter(anonymised_at__isnull=True).order_by("pk"):
        if not p.name_normalised:
            continue
        for value in (p.email_normalised, p.phone_e164):
            if value:
                people_by_key[(p.organisation_id, p.name_normalised, value)].append(p)
    gone = set()
    for group in people_by_key.values():
        group = [p for p in group if p.pk not in gone]
        for merged in group[1:]:
            _merge(apps, "person", "Person", group[0], merged, merges)
            gone.add(merged.pk)

    registrations_linked = _link_registrations(apps)
    LinkReport.objects.create(
        source=SOURCE,
        summary={
            "organisations": len(organisations),
            "people": len(people),
            "organisations_merged": sum(m["kind"] == "organisation" for m in merges),
            "people_merged": sum(m["kind"] == "person" for m in merges),
            "likely_listed": likely + registrations_linked["likely"],
            "registrations_linked": registrations_linked["sure"] + registrations_linked["likely"],
            "merges": merges,
        },
    )


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0003_link_report"),
        ("common", "0008_unlock_login_permission"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("events", "0006_registration_person"),
    ]

    operations = [migrations.RunPython(link_existing_records, migrations.RunPython.noop)]
