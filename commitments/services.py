"""Writes of the commitment domain. The admin, the API, the pages, the demo loader and
the tasks all go through these functions, so each rule is enforced in one place.

Every service takes keyword arguments, validates everything before it writes anything,
and writes in one transaction: on a ValidationError nothing is stored.
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone

from core.validation import add_errors, clean_into, raise_if

from . import rules, shape
from .choices import NON_FULFILMENT_STATUSES, Confidence, LinkState, Nature, Status, Verification
from .models import (
    Agreement,
    AgreementParticipant,
    AgreementRelation,
    AgreementSource,
    Commitment,
    Deadline,
    Obligation,
    StatusUpdate,
    StatusUpdateSource,
)
from .selectors import commitment_dependents, obligations_for
from .signals import deadlines_changed, status_recorded


@dataclass(frozen=True)
class DeadlineInput:
    """A date, or a number of days after the agreement's date or another commitment's
    fulfilment. Exactly one of ``due_on`` and ``within_days``; the model checks it."""

    due_on: date | None = None
    within_days: int | None = None
    after_commitment: Commitment | None = None
    # In commitments_create_many: the reference of the commitment (in the same batch or
    # already in the agreement) whose fulfilment the days count from.
    after_reference: str = ""


@dataclass(frozen=True)
class SourceInput:
    publisher: str
    published_on: date | None
    url: str = ""
    title: str = ""
    language: str = ""

    @classmethod
    def from_fields(cls, data: Mapping, prefix: str = "") -> "SourceInput":
        """A source from a form's or a request's fields named ``{prefix}publisher``,
        ``{prefix}url``...: the one place the pages and the admin build it. A text left out
        or empty is ""."""
        texts = {name: data.get(f"{prefix}{name}") or "" for name in ("publisher", "url", "title", "language")}
        return cls(published_on=data.get(f"{prefix}published_on"), **texts)


def _track(instance, user, reason: str = ""):
    """Attach who and why to the historical row the next save writes."""
    instance._history_user = user
    if reason:
        instance._change_reason = reason
    return instance


def _apply_changes(instance, editable: tuple[str, ...], changes: dict) -> dict:
    """Set the editable fields given in ``changes`` and return the model's validation
    errors; any other field is refused before anything is set."""
    unknown = set(changes) - set(editable)
    if unknown:
        raise ValidationError({field: ["This field cannot be changed here."] for field in sorted(unknown)})
    for field, value in changes.items():
        setattr(instance, field, value)
    errors: dict = {}
    clean_into(errors, instance)
    return errors


# Agreements


def _agreement_children(agreement: Agreement, participants, sources, relations) -> list:
    children = [AgreementParticipant(agreement=agreement, party=p, role=r) for p, r in participants]
    children += [AgreementSource(agreement=agreement, **asdict(s)) for s in sources]
    children += [AgreementRelation(agreement=agreement, related_agreement=a, kind=k) for a, k in relations]
    return children


def _children_errors(children: list) -> dict:
    """Errors of an agreement's participants, sources and relations, keyed
    ``participants[i].field`` (and sources[i], relations[i]), plus repeated entries."""
    errors: dict = {}
    seen: set = set()
    counters: dict[str, int] = {}
    for child in children:
        name = CHILD_LISTS[type(child)]
        index = counters.get(name, 0)
        counters[name] = index + 1
        clean_into(errors, child, exclude=["agreement"], prefix=f"{name}[{index}].")
        key = _child_key(child)
        if key is not None and key in seen:
            errors.setdefault(f"{name}[{index}]", []).append("This entry is listed twice.")
        seen.add(key)
    return errors


def _child_key(child):
    if isinstance(child, AgreementParticipant):
        return ("participant", child.party_id, child.role)
    if isinstance(child, AgreementRelation):
        return ("relation", child.related_agreement_id, child.kind)
    return None


@transaction.atomic
def agreement_create(
    *,
    title: str,
    kind: str,
    signed_on: date,
    venue: str = "",
    timezone_name: str = "UTC",
    summary: str = "",
    published: bool = False,
    participants: Iterable[tuple] = (),
    sources: Iterable[SourceInput] = (),
    relations: Iterable[tuple] = (),
    user=None,
) -> Agreement:
    """Create an agreement with its participants ((party, role) pairs), source documents
    and relations to earlier agreements ((agreement, kind) pairs)."""
    errors: dict = {}
    agreement = Agreement(
        title=title,
        kind=kind,
        signed_on=signed_on,
        venue=venue,
        timezone=timezone_name,
        summary=summary,
        published=published,
    )
    clean_into(errors, agreement)
    children = _agreement_children(agreement, participants, sources, relations)
    errors.update(_children_errors(children))
    if published:
        errors.update(publish_errors(agreement=agreement, user=user, creating=True))
    raise_if(errors)
    if published:
        agreement.published_at, agreement.published_by = timezone.now(), user
    _track(agreement, user).save()
    for child in children:
        _track(child, user).save()
    return agreement


EDITABLE_AGREEMENT_FIELDS = ("title", "kind", "signed_on", "venue", "timezone", "summary", "published")
CHILD_LISTS = {AgreementParticipant: "participants", AgreementSource: "sources", AgreementRelation: "relations"}


@transaction.atomic
def agreement_update(
    *,
    agreement: Agreement,
    user=None,
    reason: str = "",
    participants: Iterable[tuple] | None = None,
    sources: Iterable[SourceInput] | None = None,
    relations: Iterable[tuple] | None = None,
    **changes,
) -> Agreement:
    """Change an agreement's own fields and, when given, replace its participants, sources
    or relations (each list whole). Every changed row gets a historical row with who and
    why; a removed one keeps its history. Publishing (``published=True`` on a draft) goes
    by the rule of ``agreement_publish``."""
    publishing = changes.get("published") is True and not agreement.published
    # Read before the changes are applied: whether this very request also changes the draft.
    changes_fields = any(
        getattr(agreement, field, None) != value for field, value in changes.items() if field != "published"
    )
    when_before = (agreement.signed_on, agreement.timezone)
    errors = _apply_changes(agreement, EDITABLE_AGREEMENT_FIELDS, changes)
    redated = agreement.pk is not None and (agreement.signed_on, agreement.timezone) != when_before
    if redated and "signed_on" not in errors and "timezone" not in errors:
        errors.update(_redating_errors(agreement))
    replaced = {
        AgreementParticipant: participants,
        AgreementSource: sources,
        AgreementRelation: relations,
    }
    new_children = _agreement_children(agreement, participants or (), sources or (), relations or ())
    # Relations are checked against the agreement's own id (it relates to itself?).
    errors.update(_children_errors(new_children))
    if publishing:
        changing = changes_fields or _children_change(agreement, replaced, new_children)
        errors.update(publish_errors(agreement=agreement, user=user, changing=changing))
    raise_if(errors)
    if publishing:
        agreement.published_at, agreement.published_by = timezone.now(), user
    _track(agreement, user, reason).save()
    if redated:
        _deadlines_follow_agreement(agreement=agreement, user=user, reason=reason)
    for model, given in replaced.items():
        if given is None:
            continue
        old = {_row_key(c): c for c in model.objects.filter(agreement=agreement)}
        new = {_row_key(c): c for c in new_children if type(c) is model}
        for key, child in old.items():
            if key not in new:
                _track(child, user, reason).delete()
        for key, child in new.items():
            if key not in old:
                _track(child, user, reason).save()
    return agreement


def _redating_errors(agreement: Agreement) -> dict:
    """What a new date would leave before the agreement: dated deadlines, status updates
    effective earlier, incidents linked that happened earlier (each refused on its own)."""
    from .models import IncidentLink

    day = agreement.signed_on
    problems = []
    if Commitment.objects.filter(agreement=agreement, current_deadline__due_on__lt=day).exists():
        problems.append("a deadline of its commitments falls before it")
    if StatusUpdate.objects.filter(obligation__commitment__agreement=agreement, effective_on__lt=day).exists():
        problems.append("status updates of its commitments are effective before it")
    if IncidentLink.objects.filter(
        obligation__commitment__agreement=agreement, state=LinkState.LINKED, incident__occurred_on__lt=day
    ).exists():
        problems.append("incidents linked to its commitments happened before it")
    if not problems:
        return {}
    return {"signed_on": [f"The agreement cannot be dated {day:%d %b %Y}: {'; '.join(problems)}."]}


def _deadlines_follow_agreement(*, agreement: Agreement, user=None, reason: str = "") -> None:
    """A new date or time zone moves the due moments counted from the agreement (and the
    end of each due day in its zone); each moved deadline keeps a historical row."""
    moved = []
    commitments = Commitment.objects.filter(agreement=agreement, current_deadline__isnull=False).select_related(
        "current_deadline", "current_deadline__after_commitment"
    )
    for commitment in commitments:
        deadline = commitment.current_deadline
        commitment.agreement = agreement
        deadline.commitment = commitment
        before = (deadline.due_date, deadline.due_at)
        deadline.resolve()
        if (deadline.due_date, deadline.due_at) == before:
            continue
        _deadline_save_resolved(commitment, deadline, user, reason or "The agreement's date or time zone changed")
        moved.append(commitment.pk)
    if moved:
        Commitment.objects.filter(pk__in=moved).update(updated_at=timezone.now())
        deadlines_changed.send(sender=Commitment, commitment_ids=moved)


def _children_change(agreement: Agreement, replaced: dict, new_children: list) -> bool:
    """Whether the lists given differ from the agreement's rows (as _row_key sees them)."""
    for model, given in replaced.items():
        if given is None:
            continue
        old = {_row_key(c) for c in model.objects.filter(agreement=agreement)}
        if old != {_row_key(c) for c in new_children if type(c) is model}:
            return True
    return False


