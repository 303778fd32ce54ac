"""import_agreement: one JSON document -> parties, agreement, commitments, deadline
revisions and status updates, through the services, all or nothing.

A dry run is the real import inside a transaction that is rolled back: the preview shows
the due moments the services computed, so preview and import cannot disagree. Every
failure is a Problem naming the row and field of the document; nothing is written."""

import uuid

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from parties.models import Party
from parties.services import party_create
from parties.validators import normalise_party_code

from .. import rules, selectors, services
from ..choices import Confidence
from ..models import Agreement
from .preview import document_preview, stored_preview
from .problems import ImportResult, Problem, split_key
from .reading import Unreadable, parse_date, parse_json, schema_problems

# Service field names -> the document's, per place.
AGREEMENT_FIELDS = {"signed_on": "date", "__all__": "title", "timezone_name": "timezone"}
CHILD_FIELDS = {"related_agreement": "agreement", "__all__": ""}
REVISION_FIELDS = {
    **services.DEADLINE_FIELD_NAMES,
    "source_url": "source.url",
    "source_publisher": "source.publisher",
    "source_published_on": "source.published_on",
    "__all__": "deadline",
}
STATUS_FIELDS = {"effective_on": "effective_date", "__all__": ""}


class _Rollback(Exception):
    """Leaves the import's transaction, undoing it (a dry run, or problems)."""


def _messages(exc: ValidationError) -> dict[str, list[str]]:
    return exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}


