"""The people and places of the demo: municipalities, organisers, staff, residents, the jury and the mentors."""

from __future__ import annotations

from challenge.enums import SettlementKind, Track
from challenge.tables import (
    Edition,
    Municipality,
)
from core.accounts.services import grant_role
from core.auth import hash_password
from core.demo.world import DEMO_PASSWORD, EDITION_SLUG, ZONE, World, slug
from core.enums import Role
from core.tables import User

# name, region, population, kind
MUNICIPALITIES = [
    ("Novi Sad", "South Bačka", 368_967, SettlementKind.URBAN),
    ("Kragujevac", "Šumadija", 171_197, SettlementKind.URBAN),
    ("Niš", "Nišava", 260_237, SettlementKind.URBAN),
    ("Pirot", "Pirot", 49_601, SettlementKind.MIXED),
    ("Ivanjica", "Moravica", 26_215, SettlementKind.RURAL),
    ("Kladovo", "Bor", 18_842, SettlementKind.RURAL),
    ("Knjaževac", "Zaječar", 27_707, SettlementKind.RURAL),
]

# The logins the README lists: (email, name, role, organisation name or None).
PEOPLE: list[tuple[str, str, Role | None, str | None]] = [
    ("organiser@demo.smartchallenge.rs", "Ana Organiser", Role.ORGANISER, None),
    ("staff@novisad.demo.rs", "Milan Petrović", Role.MUNICIPALITY, "Novi Sad"),
    ("staff@ivanjica.demo.rs", "Jelena Marković", Role.MUNICIPALITY, "Ivanjica"),
    ("founder@agrosense.example", "Nikola Jovanović", Role.STARTUP, "AgroSense"),
    ("ceo@parkpulse.example", "Sara Nikolić", Role.STARTUP, "ParkPulse"),
    ("mentor@demo.smartchallenge.rs", "Dragana Ilić", Role.MENTOR, None),
    ("judge@demo.smartchallenge.rs", "Prof. Zoran Stojanović", Role.JUDGE, None),
    ("resident@demo.smartchallenge.rs", "Ivana Resident", None, None),
]
ORGANISER = "organiser@demo.smartchallenge.rs"

# Staff of the other municipalities (email, name, municipality).
STAFF = [
    ("staff@kragujevac.demo.rs", "Marko Ilić", "Kragujevac"),
    ("staff@nis.demo.rs", "Vesna Đukić", "Niš"),
    ("staff@pirot.demo.rs", "Ana Stanković", "Pirot"),
    ("staff@kladovo.demo.rs", "Dragan Jović", "Kladovo"),
    ("staff@knjazevac.demo.rs", "Milica Popović", "Knjaževac"),
]

# Residents who endorse and comment, besides resident@demo.smartchallenge.rs.
RESIDENTS = [
    ("petar.s@residents.demo.rs", "Petar Savić"),
    ("marija.k@residents.demo.rs", "Marija Kostić"),
    ("stefan.m@residents.demo.rs", "Stefan Milošević"),
    ("jovana.t@residents.demo.rs", "Jovana Tomić"),
    ("luka.p@residents.demo.rs", "Luka Pavlović"),
    ("milena.r@residents.demo.rs", "Milena Radović"),
    ("dusan.v@residents.demo.rs", "Dušan Vasić"),
    ("teodora.n@residents.demo.rs", "Teodora Nikolić"),
]

# The jury: (email, name, organisation, expertise). The first is the README's judge login.
JUDGES: list[tuple[str, str, str, list[str]]] = [
    ("judge@demo.smartchallenge.rs", "Prof. Zoran Stojanović", "University of Novi Sad",
     ["public_procurement", "data"]),
    ("maja.kovacevic@ntp.demo.rs", "Maja Kovačević", "Science and Technology Park Belgrade",
     ["go_to_market", "fundraising"]),
    ("aleksandar.djordjevic@ite.demo.rs", "Aleksandar Đorđević", "Office for IT and eGovernment", ["data", "ux"]),
    ("elena.petrovska@fitr.demo.mk", "Elena Petrovska", "Fund for Innovation, Skopje", ["e_health", "fundraising"]),
    ("thomas.berger@eit.demo.eu", "Thomas Berger", "EIT Urban Mobility", ["mobility", "energy"]),
    ("ivana.lukic@pks.demo.rs", "Ivana Lukić", "Chamber of Commerce of Serbia", ["agritech", "legal"]),
    ("nenad.simic@naled.demo.rs", "Nenad Simić", "NALED", ["public_procurement", "legal"]),
    ("sanja.vukovic@ict.demo.rs", "Sanja Vuković", "ICT Hub Belgrade", ["iot", "energy"]),
]  # fmt: skip
# How lenient each judge is (added to every score they give): what normalisation takes out.
LENIENCY = [0.0, 1.0, -0.8, 0.4, -0.5, 0.7, -1.0, 0.2]

