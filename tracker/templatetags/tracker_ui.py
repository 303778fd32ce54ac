"""Template helpers shared by the analysts' pages."""

from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

from django import template
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from commitments import rules
from commitments.choices import STATUS_COLOURS, VERIFICATION_COLOURS, Status

register = template.Library()
STATUS_LABELS = dict(Status.choices)  # get_status_display() builds this dict on every call


def _nonce(context) -> str:
    """The request's Content-Security-Policy nonce (django-csp), which inline <style>
    elements need; asking for it puts it in the response's policy."""
    return getattr(context.get("request"), "csp_nonce", "")


@register.simple_tag(takes_context=True)
def status_styles(context):
    """Badge colours from the one palette the charts use too (commitments.choices)."""
    rules = format_html_join("", ".status-{}{{border-left-color:{}}}", STATUS_COLOURS.items())
    rules += format_html_join("", ".verification-{}{{border-left-color:{}}}", VERIFICATION_COLOURS.items())
    return format_html('<style nonce="{}">{}</style>', _nonce(context), rules)


@register.simple_tag(takes_context=True)
def chart_svg(context, svg: SafeString) -> SafeString:
    """A chart's inline SVG (tracker/charts.py), its <style> elements given the nonce.
    Text in the SVG is escaped, so "<style" only occurs as an element."""
    return mark_safe(svg.replace("<style", format_html('<style nonce="{}"', _nonce(context))))  # noqa: S308


