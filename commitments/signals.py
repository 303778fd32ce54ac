"""Domain events sent by the services, so that other apps (the deadline engine, alerts)
react without the commitments app knowing them. Receivers that queue work must do it
with transaction.on_commit: the signal is sent inside the service's transaction."""

from django.dispatch import Signal

# A commitment's due moment was set or moved: kwargs ``commitment_ids``.
deadlines_changed = Signal()

# Status updates were recorded: kwargs ``status_update_ids``.
status_recorded = Signal()

# Analysts linked incidents to obligations (state "linked"): kwargs ``link_ids``.
incident_linked = Signal()

# Incidents became readable to more people (published, or verified beyond "reported"):
# kwargs ``incident_ids``. Alerts already raised for their links reach those readers now.
incident_disclosed = Signal()
