"""What an import answers: the problems found (each with where and why) and a preview."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a document or CSV, named where a person can find it.

    ``row``: "commitments[3]", "parties[0]", "agreement", "document" (the whole file), or
    for a CSV "line 4". ``field``: the field or column ("deadline.days", "reference",
    "json", "header"). ``message``: why, and what is accepted."""

    row: str
    field: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "field": self.field, "message": self.message}

    def __str__(self) -> str:
        return f"{self.row} {self.field}: {self.message}" if self.field else f"{self.row}: {self.message}"


@dataclass
class ImportResult:
    ok: bool
    dry_run: bool
    agreement: object | None = None  # the stored Agreement after a real import
    preview: dict = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def as_dict(self) -> dict:
        """The API's body."""
        return {
            "ok": self.ok,
            "dry_run": self.dry_run,
            "agreement": self.agreement.pk if self.agreement is not None else None,
            "preview": self.preview,
            "errors": [p.as_dict() for p in self.problems],
        }


def path_name(parts) -> str:
    """["deadline", "days"] -> "deadline.days"; ["parties", 0] -> "parties[0]"."""
    name = ""
    for part in parts:
        if isinstance(part, int):
            name += f"[{part}]"
        else:
            name += f".{part}" if name else str(part)
    return name


def split_key(key: str) -> tuple[str, str]:
    """A service's error key "commitments[3].deadline.days" -> ("commitments[3]", "deadline.days")."""
    head, _, rest = key.partition(".")
    return head, rest
