"""Problem intake: the municipalities' problems, their review, and what residents say about them."""

from __future__ import annotations

from challenge.enums import Track
from challenge.forms import problem_command
from challenge.services import problems as problem_services
from challenge.services import voice
from core.demo.people import ORGANISER, RESIDENTS
from core.demo.world import World


def problem_form(
    title: str,
    track: Track,
    summary: str,
    context: str,
    groups: str,
    count: int,
    data: str,
    sdgs: str,
    budget: str,
    path: str,
    location: str,
    contact: str,
) -> dict[str, str]:
    """A problem as its form sends it (what `problem_command` reads)."""
    return {
        "title": title,
        "track": track.value,
        "summary": summary,
        "context": context,
        "affected_groups": groups,
        "affected_count": str(count),
        "data_available": data,
        "sdgs": sdgs,
        "budget_range": budget,
        "procurement_path": path,
        "pilot_location": location,
        "contact_name": contact,
        "contact_email": f"{contact.split()[0].lower()}@demo.rs",
        "open_data_links": "https://data.gov.rs/sr/",
    }


# key, municipality, what happens to it, the form. Municipalities write in Serbian (either script),
# the international ones in English. Status: the state the story leaves it in.
PROBLEMS: list[tuple[str, str, str, dict[str, str]]] = [
    ("parking", "Novi Sad", "published", problem_form(
        "Cruising for parking in the city centre", Track.SMART_CITY,
        "Up to a third of centre traffic is drivers looking for a free space.",
        "Street parking in zones 0 and 1 is full from 9 to 17; drivers circle the blocks around the Liman bridges.",
        "Drivers, residents of the centre, public transport users", 120_000,
        "Hourly occupancy counts from the parking company since 2022; SMS payment records.",
        "9 11 13", "50k_200k", "public_procurement", "Zone 0 around Trg slobode", "Milan Petrović")),
    ("heat", "Novi Sad", "published", problem_form(
        "Toplotna ostrva u naseljima sa visokim zgradama", Track.SMART_CITY,
        "Letnje noći na Novom naselju ne padaju ispod 25 °C; najteže je starijim stanarima.",
        "Velika betonirana dvorišta i malo drveća; grad želi da zna gde hlad i zeleni krovovi najviše pomažu.",
        "Stanari stariji od 65 godina, deca u četiri škole", 38_000,
        "Satelitske mape temperature površine; pozivi hitnoj pomoći po adresama.",
        "3 11 13", "10k_50k", "pilot", "Novo naselje", "Milan Petrović")),
    ("scooters", "Novi Sad", "archived", problem_form(
        "Shared e-scooters blocking pavements", Track.SMART_CITY,
        "Scooters left on pavements block prams and wheelchairs.",
        "The city signed a national micromobility agreement this spring, which now covers the problem.",
        "Pedestrians, people with reduced mobility", 50_000, "Complaints to the city's call centre.",
        "11", "under_10k", "pilot", "City centre", "Milan Petrović")),
    ("heating", "Kragujevac", "published", problem_form(
        "Predicting failures in the district heating network", Track.SMART_CITY,
        "Pipe bursts in winter leave whole blocks without heat for days.",
        "The network is 50 years old in places; repairs are planned by age, not by risk.",
        "Households connected to district heating", 52_000,
        "Ten years of failure records, pipe ages and materials, supply temperatures.",
        "7 9 11", "50k_200k", "co_funding", "Aerodrom and Pivara neighbourhoods", "Marko Ilić")),
    ("air", "Kragujevac", "changes_requested", problem_form(
        "Kvalitet vazduha oko škola", Track.SMART_CITY,
        "Ujutru, kad roditelji dovoze decu, koncentracija čestica oko škola je najveća.",
        "Grad ima dve merne stanice, obe daleko od škola.",
        "Učenici osnovnih škola i njihovi roditelji", 14_000, "Podaci sa dve merne stanice od 2020.",
        "3 11", "10k_50k", "pilot", "Pet osnovnih škola u centru", "Marko Ilić")),
    ("queues", "Niš", "published", problem_form(
        "Чекање у редовима у градској управи", Track.SMART_CITY,
        "Грађани чекају и по два сата на шалтеру за личне документе и дозволе.",
        "Термини се не могу заказати унапред; гужве су понедељком и пред празнике.",
        "Сви грађани који долазе на шалтер", 90_000, "Број издатих докумената по дану, време чекања из анкета.",
        "9 11 16", "10k_50k", "public_procurement", "Услужни центар градске управе", "Vesna Đukić")),
    ("tourism", "Pirot", "submitted", problem_form(
        "Visitor flows on Stara planina", Track.SMART_RURAL,
        "Weekend crowds overload the roads and the nature park's trails.",
        "The municipality wants to guide visitors before they leave home.",
        "Villages on the mountain road, park rangers, tourists", 9_000,
        "Parking counts at Babin zub, ski lift passes.", "8 12 15", "10k_50k", "pilot",
        "Babin zub and Jabučko ravnište", "Ana Stanković")),
    ("water", "Ivanjica", "published", problem_form(
        "Drinking water losses in village networks", Track.SMART_RURAL,
        "A third of the water pumped never reaches a tap.",
        "Old pipes and no metering between the pumping station and 14 villages; leaks are found by chance.",
        "Households in 14 villages, two schools", 4_200,
        "Monthly pumping volumes since 2019; network plans on paper.", "6 11", "10k_50k", "pilot",
        "Kušići and Bratljevo", "Jelena Marković")),
    ("snow", "Ivanjica", "draft", {"title": "Prioriteti čišćenja snega na planinskim putevima", "track": "smart_rural",
                                    "summary": "Koji putevi prvi, kad ima samo dva plužna vozila?"}),
    ("school_bus", "Kladovo", "published", problem_form(
        "School transport for scattered villages", Track.SMART_RURAL,
        "Children from hamlets along the Danube walk up to 4 km to the school bus.",
        "Bus routes were drawn 20 years ago; families have moved, the roads have not changed.",
        "Pupils and parents in 11 villages", 650, "Pupil addresses (anonymised), bus timetables, road categories.",
        "4 10 11", "under_10k", "pilot", "Villages of Kladovo municipality", "Dragan Jović")),
    ("flood", "Kladovo", "withdrawn", problem_form(
        "Upozorenja na poplave duž Dunava", Track.SMART_RURAL,
        "Mala sela saznaju za visok vodostaj tek kad voda stigne.",
        "Opština je problem povukla: Republički hidrometeorološki zavod uvodi nacionalni sistem upozorenja.",
        "Stanovnici priobalnih sela", 3_000, "Vodostaji sa dve merne stanice.", "11 13", "under_10k", "pilot",
        "Priobalna sela", "Dragan Jović")),
    ("telemedicine", "Knjaževac", "published", problem_form(
        "Zdravstvena zaštita za udaljena sela", Track.SMART_RURAL,
        "Stariji meštani 86 sela do lekara putuju i po dva sata.",
        "Dom zdravlja ima šest ambulanti za celu opštinu; lekar obilazi sela jednom mesečno.",
        "Meštani stariji od 65 godina", 7_500, "Broj poseta po ambulanti, spisak hroničnih pacijenata (anonimno).",
        "3 10", "10k_50k", "co_funding", "Sela oko Kalne i Minićeva", "Milica Popović")),
    ("milk", "Knjaževac", "submitted", problem_form(
        "Otkup mleka od malih proizvođača", Track.SMART_RURAL,
        "Mlekara ne dolazi po male količine; domaćinstva sa dve krave prestaju da muzu.",
        "Zadruga bi organizovala zajedničke rute, ali ne zna ko koliko ima i kada.",
        "Oko 300 domaćinstava u brdskim selima", 900, "Spisak zadrugara, dnevne količine iz 2025.",
        "1 2 8", "under_10k", "pilot", "Brdska sela opštine", "Milica Popović")),
]  # fmt: skip
REVIEW_COMMENT = {
    "air": "Please name the five schools and say which measurements you would share with the startups.",
}
ARCHIVE_COMMENT = "Now covered by the national micromobility agreement."
# Who endorses what (problem key -> number of residents) and what residents say.
ENDORSEMENTS = {"parking": 7, "heat": 5, "heating": 4, "queues": 8, "water": 6, "school_bus": 3, "telemedicine": 5}
COMMENTS = [
    ("queues", "resident@demo.smartchallenge.rs", "Прошле недеље сам чекала два и по сата за пасош."),
    ("water", "petar.s@residents.demo.rs", "U Bratljevu leti nema vode po tri dana."),
    ("parking", "marija.k@residents.demo.rs", "A free space finder would help; please keep the prices."),
    ("parking", "stefan.m@residents.demo.rs", "BUY CHEAP WATCHES AT example.com"),
]  # fmt: skip
HIDDEN_COMMENT_REASON = "Advertising."