def _row_key(child) -> tuple:
    """What makes a participant, source or relation the same entry before and after an
    edit: a row whose fields are all unchanged is kept as it is (its history too)."""
    if isinstance(child, AgreementParticipant):
        return (child.party_id, child.role)
    if isinstance(child, AgreementRelation):
        return (child.related_agreement_id, child.kind)
    return (child.url, child.publisher, child.title, child.published_on, child.language)


def draft_last_changed_by(agreement: Agreement):
    """The id of the user who last changed the agreement or anything in it (participants,
    sources, relations, commitments, their deadlines and obligations), read from the
    history; None when no change has a user."""
    pk = agreement.pk
    latest = None
    for model, lookup in (
        (Agreement, {"id": pk}),
        (AgreementParticipant, {"agreement_id": pk}),
        (AgreementSource, {"agreement_id": pk}),
        (AgreementRelation, {"agreement_id": pk}),
        (Commitment, {"agreement_id": pk}),
        (Deadline, {"commitment__agreement_id": pk}),
        (Obligation, {"commitment__agreement_id": pk}),
    ):
        row = (
            model.history.filter(**lookup)
            .exclude(history_user=None)
            .order_by("-history_date")
            .values_list("history_date", "history_user_id")
            .first()
        )
        if row and (latest is None or row[0] > latest[0]):
            latest = row
    return latest[1] if latest else None


