from enum import StrEnum


class Track(StrEnum):
    SMART_CITY = "smart_city"
    SMART_RURAL = "smart_rural"


class SettlementKind(StrEnum):
    URBAN = "urban"
    RURAL = "rural"
    MIXED = "mixed"
