"""Human names of the challenge's stored values, for templates (`value|label`)."""

from challenge.enums import SettlementKind, Track
from core.i18n import register_labels

register_labels(
    {
        Track.SMART_CITY: "Smart city",
        Track.SMART_RURAL: "Smart rural",
        SettlementKind.URBAN: "urban",
        SettlementKind.RURAL: "rural",
        SettlementKind.MIXED: "mixed urban and rural",
    }
)