def publish_errors(*, agreement: Agreement, user, creating: bool = False, changing: bool = False) -> dict:
    """Why ``user`` may not publish this draft now: with PUBLISH_FOUR_EYES on, the analyst
    who last changed it (or who is creating it, or changing it in the same request) needs a
    second analyst to publish it."""
    if not settings.PUBLISH_FOUR_EYES:
        return {}
    if user is None or creating or changing or draft_last_changed_by(agreement) == user.pk:
        return {"published": ["Four eyes: you made the last change to this draft, so another analyst must publish it."]}
    return {}


@transaction.atomic
def agreement_publish(*, agreement: Agreement, user) -> Agreement:
    """Publish a draft: from now on partners (and their emails and exports) see it. Who
    published it and when are recorded; publishing a published agreement changes nothing."""
    locked = Agreement.objects.select_for_update().get(pk=agreement.pk)
    if locked.published:
        return locked
    return agreement_update(agreement=locked, user=user, reason="Published", published=True)


# Commitments


def _deadline_build(*, commitment: Commitment, spec: DeadlineInput, revision: int, user, reason, source) -> Deadline:
    source = source or SourceInput(publisher="", published_on=None)
    return Deadline(
        commitment=commitment,
        revision=revision,
        due_on=spec.due_on,
        within_days=spec.within_days,
        after_commitment=spec.after_commitment,
        reason=reason,
        source_url=source.url,
        source_publisher=source.publisher,
        source_published_on=source.published_on,
        recorded_by=user,
    )