@register.filter
def minutes(duration: timedelta) -> int:
    return int(duration.total_seconds() // 60)


def _zone(zone) -> ZoneInfo:
    """An agreement's zone as templates have it: its ZoneInfo or its name."""
    return zone if isinstance(zone, ZoneInfo) else ZoneInfo(str(zone))


@register.filter
def due(due_at, zone) -> str:
    """A due moment (``{{ o.due_at|due:agreement.tzinfo }}``): the due day in the venue's
    zone first, the UTC instant second and smaller (rules.format_due's two parts)."""
    if due_at is None:
        return "no due moment yet"
    return format_html(
        '{} <small class="due-utc">= <time datetime="{}">{}</time></small>',
        rules.format_due_day(due_at, _zone(zone)),
        due_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        rules.format_due_utc(due_at),
    )


@register.filter
def overdue_text(since, zone) -> str:
    """ "Overdue since the end of 06 Nov 2020 (Europe/Zurich) — for 3 weeks", counted
    from ``since`` (an obligation's overdue_since, i.e. its due moment) to now."""
    if since is None:
        return ""
    return rules.format_overdue(since, _zone(zone), timezone.now())


@register.filter
def overdue_for(since, now=None) -> str:
    """ "3 weeks": how long since an obligation's due moment (its overdue_since)."""
    return rules.overdue_for(since, now or timezone.now()) if since else ""


@register.filter
def incident_path(incident_id) -> str:
    """The incident's page, ``{{ id|incident_path }}``: the one place of its URL."""
    from tracker.incident_emails import incident_path as path

    return path(incident_id)


@register.simple_tag
def obligation_rows(rows) -> SafeString:
    """The dashboard's obligation rows (tracker.dashboard._linked gives their links): built
    here rather than by a template loop, whose per-row lookups and filters were most of
    the page's Python time."""
    if not rows:
        return mark_safe('<tr><td colspan="5">None.</td></tr>')
    now = timezone.now()
    out = []
    for o in rows:
        commitment, agreement = o.commitment, o.commitment.agreement
        status, label = escape(o.status), STATUS_LABELS.get(o.status, o.status)
        overdue_badge = ' <span class="badge overdue">Overdue</span>' if o.overdue else ""
        overdue = ""
        if o.overdue and o.overdue_since:
            overdue = (
                f'<br><strong class="overdue-text">Overdue for {escape(overdue_for(o.overdue_since, now))}</strong>'
            )
        out.append(
            f'<tr><td data-label="Commitment"><a href="{escape(o.detail_url)}">{escape(commitment.title)}</a></td>\n'
            f'      <td data-label="Agreement"><a href="{escape(o.agreement_url)}">{escape(agreement.title)}</a></td>'
            f'<td data-label="Party">{escape(o.party.code)}</td>\n'
            f'      <td data-label="Status"><span class="badge status-{status}">{escape(label)}</span>'
            f"{overdue_badge}</td>\n"
            f'      <td data-label="Due">{due(o.due_at, agreement.tzinfo)}{overdue}</td></tr>'
        )
    return mark_safe("\n".join(out))  # noqa: S308 (every value above is escaped)


def _when(moment) -> str:
    return date_filter(moment, "j M Y H:i")


@register.simple_tag
def alert_shown_inputs(rows) -> SafeString:
    """The hidden "shown" ids of the acknowledgeable alerts (tracker/_alert_table.html)."""
    return mark_safe(  # noqa: S308 (integers only)
        "".join(f'<input type="hidden" name="shown" value="{a.pk}">' for a in rows if a.acknowledgeable)
    )


@register.simple_tag
def alert_rows(rows, ack_form, show_names) -> SafeString:
    """The rows of tracker/_alert_table.html (the dashboard and the inbox), built here rather
    than by a template loop, whose per-row lookups were most of the dashboard's Python time."""
    ack = bool(ack_form)
    if not rows:
        return mark_safe(f'<tr><td colspan="{8 if ack else 6}">None.</td></tr>')  # noqa: S308
    detail = reverse("commitments:detail", args=[0])
    out = []
    for a in rows:
        kind, title, party = escape(a.get_kind_display()), escape(a.obligation.commitment.title), escape(a.party.code)
        cells = ["<tr>\n"]
        if ack:
            select = ""
            if a.acknowledgeable:
                select = (
                    f'<input type="checkbox" name="alert" value="{a.pk}" id="alert-{a.pk}" '
                    f'aria-label="Select: {kind}, {title}, {party}">'
                )
            cells.append(f'    <td data-label="Select">{select}</td>\n')
        overdue = " overdue" if a.kind == "overdue" else ""
        cells.append(f'    <td data-label="Kind"><span class="badge{overdue}">{kind}</span></td>\n')
        path = escape(detail.replace("/0/", f"/{a.obligation.commitment_id}/"))
        incident = ""
        if a.incident_link_id:
            linked = a.incident_link.incident
            draft = "" if linked.published else ' <span class="badge">Draft</span>'
            incident = (
                f'<br><span class="alert-incident">Incident: <a href="{escape(incident_path(linked.pk))}">'
                f"{escape(linked)}</a>{draft}</span>"
            )
        cells.append(f'    <td data-label="Commitment"><a href="{path}">{title}</a>{incident}</td>\n')
        cells.append(f'    <td data-label="Party">{party}</td>\n')
        cells.append(f'    <td data-label="Due">{escape(a.due_text)}</td>\n')
        cells.append(f'    <td data-label="Raised">{_when(a.raised_at)} UTC</td>\n')
        state = ""
        if a.resolved:
            state = f"Resolved {_when(a.resolved_at)} UTC: {escape(a.get_resolved_reason_display())}"
            if a.acknowledged:
                state += "; "
        if a.acknowledged:
            state += "Acknowledged"
            if show_names:
                user = a.acknowledged_by
                state += f" by {escape(user.get_full_name() or user.get_username())}"
            state += f", {_when(a.acknowledged_at)} UTC"
        elif not a.resolved:
            state += "Unacknowledged"
        cells.append(f'    <td data-label="State">{state}</td>\n')
        if ack:
            button = ""
            if a.acknowledgeable:
                button = (
                    f'<button type="submit" name="only" value="{a.pk}">Acknowledge<span class="visually-hidden"> '
                    f"alert: {kind}, {title}, {party}</span></button>"
                )
            cells.append(f"    <td>{button}</td>\n")
        cells.append("  </tr>")
        out.append("".join(cells))
    return mark_safe("\n".join(out))  # noqa: S308 (every value above is escaped)