async def problems(world: World) -> None:
    organiser = await world.as_user(ORGANISER)
    for key, town, status, data in PROBLEMS:
        staff = await world.as_user(world.staff[town])
        problem_id = await problem_services.save_problem(
            user=staff,
            problem=problem_command(data),
            edition_id=world.edition,
            municipality_id=world.municipalities[town],
            submit=status != "draft",
        )
        world.problems[key] = problem_id
        if status in ("published", "archived"):
            await problem_services.review_problem(user=organiser, problem_id=problem_id, action="publish")
        if status == "archived":
            await problem_services.review_problem(
                user=organiser, problem_id=problem_id, action="archive", comment=ARCHIVE_COMMENT
            )
        if status == "changes_requested":
            await problem_services.review_problem(
                user=organiser, problem_id=problem_id, action="request_changes", comment=REVIEW_COMMENT[key]
            )
        if status == "withdrawn":
            await problem_services.withdraw_problem(user=staff, problem_id=problem_id)


async def residents_speak(world: World) -> None:
    residents = ["resident@demo.smartchallenge.rs", *(email for email, _name in RESIDENTS)]
    for key, count in ENDORSEMENTS.items():
        for email in residents[:count]:
            await voice.endorse(user=await world.as_user(email), problem_id=world.problems[key])
    organiser = await world.as_user(ORGANISER)
    for key, email, body in COMMENTS:
        comment_id = await voice.add_comment(user=await world.as_user(email), problem_id=world.problems[key], body=body)
        if "example.com" in body:
            await voice.moderate_comment(user=organiser, comment_id=comment_id, hide=True, reason=HIDDEN_COMMENT_REASON)