def _commitment_build(*, deadline: DeadlineInput | None = None, user=None, **fields) -> Commitment:
    """Build an unsaved commitment and check every rule of its creation. ``fields``: those
    of shape.COMMITMENT_INPUT_FIELDS (agreement, reference, ..., parties)."""
    fields = shape.create_input(fields)
    parties = list(fields["parties"])
    errors: dict = {}
    commitment = Commitment(**{name: fields[name] for name in shape.MODEL_FIELDS})
    clean_into(errors, commitment)
    if not parties:
        errors["parties"] = ["A commitment binds at least one party."]
    elif len({p.pk for p in parties}) != len(parties):
        errors["parties"] = ["A party is listed twice."]
    errors.update(rules.one_off_deadline_errors(nature=commitment.nature, has_deadline=deadline is not None))
    if deadline is not None:
        pending = _deadline_build(commitment=commitment, spec=deadline, revision=1, user=user, reason="", source=None)
        clean_into(errors, pending, exclude=["commitment"])
    raise_if(errors)
    return commitment


def commitment_check(**kwargs) -> None:
    """Raise the ValidationError that ``commitment_create`` would raise, writing nothing.
    Forms call it to show errors next to their fields."""
    kwargs["parties"] = list(kwargs.get("parties") or ())
    _commitment_build(**kwargs)


# What a form or an API body hands to commitment_create as it is (besides deadline, user).
COMMITMENT_INPUT_FIELDS = shape.COMMITMENT_INPUT_FIELDS


@transaction.atomic
def commitment_create(
    *, deadline: DeadlineInput | None = None, deadline_note: str = "", user=None, **fields
) -> Commitment:
    """Create a commitment from ``fields`` (shape.COMMITMENT_INPUT_FIELDS: agreement,
    reference, title, text, category, nature, condition, parties, recipients) binding
    ``parties`` (one obligation each), with its first deadline (``deadline_note`` says
    where it comes from when the text is not explicit). A one-off commitment must have a
    deadline."""
    fields = shape.create_input(fields)
    fields["parties"] = list(fields["parties"])
    commitment = _commitment_build(deadline=deadline, user=user, **fields)
    return _commitment_save(
        commitment,
        parties=fields["parties"],
        recipients=fields["recipients"],
        deadline=deadline,
        deadline_note=deadline_note,
        user=user,
    )


def _commitment_save(commitment: Commitment, *, parties, recipients, deadline, deadline_note: str, user) -> Commitment:
    """Store a commitment that ``_commitment_build`` checked, with its obligations and
    first deadline (``deadline_set`` checks that one again, with its chain resolved)."""
    _track(commitment, user).save()
    commitment.recipients.set(recipients)
    for party in parties:
        _track(Obligation(commitment=commitment, party=party), user).save()
    if deadline is not None:
        deadline_set(commitment=commitment, deadline=deadline, reason=deadline_note, user=user)
    return commitment


@dataclass(frozen=True)
class CommitmentInput:
    """One commitment of a batch (commitments_create_many): what commitment_create takes."""

    reference: str
    title: str
    text: str
    category: str
    nature: str
    parties: Sequence = ()
    recipients: Sequence = ()
    condition: str = ""
    deadline: DeadlineInput | None = None
    deadline_note: str = ""


# A service's deadline fields as the commitments form, the document and the API name them.
DEADLINE_FIELD_NAMES = {"due_on": "deadline.date", "within_days": "deadline.days", "after_commitment": "deadline.after"}