class _Import:
    def __init__(self, document: dict, *, user, publish: bool):
        self.doc = document
        self.user = user
        self.publish = publish
        self.problems: list[Problem] = []
        self.parties: dict[str, Party] = {}  # code as the document writes it -> party
        self.party_rows: list[dict] = []
        self.agreement: Agreement | None = None
        self.commitments: dict = {}  # reference -> Commitment

    def problem(self, row: str, field: str, message: str) -> None:
        self.problems.append(Problem(row, field, message))

    def date(self, value, row: str, field: str):
        if value is None:
            return None
        day = parse_date(value)
        if day is None:
            self.problem(row, field, f"'{value}' is not a day of the calendar: give YYYY-MM-DD.")
        return day

    # Parties

    def resolve_parties(self) -> None:
        seen = set()
        for i, spec in enumerate(self.doc.get("parties", [])):
            row = f"parties[{i}]"
            code = normalise_party_code(spec["kind"], spec["code"])
            if code in seen:
                self.problem(row, "code", f"The party '{code}' is defined twice in the document.")
                continue
            seen.add(code)
            party = Party.objects.filter(code=code).first()
            if party is not None:
                entry = {"code": party.code, "name": party.name, "new": False}
                if spec["name"] != party.name:
                    entry["note"] = (
                        f"Matched by code; the stored name '{party.name}' is kept (the document says '{spec['name']}')."
                    )
                self.party_rows.append(entry)
            else:
                try:
                    party = party_create(
                        code=code,
                        name=spec["name"],
                        kind=spec["kind"],
                        short_name=spec.get("short_name", ""),
                        aliases=spec.get("aliases", []),
                        description=spec.get("description", ""),
                        user=self.user,
                    )
                except ValidationError as exc:
                    for key, messages in _messages(exc).items():
                        self.problem(row, "" if key == "__all__" else key, " ".join(messages))
                    continue
                self.party_rows.append({"code": party.code, "name": party.name, "new": True})
            self.parties[spec["code"]] = self.parties[code] = party
        # Codes the document uses without defining them must name stored parties.
        used = {p["party"] for p in self.doc.get("participants", [])}
        for item in self.doc["commitments"]:
            used.update(item["parties"], item.get("recipients", []))
            used.update(u["party"] for u in item.get("status_updates", []) if "party" in u)
        missing = used - set(self.parties)
        for party in Party.objects.filter(code__in=missing):
            self.parties[party.code] = party
            self.party_rows.append({"code": party.code, "name": party.name, "new": False})

    def party(self, code: str, row: str, field: str) -> Party | None:
        party = self.parties.get(code)
        if party is None:
            self.problem(
                row,
                field,
                f"No party has the code '{code}', and the document's \"parties\" does not define it: "
                "add it there (code, name, kind) or create it first.",
            )
        return party

    # Agreement

    def create_agreement(self) -> None:
        spec = self.doc["agreement"]
        participants = []
        for i, p in enumerate(self.doc.get("participants", [])):
            party = self.party(p["party"], f"participants[{i}]", "party")
            if party is not None:
                participants.append((party, p["role"]))
        sources = [self.source(s, f"sources[{i}]") for i, s in enumerate(self.doc.get("sources", []))]
        relations = []
        for i, r in enumerate(self.doc.get("relations", [])):
            row = f"relations[{i}]"
            day = self.date(r["agreement"]["date"], row, "agreement.date")
            related = Agreement.objects.filter(title=r["agreement"]["title"], signed_on=day).first() if day else None
            if related is None and day is not None:
                self.problem(
                    row,
                    "agreement",
                    f"No agreement '{r['agreement']['title']}' of {day:%d %b %Y} in the tracker: "
                    "import or create it first (a relation points to an agreement that exists).",
                )
            elif related is not None:
                relations.append((related, r["kind"]))
        signed_on = self.date(spec["date"], "agreement", "date")
        if signed_on is None:
            return
        # With problems already found the import is rolled back at the end anyway; going
        # on finds the document's other problems in the same run.
        try:
            self.agreement = services.agreement_create(
                title=spec["title"],
                kind=spec["kind"],
                signed_on=signed_on,
                venue=spec.get("venue", ""),
                timezone_name=spec.get("timezone", "UTC"),
                summary=spec.get("summary", ""),
                published=self.publish,
                participants=participants,
                sources=sources,
                relations=relations,
                user=self.user,
            )
        except ValidationError as exc:
            for key, messages in _messages(exc).items():
                if "[" in key:  # participants[0].party, sources[1].url, relations[0].related_agreement
                    row, field = split_key(key)
                    self.problem(row, CHILD_FIELDS.get(field, field), " ".join(messages))
                else:
                    self.problem("agreement", AGREEMENT_FIELDS.get(key, key), " ".join(messages))

    def stand_in(self) -> Agreement | None:
        """When the agreement itself has problems: an agreement as near to it as the rules
        allow, never kept (the import has problems, so it is rolled back), to check the
        commitments against. None when its date is unusable (deadlines count from it)."""
        spec = self.doc["agreement"]
        signed_on = parse_date(spec["date"])
        if signed_on is None or any(p.row == "agreement" and p.field == "date" for p in self.problems):
            return None
        zone = spec.get("timezone", "UTC")
        return Agreement.objects.create(
            title=f"{uuid.uuid4()} (import check)",
            kind=spec["kind"],
            signed_on=signed_on,
            timezone=zone if zone in rules.iana_zones() else "UTC",
        )

    def source(self, spec: dict, row: str, prefix: str = "") -> services.SourceInput:
        return services.SourceInput(
            publisher=spec.get("publisher", ""),
            published_on=self.date(spec.get("published_on"), row, f"{prefix}published_on"),
            url=spec.get("url", ""),
            title=spec.get("title", ""),
            language=spec.get("language", ""),
        )

    # Commitments

    def deadline(self, spec: dict | None, row: str, field: str) -> services.DeadlineInput | None:
        if spec is None:
            return None
        if "date" in spec:
            return services.DeadlineInput(due_on=self.date(spec["date"], row, f"{field}.date"))
        return services.DeadlineInput(within_days=spec["days"], after_reference=spec.get("after", ""))

    def create_commitments(self) -> None:
        rows, party_problems = [], set()
        for i, item in enumerate(self.doc["commitments"]):
            row = f"commitments[{i}]"
            before = len(self.problems)
            parties = [self.party(c, row, f"parties[{j}]") for j, c in enumerate(item["parties"])]
            recipients = [self.party(c, row, f"recipients[{j}]") for j, c in enumerate(item.get("recipients", []))]
            if len(self.problems) > before:
                party_problems.add(row)
            rows.append(
                services.CommitmentInput(
                    reference=item["reference"],
                    title=item["title"],
                    text=item["text"],
                    category=item["category"],
                    nature=item["nature"],
                    condition=item.get("condition", ""),
                    parties=[p for p in parties if p is not None],
                    recipients=[p for p in recipients if p is not None],
                    deadline=self.deadline(item.get("deadline"), row, "deadline"),
                    deadline_note=item.get("deadline_note", ""),
                )
            )
        try:
            created = services.commitments_create_many(agreement=self.agreement, rows=rows, user=self.user)
        except ValidationError as exc:
            self.add_row_errors(exc, skip_parties=party_problems)
            return
        self.commitments = {c.reference: c for c in created}

    def add_row_errors(self, exc: ValidationError, skip_parties: set) -> None:
        for key, messages in _messages(exc).items():
            row, field = split_key(key)
            if row in skip_parties and field == "parties":
                continue  # already said: an unknown code
            self.problem(row, field, " ".join(messages))

    def revise_deadlines(self) -> None:
        for i, item in enumerate(self.doc["commitments"]):
            commitment = self.commitments[item["reference"]]
            for j, revision in enumerate(item.get("deadline_revisions", [])):
                row, prefix = f"commitments[{i}]", f"deadline_revisions[{j}]."
                spec = self.deadline(revision["deadline"], row, f"{prefix}deadline")
                after = revision["deadline"].get("after")
                if after:
                    target = self.commitments.get(after) or self.agreement.commitments.filter(reference=after).first()
                    if target is None:
                        self.problem(row, f"{prefix}deadline.after", f"No commitment '{after}' in this agreement.")
                        continue
                    spec = services.DeadlineInput(within_days=spec.within_days, after_commitment=target)
                source = revision["source"]
                try:
                    services.deadline_set(
                        commitment=commitment,
                        deadline=spec,
                        reason=revision["reason"],
                        source=self.source(source, row, f"{prefix}source."),
                        user=self.user,
                    )
                except ValidationError as exc:
                    for key, messages in _messages(exc).items():
                        self.problem(row, prefix + REVISION_FIELDS.get(key, key), " ".join(messages))

    def record_status_updates(self) -> int:
        count = 0
        for i, item in enumerate(self.doc["commitments"]):
            commitment = self.commitments[item["reference"]]
            for j, update in enumerate(item.get("status_updates", [])):
                row, prefix = f"commitments[{i}]", f"status_updates[{j}]."
                count += 1
                if self.user is None:
                    self.problem(
                        row, prefix.rstrip("."), "Status updates are recorded with the importing user: name one."
                    )
                    continue
                party = None
                if "party" in update:
                    party = self.party(update["party"], row, f"{prefix}party")
                    if party is None:
                        continue
                sources = [self.source(s, row, f"{prefix}sources[{k}].") for k, s in enumerate(update["sources"])]
                effective_on = self.date(update["effective_date"], row, f"{prefix}effective_date")
                if effective_on is None or any(s.published_on is None for s in sources):
                    continue
                try:
                    reasons, _ = selectors.evidence_from_input(reason_codes=update.get("reasons", []), incident_ids=[])
                    services.status_update_record(
                        commitment=commitment,
                        party=party,
                        status=update["status"],
                        effective_on=effective_on,
                        summary=update["summary"],
                        sources=sources,
                        confidence=update.get("confidence", Confidence.MEDIUM),
                        internal_note=update.get("internal_note", ""),
                        reasons=reasons,
                        user=self.user,
                    )
                except ValidationError as exc:
                    for key, messages in _messages(exc).items():
                        field = STATUS_FIELDS.get(key, key)
                        self.problem(row, (prefix + field).rstrip("."), " ".join(messages))
        return count

    def run(self) -> dict:
        self.resolve_parties()
        self.create_agreement()
        if self.agreement is None:
            self.agreement = self.stand_in()
            if self.agreement is None:
                return document_preview(self.doc, self.party_rows)
            # The commitments are still checked, against the stand-in, and their problems
            # reported with the agreement's; this transaction is rolled back anyway.
            self.create_commitments()
            self.agreement = None
            return document_preview(self.doc, self.party_rows)
        self.create_commitments()
        if not self.commitments:
            return document_preview(self.doc, self.party_rows)
        self.revise_deadlines()
        count = self.record_status_updates()
        references = [item["reference"] for item in self.doc["commitments"]]
        self.agreement.refresh_from_db()
        return stored_preview(self.agreement, references, self.party_rows, count)


def import_agreement(
    document: bytes | str | dict, *, user, dry_run: bool = False, publish: bool = False
) -> ImportResult:
    """Import one agreement document (see docs/intake.md), all or nothing."""
    try:
        data = parse_json(document)
    except Unreadable as exc:
        # The preview keeps its shape (no agreement, no rows), for pages that show it.
        return ImportResult(ok=False, dry_run=dry_run, preview=document_preview(None), problems=[exc.problem])
    problems = schema_problems(data)
    if problems:
        return ImportResult(ok=False, dry_run=dry_run, preview=document_preview(data), problems=problems)
    job = _Import(data, user=user, publish=publish)
    preview: dict = {}
    try:
        with transaction.atomic():
            preview = job.run()
            if job.problems or dry_run:
                raise _Rollback
    except _Rollback:
        pass
    except DatabaseError as exc:  # a concurrent write (the same title and date, a party code)
        job.problem("document", "", f"The database refused the import ({exc.__class__.__name__}); nothing was stored.")
        preview = document_preview(data)
    ok = not job.problems
    return ImportResult(
        ok=ok,
        dry_run=dry_run,
        agreement=job.agreement if ok and not dry_run else None,
        preview=preview,
        problems=job.problems,
    )
