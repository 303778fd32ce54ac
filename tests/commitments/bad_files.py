"""The bad files of issue 12, each with where its problem must be named: shared by the
command's tests and the API's (the same file, the same row and field, nothing written)."""

import json

from tests.commitments.documents_helpers import document


def _doc(change) -> bytes:
    doc = document()
    change(doc)
    return json.dumps(doc).encode()


CSV_HEADER = "reference,title,text,category,nature,parties,deadline_date,deadline_days,deadline_after\n"

# name -> (file name, bytes, row, field)
BAD_FILES = {
    "wrong JSON": ("a.json", b'{"schema_version": 1, "agreement": {', "document", "json"),
    "unknown party code": (
        "a.json",
        _doc(lambda d: d["commitments"][1].update(parties=["ARM", "XKX"])),
        "commitments[1]",
        "parties[1]",
    ),
    "chained deadline cycle": (
        "a.json",
        _doc(lambda d: d["commitments"][0].update(deadline={"days": 3, "after": "2"})),
        "commitments[0]",
        "deadline.after",
    ),
    "deadline beyond the limits": (
        "a.json",
        _doc(lambda d: d["commitments"][2].update(deadline={"date": "2035-01-01"})),
        "commitments[2]",
        "deadline.date",
    ),
    "CSV missing column": (
        "c.csv",
        b"reference,title,text,category,parties\n1,T,Text,prisoners,ARM\n",
        "line 1",
        "nature",
    ),
    "CSV stray BOM": (
        "c.csv",
        (
            CSV_HEADER + "1,Lists,Hand over lists.,prisoners,one_off,ARM AZE,,7,\n"
            "2,Exchange,\ufeffExchange them.,prisoners,one_off,ARM AZE,,14,1\n"
        ).encode("utf-8-sig"),
        "line 3",
        "text",
    ),
    "CSV unknown party code": (
        "c.csv",
        (CSV_HEADER + "1,Lists,Hand over lists.,prisoners,one_off,ARM XKX,,7,\n").encode(),
        "line 2",
        "parties",
    ),
    "CSV cycle": (
        "c.csv",
        (
            CSV_HEADER
            + "1,Lists,Hand over lists.,prisoners,one_off,ARM,,7,2\n2,Exchange,Exchange.,prisoners,one_off,ARM,,7,1\n"
        ).encode(),
        "line 2",
        "deadline_after",
    ),
    "CSV deadline beyond the limits": (
        "c.csv",
        (CSV_HEADER + "1,Lists,Hand over lists.,prisoners,one_off,ARM,,4000,\n").encode(),
        "line 2",
        "deadline_days",
    ),
}