def _batch_order(agreement: Agreement, rows: Sequence[CommitmentInput], errors: dict) -> list[int]:
    """Check the references and chained deadlines of a batch (``errors`` gets them, keyed
    ``commitments[i].field``) and return the order to create the rows in: a row whose
    deadline hangs on another row of the batch comes after it."""
    existing = set(agreement.commitments.values_list("reference", flat=True)) if agreement.pk else set()
    index_of: dict[str, int] = {}
    for i, row in enumerate(rows):
        if row.reference in existing:
            errors.setdefault(f"commitments[{i}].reference", []).append(
                f"This agreement already has a commitment with the reference '{row.reference}'."
            )
        elif row.reference in index_of:
            errors.setdefault(f"commitments[{i}].reference", []).append(
                f"The reference '{row.reference}' is also used by commitment {index_of[row.reference] + 1}."
            )
        else:
            index_of[row.reference] = i
    after: dict[int, int] = {}
    for i, row in enumerate(rows):
        ref = row.deadline.after_reference if row.deadline else ""
        if not ref:
            continue
        if ref == row.reference:
            errors.setdefault(f"commitments[{i}].deadline.after", []).append(
                "A deadline cannot hang on the fulfilment of its own commitment."
            )
        elif ref in index_of:
            after[i] = index_of[ref]
        elif ref not in existing:
            errors.setdefault(f"commitments[{i}].deadline.after", []).append(
                f"No commitment with the reference '{ref}' in this agreement."
            )
    order: list[int] = []
    state: dict[int, str] = {}
    for start in range(len(rows)):
        path = []
        node = start
        while node is not None and node not in state:
            state[node] = "open"
            path.append(node)
            node = after.get(node)
        if node is not None and state.get(node) == "open":
            cycle = path[path.index(node) :]
            chain = " → ".join(rows[k].reference for k in [*cycle, node])
            for k in cycle:
                errors.setdefault(f"commitments[{k}].deadline.after", []).append(
                    f"This chain of deadlines makes a cycle: {chain}."
                )
        for k in reversed(path):
            state[k] = "done"
            order.append(k)
    return order


def _row_deadline(row: CommitmentInput, created: dict[str, Commitment], agreement: Agreement):
    spec = row.deadline
    if spec is None or not spec.after_reference:
        return spec
    target = created.get(spec.after_reference) or agreement.commitments.get(reference=spec.after_reference)
    return DeadlineInput(within_days=spec.within_days, after_commitment=target)


@transaction.atomic
def commitments_create_many(*, agreement: Agreement, rows: Sequence[CommitmentInput], user=None) -> list[Commitment]:
    """Create a batch of commitments in an agreement, all or nothing. Every row is checked
    before anything is written; errors are keyed ``commitments[i].field`` (the deadline's
    fields as ``deadline.date``, ``deadline.days``, ``deadline.after``). A chained deadline
    names its commitment by reference (``DeadlineInput.after_reference``), in the batch or
    already in the agreement. Returns the commitments in the rows' order."""
    errors: dict = {}
    order = _batch_order(agreement, rows, errors)
    built: dict[int, Commitment] = {}
    for i, row in enumerate(rows):
        spec = row.deadline
        if spec is not None and spec.after_reference:
            if spec.due_on is not None:  # else the date would be dropped for the chain below
                errors.setdefault(f"commitments[{i}].deadline.after", []).append(
                    "A dated deadline does not hang on another commitment."
                )
            spec = DeadlineInput(due_on=spec.due_on, within_days=spec.within_days)  # checked without its target
        try:
            built[i] = _commitment_build(
                agreement=agreement,
                **{name: getattr(row, name) for name in shape.EDITABLE_COMMITMENT_FIELDS},
                parties=list(row.parties),
                deadline=spec,
                user=user,
            )
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                if field == NON_FIELD_ERRORS:
                    if f"commitments[{i}].reference" in errors:
                        continue  # the reference already used: said at the reference
                    errors.setdefault(f"commitments[{i}]", []).extend(messages)
                    continue
                name = DEADLINE_FIELD_NAMES.get(field, field)
                errors.setdefault(f"commitments[{i}].{name}", []).extend(messages)
    raise_if(errors)
    created: dict[str, Commitment] = {}
    for i in order:
        # Each row was checked above, as commitment_create checks it: stored without a
        # second check (a 500-row import took 1.4 times as long as 500 commitment_create).
        row = rows[i]
        created[row.reference] = _commitment_save(
            built[i],
            parties=list(row.parties),
            recipients=row.recipients,
            deadline=_row_deadline(row, created, agreement),
            deadline_note=row.deadline_note,
            user=user,
        )
    return [created[row.reference] for row in rows]


EDITABLE_COMMITMENT_FIELDS = shape.EDITABLE_COMMITMENT_FIELDS


