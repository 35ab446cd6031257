from piccolo.columns import JSON, Integer, Text, Timestamptz, Varchar
from piccolo.columns.defaults.timestamptz import TimestamptzNow
from piccolo.table import Table

from challenge.enums import SettlementKind


class Edition(Table):
    """One yearly run of the challenge."""

    name = Varchar(length=200)
    year = Integer(index=True)
    slug = Varchar(length=80, unique=True, index=True)
    timezone = Varchar(length=64, default="Europe/Belgrade")
    tracks = JSON(default=["smart_city", "smart_rural"])
    description = Text(default="")
    created_at = Timestamptz(default=TimestamptzNow())


class Municipality(Table):
    name = Varchar(length=200, unique=True)
    region = Varchar(length=120, index=True)
    population = Integer()
    kind = Varchar(length=10, choices=SettlementKind, index=True)
    contact_email = Varchar(length=254, default="")


class Startup(Table):
    name = Varchar(length=200, unique=True)
    country = Varchar(length=80)
    city = Varchar(length=120)
    founded_year = Integer(null=True, default=None)
    website = Varchar(length=255, default="")
