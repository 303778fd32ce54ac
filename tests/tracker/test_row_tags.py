# ruff: noqa: E501 (the template loops are quoted verbatim, one line per row cell)
"""The dashboard's and the inbox's rows, built by template tags (tracker_ui.alert_rows,
obligation_rows) for speed, say what the template loops they replaced said: each tag is
compared, whitespace aside, with that loop, over rows in every state (in memory: no
database needed)."""

import re
from datetime import UTC, date, datetime, timedelta

from django.contrib.auth.models import User
from django.template import Context, Template
from django.utils import timezone

from commitments.incident_types import EventType
from commitments.models import Agreement, Commitment, Incident, IncidentLink, Obligation
from parties.models import Party
from tracker.choices import ResolvedReason
from tracker.models import Alert
from tracker.templatetags.tracker_ui import alert_rows, obligation_rows

# The loops as they were in tracker/_alert_table.html and tracker/_obligations.html.
ALERT_LOOP = Template(
    """{% load tracker_ui %}{% for a in rows %}<tr>
    {% if ack_form %}<td data-label="Select">{% if a.acknowledgeable %}<input type="checkbox" name="alert" value="{{ a.pk }}" id="alert-{{ a.pk }}" aria-label="Select: {{ a.get_kind_display }}, {{ a.obligation.commitment.title }}, {{ a.party.code }}">{% endif %}</td>{% endif %}
    <td data-label="Kind"><span class="badge{% if a.kind == 'overdue' %} overdue{% endif %}">{{ a.get_kind_display }}</span></td>
    <td data-label="Commitment"><a href="{% url 'commitments:detail' a.obligation.commitment_id %}">{{ a.obligation.commitment.title }}</a>{% if a.incident_link_id %}{% with incident=a.incident_link.incident %}<br><span class="alert-incident">Incident: <a href="{{ incident.pk|incident_path }}">{{ incident }}</a>{% if not incident.published %} <span class="badge">Draft</span>{% endif %}</span>{% endwith %}{% endif %}</td>
    <td data-label="Party">{{ a.party.code }}</td>
    <td data-label="Due">{{ a.due_text }}</td>
    <td data-label="Raised">{{ a.raised_at|date:"j M Y H:i" }} UTC</td>
    <td data-label="State">{% if a.resolved %}Resolved {{ a.resolved_at|date:"j M Y H:i" }} UTC: {{ a.get_resolved_reason_display }}{% if a.acknowledged %}; {% endif %}{% endif %}{% if a.acknowledged %}Acknowledged{% if show_names %} by {{ a.acknowledged_by.get_full_name|default:a.acknowledged_by.get_username }}{% endif %}, {{ a.acknowledged_at|date:"j M Y H:i" }} UTC{% elif not a.resolved %}Unacknowledged{% endif %}</td>
    {% if ack_form %}<td>{% if a.acknowledgeable %}<button type="submit" name="only" value="{{ a.pk }}">Acknowledge<span class="visually-hidden"> alert: {{ a.get_kind_display }}, {{ a.obligation.commitment.title }}, {{ a.party.code }}</span></button>{% endif %}</td>{% endif %}
  </tr>{% empty %}<tr><td colspan="{% if ack_form %}8{% else %}6{% endif %}">None.</td></tr>{% endfor %}"""
)
OBLIGATION_LOOP = Template(
    """{% load tracker_ui %}{% for o in rows %}<tr><td data-label="Commitment"><a href="{{ o.detail_url }}">{{ o.commitment.title }}</a></td>
      <td data-label="Agreement"><a href="{{ o.agreement_url }}">{{ o.commitment.agreement.title }}</a></td><td data-label="Party">{{ o.party.code }}</td>
      <td data-label="Status"><span class="badge status-{{ o.status }}">{{ o.get_status_display }}</span>{% if o.overdue %} <span class="badge overdue">Overdue</span>{% endif %}</td>
      <td data-label="Due">{{ o.due_at|due:o.commitment.agreement.tzinfo }}{% if o.overdue and o.overdue_since %}<br><strong class="overdue-text">Overdue for {{ o.overdue_since|overdue_for }}</strong>{% endif %}</td></tr>{% empty %}<tr><td colspan="5">None.</td></tr>{% endfor %}"""
)
MOMENT = datetime(2026, 3, 4, 21, 5, tzinfo=UTC)