@transaction.atomic
def commitment_update(
    *,
    commitment: Commitment,
    user=None,
    reason: str = "",
    deadline: DeadlineInput | None = None,
    deadline_reason: str | None = None,
    source: SourceInput | None = None,
    **changes,
) -> Commitment:
    """Change a commitment's own fields; the historical row records who and why.

    With ``deadline``, a deadline revision is appended in the same operation (as
    ``deadline_set`` would, with ``deadline_reason``, else ``reason``, and ``source``), so
    that a commitment can become one-off together with the deadline it then needs."""
    if deadline is not None and _is_current_deadline(commitment, deadline):
        deadline = None  # sent again (a PUT repeats every field): no change, no revision
    errors = _apply_changes(commitment, EDITABLE_COMMITMENT_FIELDS, changes)
    if deadline_reason is None:
        deadline_reason = reason
    if deadline is not None:
        errors.update(
            _deadline_errors(commitment=commitment, deadline=deadline, reason=deadline_reason, source=source, user=user)
        )
    has_deadline = commitment.current_deadline_id is not None or deadline is not None
    errors.update(rules.one_off_deadline_errors(nature=commitment.nature, has_deadline=has_deadline))
    if (
        "nature" in changes
        and commitment.nature == Nature.ONE_OFF
        and commitment.obligations.filter(status=Status.VIOLATED).exists()
    ):
        # The status rule (StatusUpdate.clean): a one-off is fulfilled or not, never violated.
        errors.setdefault("nature", []).append(
            "A party's status is 'violated', which a one-off commitment cannot be: record its "
            "current status first, or keep the commitment ongoing."
        )
    raise_if(errors)
    _track(commitment, user, reason).save()
    if deadline is not None:
        deadline_set(commitment=commitment, deadline=deadline, reason=deadline_reason, source=source, user=user)
    return commitment


@transaction.atomic
def obligation_add(*, commitment: Commitment, party, user=None) -> Obligation:
    """Bind one more party to a commitment."""
    obligation = Obligation(commitment=commitment, party=party, due_at=commitment.due_at)
    errors: dict = {}
    clean_into(errors, obligation)
    raise_if(errors)
    _track(obligation, user).save()
    commitment_refresh_status(commitment=commitment, user=user)
    return obligation


# Deadlines


def _is_current_deadline(commitment: Commitment, spec: DeadlineInput) -> bool:
    """Whether ``spec`` says what the commitment's current deadline says."""
    current = commitment.current_deadline
    if current is None:
        return False
    after = spec.after_commitment.pk if spec.after_commitment is not None else None
    return (current.due_on, current.within_days, current.after_commitment_id) == (spec.due_on, spec.within_days, after)


def _next_revision(commitment: Commitment) -> int:
    last = commitment.deadlines.order_by("-revision").values_list("revision", flat=True).first()
    return (last or 0) + 1


def _deadline_errors(
    *, commitment: Commitment, deadline: DeadlineInput, reason: str, source: SourceInput | None, user=None
) -> dict:
    """The validation errors of the revision ``deadline_set`` would append."""
    errors: dict = {}
    clean_into(
        errors,
        _deadline_build(
            commitment=commitment,
            spec=deadline,
            revision=_next_revision(commitment),
            user=user,
            reason=reason,
            source=source,
        ),
        exclude=["recorded_by"],
    )
    return errors


def deadline_check(
    *,
    commitment: Commitment,
    deadline: DeadlineInput,
    reason: str = "",
    source: SourceInput | None = None,
) -> None:
    """Raise the ValidationError that ``deadline_set`` would raise, writing nothing."""
    raise_if(_deadline_errors(commitment=commitment, deadline=deadline, reason=reason, source=source))


