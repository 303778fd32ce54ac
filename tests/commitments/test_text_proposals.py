"""Proposals from a statement's text (commitments.intake.text): the seed's five pledges, six
other real ceasefire texts with the expected proposals written beside each
(tests/fixtures/ceasefire_texts/*.json), the deadline phrases, and hostile input.

Each expected file lists what an analyst would record. Where the helper is known to
propose something else, the file says so ("known_misses", "extras", each with why): the
comparison then expects what the helper proposes today, and a strict xfail test per miss
checks the right answer, so every miss is reported in the summary and one that gets
fixed must be moved out of the list.
"""

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from commitments.choices import Category, Nature
from commitments.intake.deadline_phrases import DateReader, find_timing
from commitments.intake.text import MAX_TEXT_CHARS, PartyName, Proposal, propose_commitments

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "ceasefire_texts"
TEXTS = sorted(path.stem for path in FIXTURES.glob("*.json"))
REPO = Path(__file__).resolve().parents[2]

ARM = PartyName("ARM", "Republic of Armenia", "Armenia")
AZE = PartyName("AZE", "Republic of Azerbaijan", "Azerbaijan")
ICRC = PartyName("icrc", "International Committee of the Red Cross", "ICRC", ("Red Cross",), in_collective=False)


def load(name: str) -> tuple[dict, list[Proposal]]:
    spec = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    # The header (source, and what was checked against what) is not part of the text.
    lines = (FIXTURES / f"{name}.txt").read_text(encoding="utf-8").splitlines(keepends=True)
    text = "".join(line for line in lines if not line.startswith("#"))
    parties = [
        PartyName(
            p["code"], p["name"], p.get("short_name", ""), tuple(p.get("aliases", ())), p.get("in_collective", True)
        )
        for p in spec["parties"]
    ]
    proposals = propose_commitments(
        text, parties=parties, signed_on=date.fromisoformat(spec["signed_on"]), timezone=spec["timezone"]
    )
    return spec, proposals


def observed(proposal: Proposal) -> dict:
    """A proposal in the terms of the expected files."""
    deadline = None
    if proposal.deadline is not None:
        deadline = (
            {"due_on": proposal.deadline.due_on.isoformat()}
            if proposal.deadline.due_on
            else {"within_days": proposal.deadline.within_days}
        )
    return {
        "reference": proposal.reference,
        "category": proposal.category,
        "nature": proposal.nature,
        "bound": sorted(proposal.bound),
        "recipients": sorted(proposal.recipients),
        "deadline": deadline,
        "start": proposal.start.starts_at.isoformat() if proposal.start else None,
    }


FIELDS = ("category", "nature", "bound", "recipients", "deadline", "start")


# Section: the seed


def test_seed_gives_its_five_pledges():
    """The seed (a news report of the Geneva statement, 30 Oct 2020): the five pledges, the
    POW lists due within a week of signing (7 days) to the ICRC."""
    _, proposals = load("geneva_2020_seed")
    by_text = {p.reference: p for p in proposals}

    civilians = by_text["para 14"]
    assert civilians.text.startswith("The statement stated that the two sides agreed to “refrain from deliberately")
    assert civilians.title == "Refrain from deliberately targeting civilians or non-military targets"
    assert (civilians.category, civilians.nature, civilians.bound) == (
        Category.CIVILIAN_PROTECTION,
        Nature.ONGOING,
        ("ARM", "AZE"),
    )
    assert by_text["para 15"].category == Category.REMAINS_EXCHANGE

    pow_lists = by_text["para 16"]
    assert pow_lists.category == Category.PRISONERS
    assert pow_lists.nature == Nature.ONE_OFF
    assert pow_lists.bound == ("ARM", "AZE")
    assert pow_lists.recipients == ("icrc",)
    assert pow_lists.deadline.within_days == 7
    assert pow_lists.deadline.due_on is None
    assert pow_lists.deadline.phrase == "within a week"
    assert pow_lists.deadline.note == "1 week = 7 days"

    assert by_text["para 17"].category == Category.VERIFICATION
    implement = by_text["para 10"]
    assert implement.category == Category.CEASEFIRE
    assert implement.bound == ("ARM", "AZE")  # "the warring parties", not the mediators named before
    # Background paragraphs (the war of 1988-1994, the death toll) propose nothing.
    assert not any("1988-1994" in p.text or "Thousands of people" in p.text for p in proposals)


