from django.db import models


class PartyKind(models.TextChoices):
    """What a party is. Its role in a given agreement (signatory, mediator, witness) is
    recorded on the agreement, not here: France is a state that mediates."""

    STATE = "state", "State"
    NON_STATE_ARMED_GROUP = "non_state_armed_group", "Non-state armed group"
    MEDIATOR = "mediator", "Mediator"
    INTERNATIONAL_ORGANISATION = "international_organisation", "International organisation"
    MONITORING_BODY = "monitoring_body", "Monitoring body"