@transaction.atomic
def deadline_set(
    *,
    commitment: Commitment,
    deadline: DeadlineInput,
    user=None,
    reason: str = "",
    source: SourceInput | None = None,
) -> Deadline:
    """Append a deadline revision and make it current. The first revision is the
    original; every later one (an extension) needs a reason and a source. The current
    deadline given again appends nothing."""
    # Lock the commitment (its row only, not its agreement's) so two analysts extending
    # at once get revisions 2 and 3.
    locked = Commitment.objects.select_for_update(of=("self",)).select_related("agreement").get(pk=commitment.pk)
    if _is_current_deadline(locked, deadline):
        return locked.current_deadline  # the same deadline again: no change, no revision
    new = _deadline_build(
        commitment=locked, spec=deadline, revision=_next_revision(locked), user=user, reason=reason, source=source
    )
    errors: dict = {}
    clean_into(errors, new)
    raise_if(errors)
    new.resolve()
    _track(new, user, reason).save()
    # The Deadline rows are the deadline's history, so the pointer moves without a
    # historical row of its own; updated_at moves so that partners' syncs see the change.
    now = timezone.now()
    Commitment.objects.filter(pk=commitment.pk).update(current_deadline=new, updated_at=now)
    commitment.current_deadline, commitment.updated_at = new, now  # the caller's copy shows the change
    _obligations_follow_deadline(commitment=commitment, deadline=new)
    deadlines_changed.send(sender=Commitment, commitment_ids=[commitment.pk])
    return new


def _obligations_follow_deadline(*, commitment: Commitment, deadline: Deadline | None) -> None:
    """Copy the commitment's current due moment onto its obligations. The caller sends
    ``deadlines_changed``, once for all the commitments of its operation."""
    due_at = deadline.due_at if deadline else None
    commitment.obligations.exclude(due_at=due_at).update(due_at=due_at, updated_at=timezone.now())


def _deadline_save_resolved(commitment: Commitment, deadline: Deadline, user, reason: str) -> None:
    """Save a current deadline just resolved again (its due day and moment), with a
    historical row; the obligations follow. The caller sends deadlines_changed, once."""
    _track(deadline, user, reason).save(update_fields=["due_date", "due_at"])
    _obligations_follow_deadline(commitment=commitment, deadline=deadline)


def _deadlines_resolve_dependents(*, commitment: Commitment, user=None) -> None:
    """Re-resolve deadlines that hang on ``commitment``'s fulfilment."""
    moved = []
    for dependent in commitment_dependents(commitment):
        deadline = dependent.current_deadline
        # Both are at hand (the dependent with its agreement): resolve() reads them.
        deadline.commitment, deadline.after_commitment = dependent, commitment
        deadline.resolve()
        _deadline_save_resolved(
            dependent, deadline, user, f"{commitment.reference} fulfilled on {commitment.fulfilled_on}"
        )
        moved.append(dependent.pk)
    if moved:
        deadlines_changed.send(sender=Commitment, commitment_ids=moved)


# Status


@transaction.atomic
def status_update_record(
    *,
    commitment: Commitment,
    party=None,
    status: str,
    effective_on: date,
    summary: str,
    sources: Sequence[SourceInput],
    confidence: str = Confidence.MEDIUM,
    internal_note: str = "",
    reasons: Sequence = (),
    incidents: Sequence = (),
    user,
) -> list[StatusUpdate]:
    """Record an assessment for one bound party, or for every bound party when ``party``
    is None. Appends to the log; the current status follows from the whole log.

    A status of NON_FULFILMENT_STATUSES can give ``reasons`` (active NonFulfilmentReason
    rows) and cite ``incidents`` as evidence: each already linked to one of the obligations
    the update is for, and not retracted."""
    errors: dict = {}
    try:
        obligations = obligations_for(commitment=commitment, party=party)
    except ValidationError as exc:
        obligations = []
        add_errors(errors, exc)
    if not sources:
        errors["sources"] = ["Cite at least one source."]
    errors.update(
        evidence_errors(
            status=status, obligations=obligations, reasons=reasons, incidents=incidents, effective_on=effective_on
        )
    )
    updates = [
        StatusUpdate(
            obligation=obligation,
            status=status,
            effective_on=effective_on,
            summary=summary,
            confidence=confidence,
            internal_note=internal_note,
            recorded_by=user,
        )
        for obligation in obligations
    ]
    for update in updates[:1]:  # identical but for the obligation: one check is enough
        clean_into(errors, update)
    for index, source in enumerate(sources):
        clean_into(errors, StatusUpdateSource(**asdict(source)), exclude=["status_update"], prefix=f"sources[{index}].")
    raise_if(errors)

    # Lock the obligations (their rows only, in one order) so concurrent updates
    # recompute the status one after another.
    list(Obligation.objects.select_for_update(of=("self",)).filter(pk__in=[o.pk for o in obligations]).order_by("pk"))
    for update in updates:
        update.save()
        StatusUpdateSource.objects.bulk_create(
            StatusUpdateSource(status_update=update, **asdict(source)) for source in sources
        )
        if reasons:
            update.reasons.set(reasons)
        if incidents:
            update.incidents.set(incidents)
    reason = f"Status update: {Status(status).label} from {effective_on}"
    for obligation in obligations:
        obligation_refresh_status(obligation=obligation, user=user, reason=reason)
    commitment_refresh_status(commitment=commitment, user=user, reason=reason)
    status_recorded.send(sender=StatusUpdate, status_update_ids=[u.pk for u in updates])
    return updates