EVERY_DAY = [[day, 9 * 60, 18 * 60] for day in range(7)]
# Mentors: (email, name, organisation, bio, expertise, sectors, languages, capacity, timezone, weekly hours).
MENTORS: list[tuple[str, str, str, str, list[str], list[str], list[str], int, str, list[list[int]]]] = [
    ("mentor@demo.smartchallenge.rs", "Dragana Ilić", "NS Tech Hub",
     "Ran public-procurement pilots for three Serbian cities.",
     ["public_procurement", "iot", "go_to_market"], ["Water", "Mobility"], ["sr", "en"], 3, ZONE, EVERY_DAY),
    ("goran.milic@impacthub.demo.rs", "Goran Milić", "Impact Hub Belgrade",
     "Helped forty startups raise their first round.",
     ["fundraising", "go_to_market", "ux"], ["GovTech", "Climate"], ["sr", "en"], 3, ZONE, EVERY_DAY),
    ("katerina.r@mentors.demo.mk", "Katerina Ristovska", "Skopje Water Lab",
     "Hydraulic engineer; builds open data platforms for utilities.",
     ["data", "iot"], ["Water"], ["mk", "sr", "en"], 2, "Europe/Skopje", EVERY_DAY),
    ("anna.kovacs@mentors.demo.rs", "Anna Kovács", "Palić Agri Cluster",
     "Twenty years in irrigation and rural water supply in Vojvodina.",
     ["agritech", "iot", "fundraising"], ["Water"], ["hu", "sr", "en"], 2, ZONE,
     [[day, 8 * 60, 16 * 60] for day in range(7)]),
    ("peter.novak@mentors.demo.si", "Peter Novak", "Energy Agency Ljubljana",
     "Led the district heating modernisation of two Slovenian towns.",
     ["energy", "public_procurement", "data"], ["Energy"], ["sl", "en"], 2, "Europe/Ljubljana", EVERY_DAY),
    ("jovana.ristic@mentors.demo.rs", "Jovana Ristić", "Clinical Centre Niš",
     "Physician and product lead of a regional telemedicine network.",
     ["e_health", "ux", "legal", "mobility"], ["Health", "Mobility"], ["sr", "en"], 3, ZONE, EVERY_DAY),
]  # fmt: skip


async def new_user(world: World, email: str, name: str) -> int:
    user_id: int = (
        await User.insert(User(email=email, name=name, password_hash=world.password_hash, is_verified=True)).returning(
            User.id
        )
    )[0]["id"]
    world.users[email] = user_id
    return user_id


async def editions_and_people(world: World) -> None:
    """This year's edition, the municipalities, and everyone's account with the role they hold."""
    await _edition_and_places(world)
    world.password_hash = hash_password(DEMO_PASSWORD)
    await _readme_logins(world)
    for email, name, town in STAFF:
        user_id = await new_user(world, email, name)
        world.staff[town] = email
        await grant_role(
            actor_id=None, user_id=user_id, role=Role.MUNICIPALITY, organisation_id=world.municipalities[town]
        )
    for email, name in RESIDENTS:
        await new_user(world, email, name)
    for email, name, *_rest in JUDGES[1:]:
        user_id = await new_user(world, email, name)
        await grant_role(actor_id=None, user_id=user_id, role=Role.JUDGE, edition_id=world.edition)
    for mentor in MENTORS[1:]:
        user_id = await new_user(world, mentor[0], mentor[1])
        await grant_role(actor_id=None, user_id=user_id, role=Role.MENTOR, edition_id=world.edition)


async def _edition_and_places(world: World) -> None:
    world.edition = (
        await Edition.insert(
            Edition(
                name="Smart Cities & Smart Rural Challenge",
                year=2026,
                slug=EDITION_SLUG,
                timezone=ZONE,
                tracks=[Track.SMART_CITY.value, Track.SMART_RURAL.value],
                description=(
                    "Cities, towns and villages bring real local problems; startups build and pilot "
                    "solutions with mentors; the best win a paid pilot with the municipality."
                ),
                prize_text="A paid pilot of up to €50,000 with the municipality, for the winner of each track.",
            )
        ).returning(Edition.id)
    )[0]["id"]
    for name, region, population, kind in MUNICIPALITIES:
        world.municipalities[name] = (
            await Municipality.insert(
                Municipality(
                    name=name,
                    region=region,
                    population=population,
                    kind=kind,
                    contact_email=f"smart@{slug(name)}.demo.rs",
                )
            ).returning(Municipality.id)
        )[0]["id"]


async def _readme_logins(world: World) -> None:
    """The logins the README lists, with their roles (a founder's startup comes with the applications)."""
    for email, name, role, organisation in PEOPLE:
        user_id = await new_user(world, email, name)
        if role in (Role.ORGANISER, Role.MUNICIPALITY, Role.JUDGE, Role.MENTOR):
            municipality = None
            if role == Role.MUNICIPALITY and organisation is not None:
                municipality = world.municipalities[organisation]
                world.staff[organisation] = email
            await grant_role(
                actor_id=None,
                user_id=user_id,
                role=role,
                edition_id=None if role in (Role.ORGANISER, Role.MUNICIPALITY) else world.edition,
                organisation_id=municipality,
            )
        elif role == Role.STARTUP and organisation is not None:
            world.founders[organisation] = email