def test_seed_fixture_is_the_seed():
    """The fixture is a verbatim copy of the seed, so the test reads what analysts paste."""
    lines = (FIXTURES / "geneva_2020_seed.txt").read_text(encoding="utf-8").splitlines(keepends=True)
    copy = "".join(line for line in lines if not line.startswith("#"))
    assert copy.startswith("[ad_1]\nRussia said on Saturday")
    assert "submit lists of prisoners of war to the Red Cross within a week" in copy


# Section: real texts against the expected proposals written beside them


@pytest.mark.parametrize("name", TEXTS)
def test_proposals_match_what_is_written_beside_the_text(name):
    spec, proposals = load(name)
    misses = {(m["reference"], m["field"]): m["proposed"] for m in spec["known_misses"]}
    extras = {e["reference"] for e in spec["extras"]}
    got = [observed(p) for p in proposals]

    expected_references = [p["reference"] for p in spec["proposals"]]
    assert [g["reference"] for g in got if g["reference"] not in extras] == expected_references
    assert {g["reference"] for g in got} >= extras

    by_reference = {g["reference"]: g for g in got}
    for expected in spec["proposals"]:
        actual = by_reference[expected["reference"]]
        for field in FIELDS:
            want = misses.get((expected["reference"], field), expected[field])
            assert actual[field] == want, f"{name} {expected['reference']} {field}"


KNOWN_MISSES = [
    pytest.param(name, miss, id=f"{name}-{miss['reference']}-{miss['field']}")
    for name in TEXTS
    for miss in json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))["known_misses"]
]
EXTRAS = [
    pytest.param(name, extra, id=f"{name}-{extra['reference']}")
    for name in TEXTS
    for extra in json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))["extras"]
]


@pytest.mark.parametrize(("name", "miss"), KNOWN_MISSES)
def test_known_miss(name, miss, request):
    request.applymarker(pytest.mark.xfail(strict=True, reason=f"known miss: {miss['why']}"))
    spec, proposals = load(name)
    right = next(p for p in spec["proposals"] if p["reference"] == miss["reference"])[miss["field"]]
    actual = next(observed(p) for p in proposals if p.reference == miss["reference"])
    assert actual[miss["field"]] == right


@pytest.mark.parametrize(("name", "extra"), EXTRAS)
def test_known_extra_proposal(name, extra, request):
    request.applymarker(pytest.mark.xfail(strict=True, reason=f"proposed, to be dropped: {extra['why']}"))
    _, proposals = load(name)
    assert extra["reference"] not in {p.reference for p in proposals}


@pytest.mark.parametrize("name", TEXTS)
def test_every_proposal_fits_the_commitments_form(name):
    """What the form will receive: within the model's limits and consistent with its rules."""
    _, proposals = load(name)
    assert proposals
    for p in proposals:
        assert 0 < len(p.title) <= 200
        assert 0 < len(p.reference) <= 50
        assert p.text.strip()
        assert p.category in Category.values
        assert p.nature in Nature.values
        assert bool(p.condition) == (p.nature == Nature.CONDITIONAL)
        if p.nature == Nature.ONE_OFF:
            assert p.deadline is not None
        if p.deadline is not None:
            assert (p.deadline.due_on is None) != (p.deadline.within_days is None)
            assert p.deadline.within_days is None or p.deadline.within_days >= 1
        assert not set(p.bound) & set(p.recipients)


# Section: deadline phrases

SIGNED = date(2020, 10, 30)


def timing(words: str, signed_on: date = SIGNED):
    return find_timing(words, dates=DateReader(signed_on), venue_zone=ZoneInfo("Europe/Zurich"))


@pytest.mark.parametrize(
    ("words", "days", "note"),
    [
        ("submit the lists within a week", 7, "1 week = 7 days"),
        ("within seven days", 7, ""),
        ("within 7 days", 7, ""),
        ("within 72 hours", 3, "72 hours = 3 days"),
        ("within seventy-two hours", 3, "72 hours = 3 days"),
        ("within 36 hours", 2, "36 hours rounded up to 2 days"),
        ("within two weeks", 14, "2 weeks = 14 days"),
        ("within one month", 31, "1 month from 30 Oct 2020 = 31 days"),
        ("within the next three years", 1095, "3 years from 30 Oct 2020 = 1095 days"),
        ("no later than 30 days after the date of signing of this document", 30, ""),
        ("within fourteen (14) days", 14, ""),
    ],
)
def test_within_phrases_are_days_from_signing(words, days, note):
    found = timing(words)
    assert [(d.within_days, d.due_on, d.note) for d in found.deadlines] == [(days, None, note)]