def same(a, b) -> bool:
    return re.sub(r"\s+", "", str(a)) == re.sub(r"\s+", "", str(b))


def obligation(pk: int, **fields) -> Obligation:
    agreement = Agreement(pk=pk, title=f"Accord <{pk}> & co", timezone="Europe/Zurich")
    commitment = Commitment(pk=pk, title=f'Release "{pk}" <b>', agreement=agreement)
    o = Obligation(pk=pk, commitment=commitment, party=Party(pk=pk, code=f"P&{pk}"), **fields)
    o.detail_url, o.agreement_url = f"/commitments/{pk}/?a=1&b=2", f"/commitments/agreements/{pk}/"
    return o


def alerts() -> list[Alert]:
    ann = User(username="ann<>", first_name="Ann", last_name="O'Lee")
    bob = User(username="bob&")  # no full name: the username
    draft = Incident(pk=9, event_type=EventType.BATTLES, location="Near <X>", occurred_on=date(2026, 3, 1))
    public = Incident(pk=10, event_type=EventType.BATTLES, location="Y", occurred_on=date(2026, 3, 2), published=True)
    rows = [
        Alert(pk=1, kind="overdue", raised_at=MOMENT, due_at=MOMENT),
        Alert(pk=2, kind="due_soon", raised_at=MOMENT, due_at=None, acknowledged_at=MOMENT, acknowledged_by=ann),
        Alert(
            pk=3, kind="status_changed", raised_at=MOMENT, resolved_at=MOMENT, resolved_reason=ResolvedReason.FULFILLED
        ),
        Alert(
            pk=4,
            kind="overdue",
            raised_at=MOMENT,
            resolved_at=MOMENT,
            resolved_reason=ResolvedReason.SUPERSEDED,
            acknowledged_at=MOMENT + timedelta(hours=1),
            acknowledged_by=bob,
        ),
        Alert(pk=5, kind="overdue", raised_at=MOMENT, incident_link=IncidentLink(pk=7, incident=draft)),
        Alert(pk=6, kind="overdue", raised_at=MOMENT, incident_link=IncidentLink(pk=8, incident=public)),
    ]
    for a in rows:
        a.obligation = obligation(a.pk)
        a.party = a.obligation.party
    return rows


def test_the_alert_rows_say_what_the_template_loop_said():
    rows = alerts()
    for ack_form, show_names in ((object(), True), (None, False), (object(), False)):
        context = {"rows": rows, "ack_form": ack_form, "show_names": show_names}
        expected = ALERT_LOOP.render(Context(context))
        assert "Draft" in expected and "Acknowledged" in expected and "Resolved" in expected
        assert same(alert_rows(rows, ack_form, show_names), expected)
        assert same(alert_rows([], ack_form, show_names), ALERT_LOOP.render(Context({**context, "rows": []})))


def test_the_obligation_rows_say_what_the_template_loop_said():
    now = timezone.now()
    rows = [
        obligation(1, status="in_progress", due_at=now + timedelta(days=3), overdue=False),
        obligation(
            2,
            status="not_fulfilled",
            due_at=now - timedelta(days=9),
            overdue=True,
            overdue_since=now - timedelta(days=9),
        ),
        obligation(3, status="disputed", due_at=None, overdue=True, overdue_since=None),
    ]
    expected = OBLIGATION_LOOP.render(Context({"rows": rows}))
    assert "Overdue for 1 week" in expected and "&lt;b&gt;" in expected
    assert same(obligation_rows(rows), expected)
    assert same(obligation_rows([]), OBLIGATION_LOOP.render(Context({"rows": []})))