def evidence_errors(
    *, status: str, obligations, reasons: Sequence, incidents: Sequence, effective_on: date | None = None
) -> dict:
    """Why these reasons and incidents cannot go with this status update, keyed by field.
    An incident that happened after the update's effective date is no evidence for it: the
    status as of that day (as_of) would rest on what had not happened yet."""
    from .models import IncidentLink

    errors: dict = {}
    label = ", ".join(sorted(str(Status(s).label).lower() for s in NON_FULFILMENT_STATUSES))
    if (reasons or incidents) and status not in NON_FULFILMENT_STATUSES:
        field = "reasons" if reasons else "incidents"
        errors[field] = [f"Only a status of {label} gives reasons or cites incidents."]
        return errors
    inactive = [r.label for r in reasons if not r.active]
    if inactive:
        errors["reasons"] = [f"No longer on the list: {', '.join(inactive)}."]
    if len({r.pk for r in reasons}) != len(reasons):
        errors.setdefault("reasons", []).append("A reason is given twice.")
    if incidents:
        linked = set(
            IncidentLink.objects.filter(
                obligation__in=list(obligations), incident__in=list(incidents), state=LinkState.LINKED
            ).values_list("incident_id", flat=True)
        )
        for incident in incidents:
            if incident.verification == Verification.RETRACTED:
                errors.setdefault("incidents", []).append(f"Incident {incident.pk} was retracted: it is no evidence.")
            elif incident.pk not in linked:
                errors.setdefault("incidents", []).append(
                    f"Incident {incident.pk} is not linked to this commitment for this party: link it first."
                )
            elif effective_on is not None and incident.occurred_on > effective_on:
                errors.setdefault("incidents", []).append(
                    f"Incident {incident.pk} happened after the effective date ({incident.occurred_on} > "
                    f"{effective_on}): it cannot be evidence for it."
                )
        if len({i.pk for i in incidents}) != len(incidents):
            errors.setdefault("incidents", []).append("An incident is cited twice.")
    return errors


def obligation_refresh_status(*, obligation: Obligation, user=None, reason: str = "") -> None:
    """Set the obligation's status to that of its latest effective update."""
    latest = obligation.status_updates.order_by("-effective_on", "-recorded_at", "-id").first()
    status, effective_on = (latest.status, latest.effective_on) if latest else (Status.NOT_STARTED, None)
    if (obligation.status, obligation.status_effective_on) == (status, effective_on):
        return
    obligation.status, obligation.status_effective_on = status, effective_on
    _track(obligation, user, reason).save(update_fields=["status", "status_effective_on", "updated_at"])


def commitment_refresh_status(*, commitment: Commitment, user=None, reason: str = "") -> None:
    """Derive the commitment's status from its obligations (rules.rollup_status) and,
    when its fulfilment date changes, re-resolve deadlines chained to it."""
    rows = list(commitment.obligations.order_by().values_list("status", "status_effective_on"))
    status = rules.rollup_status(s for s, _ in rows)
    fulfilled_on = None
    if status == Status.FULFILLED:
        fulfilled_on = max(d for s, d in rows if s == Status.FULFILLED)
    if (commitment.status, commitment.fulfilled_on) == (status, fulfilled_on):
        return
    fulfilment_moved = commitment.fulfilled_on != fulfilled_on
    commitment.status, commitment.fulfilled_on = status, fulfilled_on
    _track(commitment, user, reason).save(update_fields=["status", "fulfilled_on", "updated_at"])
    if fulfilment_moved:
        _deadlines_resolve_dependents(commitment=commitment, user=user)