@pytest.mark.parametrize(
    ("words", "due_on", "warning"),
    [
        ("no later than 15 November", date(2020, 11, 15), "year assumed 2020 from the signing date"),
        ("by 15 November 2020", date(2020, 11, 15), None),
        ("not later than 1 December", date(2020, 12, 1), "year assumed 2020 from the signing date"),
        ("no later than 10 October", date(2021, 10, 10), "year assumed 2021"),
        ("by November 20, 2020", date(2020, 11, 20), None),
        ("by the 5th of December", date(2020, 12, 5), "year assumed 2020 from the signing date"),
        ("by the end of the month", date(2020, 10, 31), None),
        ("by the end of this year", date(2020, 12, 31), None),
        ("by the end of November", date(2020, 11, 30), "year assumed 2020 from the signing date"),
        ("by the end of February 2021", date(2021, 2, 28), None),
    ],
)
def test_date_phrases_are_due_dates(words, due_on, warning):
    found = timing(words)
    assert [(d.due_on, d.within_days) for d in found.deadlines] == [(due_on, None)]
    if warning is None:
        assert not found.warnings
    else:
        assert any(w.startswith(warning) for w in found.warnings), found.warnings


def test_before_a_date_is_due_the_day_before():
    found = timing("shall be returned before November 20, 2020")
    assert found.deadlines[0].due_on == date(2020, 11, 19)
    assert found.deadlines[0].note == "'before November 20, 2020': due by the end of 19 Nov 2020"


@pytest.mark.parametrize(
    ("words", "starts_at"),
    [
        ("ceasefire from 00:00 on 10 October", "2020-10-10T00:00:00+02:00"),
        ("effective as of midnight, Moscow time, on November 10, 2020", "2020-11-10T00:00:00+03:00"),
        ("from 12:00 hours on 10 October 2020", "2020-10-10T12:00:00+02:00"),
        ("from 15 February 2015 at 00.00 hours Kiev time", "2015-02-15T00:00:00+02:00"),
    ],
)
def test_a_start_is_a_note_not_a_deadline(words, starts_at):
    found = timing(words)
    assert found.deadlines == ()
    assert found.start.starts_at.isoformat() == starts_at
    assert found.start.note.endswith("not a deadline")


def test_29_february_in_a_year_without_it_is_a_warning_not_an_error():
    found = timing("no later than 29 February", signed_on=date(2021, 3, 1))
    assert found.deadlines == ()
    assert found.warnings == ("could not read the date '29 February' in 2021 or 2022",)
    leap = timing("by 29 February", signed_on=date(2023, 3, 1))
    assert leap.deadlines[0].due_on == date(2024, 2, 29)
    assert leap.warnings == ("year assumed 2024: 29 February 2023 does not exist",)


def test_dates_past_the_reader_limit_are_left_unread_and_said_so():
    class SmallReader(DateReader):
        MAX_DATES = 2

    reader = SmallReader(SIGNED)
    assert reader.read("1 November")[0] == date(2020, 11, 1)
    assert reader.read("2 November")[0] == date(2020, 11, 2)
    assert reader.read("1 November")[0] == date(2020, 11, 1)  # already read
    assert reader.read("3 November") == (None, "more than 2 dates in one text: '3 November' was not read")


def test_immediately_gives_a_note_and_no_deadline():
    found = timing("The parties shall cease fire immediately.")
    assert found.deadlines == ()
    assert found.immediate.startswith("'immediately': no deadline")


def test_two_deadlines_in_one_point_propose_the_first_and_say_so():
    [proposal] = propose_commitments(
        "6. The Republic of Armenia shall return the Kalbajar District to the Republic of Azerbaijan by "
        "15 November 2020, and the Lachin District by 1 December 2020.",
        parties=[ARM, AZE],
        signed_on=date(2020, 11, 10),
        timezone="Europe/Moscow",
    )
    assert proposal.deadline.due_on == date(2020, 11, 15)
    assert any("2 deadlines in one point" in w and "1 December 2020" in w for w in proposal.warnings)


# Section: splitting, parties, categories


