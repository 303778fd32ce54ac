"""Incident types: ACLED's event types and sub-event types (ACLED Codebook, 2024), so that
imported events and incidents analysts enter are counted on one scale. Stored as slugs;
ACLED's own labels are the display labels and what the importer reads."""

from django.db import models


class EventType(models.TextChoices):
    BATTLES = "battles", "Battles"
    EXPLOSIONS = "explosions_remote_violence", "Explosions/Remote violence"
    VIOLENCE_AGAINST_CIVILIANS = "violence_against_civilians", "Violence against civilians"
    PROTESTS = "protests", "Protests"
    RIOTS = "riots", "Riots"
    STRATEGIC_DEVELOPMENTS = "strategic_developments", "Strategic developments"


class SubEventType(models.TextChoices):
    ARMED_CLASH = "armed_clash", "Armed clash"
    GOVERNMENT_REGAINS_TERRITORY = "government_regains_territory", "Government regains territory"
    NON_STATE_ACTOR_OVERTAKES_TERRITORY = "non_state_actor_overtakes_territory", "Non-state actor overtakes territory"
    CHEMICAL_WEAPON = "chemical_weapon", "Chemical weapon"
    AIR_DRONE_STRIKE = "air_drone_strike", "Air/drone strike"
    SUICIDE_BOMB = "suicide_bomb", "Suicide bomb"
    SHELLING = "shelling_artillery_missile_attack", "Shelling/artillery/missile attack"
    REMOTE_EXPLOSIVE = "remote_explosive_landmine_ied", "Remote explosive/landmine/IED"
    GRENADE = "grenade", "Grenade"
    SEXUAL_VIOLENCE = "sexual_violence", "Sexual violence"
    ATTACK = "attack", "Attack"
    ABDUCTION = "abduction_forced_disappearance", "Abduction/forced disappearance"
    PEACEFUL_PROTEST = "peaceful_protest", "Peaceful protest"
    PROTEST_WITH_INTERVENTION = "protest_with_intervention", "Protest with intervention"
    EXCESSIVE_FORCE = "excessive_force_against_protesters", "Excessive force against protesters"
    VIOLENT_DEMONSTRATION = "violent_demonstration", "Violent demonstration"
    MOB_VIOLENCE = "mob_violence", "Mob violence"
    AGREEMENT = "agreement", "Agreement"
    ARRESTS = "arrests", "Arrests"
    CHANGE_TO_GROUP = "change_to_group_activity", "Change to group/activity"
    DISRUPTED_WEAPONS_USE = "disrupted_weapons_use", "Disrupted weapons use"
    HEADQUARTERS_ESTABLISHED = "headquarters_or_base_established", "Headquarters or base established"
    LOOTING = "looting_property_destruction", "Looting/property destruction"
    NON_VIOLENT_TRANSFER = "non_violent_transfer_of_territory", "Non-violent transfer of territory"
    OTHER = "other", "Other"


S = SubEventType
SUB_EVENT_TYPES: dict[str, tuple[str, ...]] = {
    EventType.BATTLES: (S.ARMED_CLASH, S.GOVERNMENT_REGAINS_TERRITORY, S.NON_STATE_ACTOR_OVERTAKES_TERRITORY),
    EventType.EXPLOSIONS: (
        S.CHEMICAL_WEAPON,
        S.AIR_DRONE_STRIKE,
        S.SUICIDE_BOMB,
        S.SHELLING,
        S.REMOTE_EXPLOSIVE,
        S.GRENADE,
    ),
    EventType.VIOLENCE_AGAINST_CIVILIANS: (S.SEXUAL_VIOLENCE, S.ATTACK, S.ABDUCTION),
    EventType.PROTESTS: (S.PEACEFUL_PROTEST, S.PROTEST_WITH_INTERVENTION, S.EXCESSIVE_FORCE),
    EventType.RIOTS: (S.VIOLENT_DEMONSTRATION, S.MOB_VIOLENCE),
    EventType.STRATEGIC_DEVELOPMENTS: (
        S.AGREEMENT,
        S.ARRESTS,
        S.CHANGE_TO_GROUP,
        S.DISRUPTED_WEAPONS_USE,
        S.HEADQUARTERS_ESTABLISHED,
        S.LOOTING,
        S.NON_VIOLENT_TRANSFER,
        S.OTHER,
    ),
}
del S

# ACLED's label (as in its CSV) -> our slug; the importer matches labels case-insensitively.
EVENT_TYPE_BY_LABEL = {label.casefold(): value for value, label in EventType.choices}
SUB_EVENT_TYPE_BY_LABEL = {label.casefold(): value for value, label in SubEventType.choices}


def sub_event_type_error(event_type: str, sub_event_type: str) -> str:
    """'' when the sub-type belongs to the type (or is empty), else why not."""
    if not sub_event_type or not event_type or sub_event_type in SUB_EVENT_TYPES.get(event_type, ()):
        return ""
    return f"{SubEventType(sub_event_type).label} is not a kind of {EventType(event_type).label}."
