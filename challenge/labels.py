"""Human names of the challenge's stored values, for templates (`value|label`)."""

from challenge.enums import SettlementKind, Track
from core.i18n import register_labels
from core.rules import N_

register_labels(
    {
        Track.SMART_CITY: N_("Smart city"),
        Track.SMART_RURAL: N_("Smart rural"),
        SettlementKind.URBAN: N_("urban"),
        SettlementKind.RURAL: N_("rural"),
        SettlementKind.MIXED: N_("mixed urban and rural"),
    }
)