def test_abbreviations_do_not_split_sentences_and_each_commitment_sentence_is_proposed():
    text = (
        "The U.S. delegation said on 10 Oct. 2020 that Armenia shall release detainee No. 5 within 3 days. "
        "Azerbaijan will hand over the bodies to the ICRC. The talks were held in Geneva."
    )
    proposals = propose_commitments(text, parties=[ARM, AZE, ICRC], signed_on=SIGNED, timezone="Europe/Zurich")
    assert [p.reference for p in proposals] == ["para 1 sentence 1", "para 1 sentence 2"]
    first, second = proposals
    assert first.text.endswith("detainee No. 5 within 3 days.")
    assert (first.bound, first.category, first.deadline.within_days) == (("ARM",), Category.PRISONERS, 3)
    assert (second.bound, second.recipients, second.category) == (("AZE",), ("icrc",), Category.REMAINS_EXCHANGE)


def test_list_markers_give_references():
    text = (
        "The sides agreed as follows:\n"
        "(a) The Armenian side shall hand over the lists to the Azerbaijani side within 72 hours.\n"
        "b) The Azerbaijani side shall refrain from shelling civilian areas.\n"
        "iii. Both sides will exchange remains of the dead by the end of the month.\n"
        "• The parties shall allow humanitarian aid through.\n"
    )
    proposals = propose_commitments(text, parties=[ARM, AZE], signed_on=SIGNED, timezone="Europe/Zurich")
    assert [p.reference for p in proposals] == ["(a)", "b)", "iii.", "para 5"]
    lists, shelling, remains, aid = proposals
    assert (lists.bound, lists.recipients, lists.deadline.within_days) == (("ARM",), ("AZE",), 3)
    assert lists.deadline.note == "72 hours = 3 days"
    assert (shelling.bound, shelling.category, shelling.nature) == (
        ("AZE",),
        Category.CIVILIAN_PROTECTION,
        Nature.ONGOING,
    )
    assert (remains.bound, remains.deadline.due_on) == (("ARM", "AZE"), date(2020, 10, 31))
    assert aid.category == Category.HUMANITARIAN_ACCESS


def test_sub_points_are_numbered_under_their_point():
    text = (
        "2. The Parties commit to the following:\n"
        "a. Refrain from attacks on civilians.\n"
        "b. Submit lists of detainees within seven days.\n"
    )
    proposals = propose_commitments(text, parties=[ARM, AZE], signed_on=SIGNED, timezone="Europe/Zurich")
    assert [p.reference for p in proposals] == ["2.", "2(a)", "2(b)"]
    assert proposals[2].deadline.within_days == 7


def test_a_conditional_commitment_keeps_its_trigger():
    [proposal] = propose_commitments(
        "Russia will provide Armenia with all necessary assistance if there are direct clashes on the "
        "territory of Armenia.",
        parties=[ARM, AZE, PartyName("RUS", "Russian Federation", "Russia", in_collective=False)],
        signed_on=date(2020, 10, 31),
        timezone="Europe/Moscow",
    )
    assert proposal.nature == Nature.CONDITIONAL
    assert proposal.condition == "there are direct clashes on the territory of Armenia"
    assert (proposal.bound, proposal.recipients) == (("RUS",), ("ARM",))

    [first_word] = propose_commitments(
        "In the event of a violation, the parties shall meet within 24 hours.",
        parties=[ARM, AZE],
        signed_on=SIGNED,
        timezone="UTC",
    )
    assert (first_word.nature, first_word.condition) == (Nature.CONDITIONAL, "a violation")
    assert first_word.deadline.within_days == 1  # the deadline stays, for the analyst to keep or drop


def test_names_are_matched_as_written():
    """ "US" is the United States, "us" is not; a capital stands for its state."""
    usa = PartyName("USA", "United States of America", "United States", ("US",), in_collective=False)
    [proposal] = propose_commitments(
        "Let us be clear: Yerevan will submit the lists.",
        parties=[ARM, usa],
        signed_on=SIGNED,
        timezone="Europe/Zurich",
    )
    assert proposal.bound == ("ARM",)


# Section: hostile input


def test_empty_and_blank_text_propose_nothing():
    for text in ("", "   \n\n\t", "\x00\x01\x02"):
        assert propose_commitments(text, parties=[ARM], signed_on=SIGNED, timezone="UTC") == []


