"""The demo edition a newcomer clicks through: one edition, real-sounding places and people.

Part of the composition root (it spans the domains). Loading twice changes nothing.
"""

from __future__ import annotations

from challenge.enums import SettlementKind, Track
from challenge.tables import Edition, Municipality, Startup
from core import db
from core.accounts.services import grant_role
from core.auth import hash_password
from core.enums import Role
from core.tables import User

DEMO_PASSWORD = "smart-challenge-demo"
EDITION_SLUG = "2026"

MUNICIPALITIES = [
    ("Novi Sad", "South Bačka", 368_967, SettlementKind.URBAN),
    ("Kragujevac", "Šumadija", 171_197, SettlementKind.URBAN),
    ("Pirot", "Pirot", 49_601, SettlementKind.MIXED),
    ("Ivanjica", "Moravica", 26_215, SettlementKind.RURAL),
    ("Kladovo", "Bor", 18_842, SettlementKind.RURAL),
]

STARTUPS = [
    ("AgroSense", "Serbia", "Novi Sad", 2022, "https://agrosense.example"),
    ("ParkPulse", "Serbia", "Belgrade", 2021, "https://parkpulse.example"),
    ("WaterWatch Balkans", "North Macedonia", "Skopje", 2023, "https://waterwatch.example"),
]

# (email, name, role, organisation name or None)
PEOPLE = [
    ("organiser@demo.smartchallenge.rs", "Ana Organiser", Role.ORGANISER, None),
    ("staff@novisad.demo.rs", "Milan Petrović", Role.MUNICIPALITY, "Novi Sad"),
    ("staff@ivanjica.demo.rs", "Jelena Marković", Role.MUNICIPALITY, "Ivanjica"),
    ("founder@agrosense.example", "Nikola Jovanović", Role.STARTUP, "AgroSense"),
    ("ceo@parkpulse.example", "Sara Nikolić", Role.STARTUP, "ParkPulse"),
    ("mentor@demo.smartchallenge.rs", "Dragana Ilić", Role.MENTOR, None),
    ("judge@demo.smartchallenge.rs", "Prof. Zoran Stojanović", Role.JUDGE, None),
    ("resident@demo.smartchallenge.rs", "Ivana Resident", None, None),
]


async def load_demo() -> bool:
    """Load the demo edition unless it is there already. True if it was loaded now."""
    async with db.transaction():
        if await Edition.exists().where(Edition.slug == EDITION_SLUG):
            _print_logins(loaded=False)
            return False
        edition = (
            await Edition.insert(
                Edition(
                    name="Smart Cities & Smart Rural Challenge",
                    year=2026,
                    slug=EDITION_SLUG,
                    timezone="Europe/Belgrade",
                    tracks=[Track.SMART_CITY.value, Track.SMART_RURAL.value],
                    description=(
                        "Cities, towns and villages bring real local problems; startups build and pilot "
                        "solutions with mentors; the best win a paid pilot with the municipality."
                    ),
                )
            ).returning(Edition.id)
        )[0]["id"]
        municipality_ids: dict[str, int] = {}
        for name, region, population, kind in MUNICIPALITIES:
            row = await Municipality.insert(
                Municipality(
                    name=name,
                    region=region,
                    population=population,
                    kind=kind,
                    contact_email=f"smart@{name.lower().replace(' ', '')}.demo.rs",
                )
            ).returning(Municipality.id)
            municipality_ids[name] = row[0]["id"]
        startup_ids: dict[str, int] = {}
        for name, country, city, founded, website in STARTUPS:
            row = await Startup.insert(
                Startup(name=name, country=country, city=city, founded_year=founded, website=website)
            ).returning(Startup.id)
            startup_ids[name] = row[0]["id"]
        password_hash = hash_password(DEMO_PASSWORD)
        for email, name, role, organisation in PEOPLE:
            user_id = (
                await User.insert(
                    User(email=email, name=name, password_hash=password_hash, is_verified=True)
                ).returning(User.id)
            )[0]["id"]
            if role is None:
                continue
            organisation_id = None
            if role == Role.MUNICIPALITY:
                organisation_id = municipality_ids[organisation]
            elif role == Role.STARTUP:
                organisation_id = startup_ids[organisation]
            await grant_role(
                actor_id=None,
                user_id=user_id,
                role=role,
                edition_id=None if role == Role.ORGANISER else edition,
                organisation_id=organisation_id,
            )
    _print_logins(loaded=True)
    return True


def _print_logins(*, loaded: bool) -> None:
    print("Demo edition " + ("loaded." if loaded else "already present."))
    print(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for email, _name, role, organisation in PEOPLE:
        what = (role.value if role else "resident") + (f" of {organisation}" if organisation else "")
        print(f"  {email:40} {what}")