def test_text_over_the_limit_is_refused_with_the_limit_named():
    with pytest.raises(ValueError, match=r"^text: at most 100,000 characters") as caught:
        propose_commitments("x" * 1_000_000, parties=[ARM], signed_on=SIGNED, timezone="UTC")
    assert "1,000,000" in str(caught.value)
    # At the limit it is read.
    assert isinstance(propose_commitments("x" * MAX_TEXT_CHARS, parties=[], signed_on=SIGNED, timezone="UTC"), list)


def test_an_unknown_time_zone_is_refused_by_name():
    with pytest.raises(ValueError, match=r"^timezone: 'Mars/Olympus'"):
        propose_commitments("1. The parties shall cease fire.", parties=[], signed_on=SIGNED, timezone="Mars/Olympus")


def test_control_characters_and_no_parties():
    text = (
        "1. The\x00 parties\x1b shall\u200b submit lists\x7f within a week.\r\n"
        "2. Ceasefire\x0c from 00:00 on 1 November."
    )
    proposals = propose_commitments(text, parties=[], signed_on=SIGNED, timezone="Europe/Zurich")
    assert [p.reference for p in proposals] == ["1.", "2."]
    assert not any(ch in p.text for p in proposals for ch in "\x00\x1b\x7f\x0c\u200b")
    assert proposals[0].deadline.within_days == 7
    assert all("no party found" in p.warnings for p in proposals)


def test_the_largest_text_of_repeated_deadline_phrases_gives_an_answer():
    """Many points, each with a deadline, party names and a date at the limit: an answer,
    not an exception (the regular expressions stay linear; dates are parsed once each)."""
    point = "1. The Armenian side shall, no later than 15 November and within 72 hours, submit No. 5 to the ICRC.\n"
    text = (point * (MAX_TEXT_CHARS // len(point)))[:MAX_TEXT_CHARS]
    proposals = propose_commitments(text, parties=[ARM, AZE, ICRC], signed_on=SIGNED, timezone="Europe/Zurich")
    assert len(proposals) == MAX_TEXT_CHARS // len(point)
    assert proposals[0].deadline.due_on == date(2020, 11, 15)


MONTHS = ("January", "March", "May", "July", "September", "November")


@pytest.mark.parametrize(
    "text",
    [
        "(" * 20_000,
        "x. " * 33_000,
        "Mr. " * 25_000,
        "1. " * 30_000,
        "• " * 50_000,
        "by " * 33_000,
        "within " * 14_000,
        "the parties " * 8_000,
        "\n" * MAX_TEXT_CHARS,
        "Armenia " * 12_000,
        "1. Armenia shall act " + "by 1 May, within 3 days, from 00:00 on 2 May, " * 2_000,
        "1. Armenia shall act by " + " ".join(f"{d} {m} 20{y:02}," for y in range(30) for m in MONTHS for d in (1, 15)),
    ],
    ids=[
        "parens",
        "x-dot",
        "mr-dot",
        "numbers",
        "bullets",
        "by",
        "within",
        "parties",
        "newlines",
        "names",
        "one-point-of-many-phrases",
        "distinct-dates",
    ],
)
def test_pathological_text_gives_an_answer(text):
    assert isinstance(propose_commitments(text, parties=[ARM, AZE], signed_on=SIGNED, timezone="UTC"), list)


def test_capitals_after_a_name_do_not_backtrack():
    """After a party's name the helper looks for a role ("US and French mediators"); a run of
    capitals there once made that look-up backtrack without end."""
    usa = PartyName("USA", "United States of America", "United States", ("US",), in_collective=False)
    text = "The US " + "A" * 5_000 + " shall submit lists. The US " + "B.C-" * 20 + " mediators will meet."
    proposals = propose_commitments(text, parties=[usa], signed_on=SIGNED, timezone="UTC")
    assert [p.bound for p in proposals] == [("USA",), ()]


def test_the_module_needs_no_database_or_django_setup():
    """The helper is pure: importing and running it loads no model and needs no settings."""
    script = (
        "import sys\n"
        "from datetime import date\n"
        "from commitments.intake.text import propose_commitments, PartyName\n"
        "p = propose_commitments('1. Armenia shall submit lists within a week.', "
        "parties=[PartyName('ARM', 'Republic of Armenia', 'Armenia')], signed_on=date(2020, 10, 30), "
        "timezone='UTC')\n"
        "assert p[0].deadline.within_days == 7, p\n"
        "assert not [m for m in sys.modules if m.endswith('.models') and m.split('.')[0] in "
        "('commitments', 'parties', 'tracker')]\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    result = subprocess.run([sys.executable, "-c", script], cwd=REPO, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
