"""The demo edition a newcomer clicks through: a year of the challenge, replayed through the services.

Part of the composition root (it spans the domains). The content is in the tables at the top;
the loaders below feed it to the same service functions the pages call (so every change has its
event, its audit record and its mail), one phase of the year after the other: problem intake,
applications, screening and interviews, mentoring, the semi-final, the hackathon and its live
pairwise final. Everything is loaded in one transaction, so loading twice changes nothing and a
failed load leaves nothing behind. Afterwards the story's timestamps are moved back to the days
they belong to, and the mail the story queued is marked as delivered (it went to demo addresses).
"""

from __future__ import annotations

import asyncio
import hashlib
import random
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from challenge.enums import ApplicationStatus, Phase, QuestionKind, SettlementKind, StartupStage, Track
from challenge.services import applications as application_services
from challenge.services import problems as problem_services
from challenge.services import teams, voice
from challenge.tables import (
    Application,
    ApplicationEvent,
    ApplicationProblem,
    Comment,
    Edition,
    EditionPhase,
    EligibilityQuestion,
    Endorsement,
    Municipality,
    Problem,
    ProblemEvent,
    Startup,
    StartupMember,
)
from core import db
from core.accounts.services import grant_role
from core.auth import CurrentUser, hash_password, load_current_user
from core.clock import utc_now
from core.enums import Role
from core.rules.bilingual import guess_language
from core.storage import get_storage
from core.tables import AuditEvent, Membership, OutboxMessage, StoredFile, User
from hackathon.services import building, editing, setup
from hackathon.tables import Hackathon, ScheduleRun
from judging.enums import RoundStatus
from judging.services import assignments, pairwise, results, rounds, scoring
from judging.services import profiles as judge_profiles
from judging.tables import Criterion, JudgeAssignment, Round, RoundApplication, ScoreSheet
from mentoring.enums import Attendance, SessionStatus, SlotStatus
from mentoring.services import matching
from mentoring.services import profiles as mentor_profiles
from mentoring.tables import Match, MatchRun, MentoringSession, MentoringSlot

DEMO_PASSWORD = "smart-challenge-demo"
EDITION_SLUG = "2026"
ZONE = "Europe/Belgrade"

# --- content ---------------------------------------------------------------------------------------

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
JUDGES = [
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
MENTORS = [
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


def _problem(
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
    """A problem as its form sends it (what `save_problem` parses)."""
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
    ("parking", "Novi Sad", "published", _problem(
        "Cruising for parking in the city centre", Track.SMART_CITY,
        "Up to a third of centre traffic is drivers looking for a free space.",
        "Street parking in zones 0 and 1 is full from 9 to 17; drivers circle the blocks around the Liman bridges.",
        "Drivers, residents of the centre, public transport users", 120_000,
        "Hourly occupancy counts from the parking company since 2022; SMS payment records.",
        "9 11 13", "50k_200k", "public_procurement", "Zone 0 around Trg slobode", "Milan Petrović")),
    ("heat", "Novi Sad", "published", _problem(
        "Toplotna ostrva u naseljima sa visokim zgradama", Track.SMART_CITY,
        "Letnje noći na Novom naselju ne padaju ispod 25 °C; najteže je starijim stanarima.",
        "Velika betonirana dvorišta i malo drveća; grad želi da zna gde hlad i zeleni krovovi najviše pomažu.",
        "Stanari stariji od 65 godina, deca u četiri škole", 38_000,
        "Satelitske mape temperature površine; pozivi hitnoj pomoći po adresama.",
        "3 11 13", "10k_50k", "pilot", "Novo naselje", "Milan Petrović")),
    ("scooters", "Novi Sad", "archived", _problem(
        "Shared e-scooters blocking pavements", Track.SMART_CITY,
        "Scooters left on pavements block prams and wheelchairs.",
        "The city signed a national micromobility agreement this spring, which now covers the problem.",
        "Pedestrians, people with reduced mobility", 50_000, "Complaints to the city's call centre.",
        "11", "under_10k", "pilot", "City centre", "Milan Petrović")),
    ("heating", "Kragujevac", "published", _problem(
        "Predicting failures in the district heating network", Track.SMART_CITY,
        "Pipe bursts in winter leave whole blocks without heat for days.",
        "The network is 50 years old in places; repairs are planned by age, not by risk.",
        "Households connected to district heating", 52_000,
        "Ten years of failure records, pipe ages and materials, supply temperatures.",
        "7 9 11", "50k_200k", "co_funding", "Aerodrom and Pivara neighbourhoods", "Marko Ilić")),
    ("air", "Kragujevac", "changes_requested", _problem(
        "Kvalitet vazduha oko škola", Track.SMART_CITY,
        "Ujutru, kad roditelji dovoze decu, koncentracija čestica oko škola je najveća.",
        "Grad ima dve merne stanice, obe daleko od škola.",
        "Učenici osnovnih škola i njihovi roditelji", 14_000, "Podaci sa dve merne stanice od 2020.",
        "3 11", "10k_50k", "pilot", "Pet osnovnih škola u centru", "Marko Ilić")),
    ("queues", "Niš", "published", _problem(
        "Чекање у редовима у градској управи", Track.SMART_CITY,
        "Грађани чекају и по два сата на шалтеру за личне документе и дозволе.",
        "Термини се не могу заказати унапред; гужве су понедељком и пред празнике.",
        "Сви грађани који долазе на шалтер", 90_000, "Број издатих докумената по дану, време чекања из анкета.",
        "9 11 16", "10k_50k", "public_procurement", "Услужни центар градске управе", "Vesna Đukić")),
    ("tourism", "Pirot", "submitted", _problem(
        "Visitor flows on Stara planina", Track.SMART_RURAL,
        "Weekend crowds overload the roads and the nature park's trails.",
        "The municipality wants to guide visitors before they leave home.",
        "Villages on the mountain road, park rangers, tourists", 9_000,
        "Parking counts at Babin zub, ski lift passes.", "8 12 15", "10k_50k", "pilot",
        "Babin zub and Jabučko ravnište", "Ana Stanković")),
    ("water", "Ivanjica", "published", _problem(
        "Drinking water losses in village networks", Track.SMART_RURAL,
        "A third of the water pumped never reaches a tap.",
        "Old pipes and no metering between the pumping station and 14 villages; leaks are found by chance.",
        "Households in 14 villages, two schools", 4_200,
        "Monthly pumping volumes since 2019; network plans on paper.", "6 11", "10k_50k", "pilot",
        "Kušići and Bratljevo", "Jelena Marković")),
    ("snow", "Ivanjica", "draft", {"title": "Prioriteti čišćenja snega na planinskim putevima", "track": "smart_rural",
                                    "summary": "Koji putevi prvi, kad ima samo dva plužna vozila?"}),
    ("school_bus", "Kladovo", "published", _problem(
        "School transport for scattered villages", Track.SMART_RURAL,
        "Children from hamlets along the Danube walk up to 4 km to the school bus.",
        "Bus routes were drawn 20 years ago; families have moved, the roads have not changed.",
        "Pupils and parents in 11 villages", 650, "Pupil addresses (anonymised), bus timetables, road categories.",
        "4 10 11", "under_10k", "pilot", "Villages of Kladovo municipality", "Dragan Jović")),
    ("flood", "Kladovo", "withdrawn", _problem(
        "Upozorenja na poplave duž Dunava", Track.SMART_RURAL,
        "Mala sela saznaju za visok vodostaj tek kad voda stigne.",
        "Opština je problem povukla: Republički hidrometeorološki zavod uvodi nacionalni sistem upozorenja.",
        "Stanovnici priobalnih sela", 3_000, "Vodostaji sa dve merne stanice.", "11 13", "under_10k", "pilot",
        "Priobalna sela", "Dragan Jović")),
    ("telemedicine", "Knjaževac", "published", _problem(
        "Zdravstvena zaštita za udaljena sela", Track.SMART_RURAL,
        "Stariji meštani 86 sela do lekara putuju i po dva sata.",
        "Dom zdravlja ima šest ambulanti za celu opštinu; lekar obilazi sela jednom mesečno.",
        "Meštani stariji od 65 godina", 7_500, "Broj poseta po ambulanti, spisak hroničnih pacijenata (anonimno).",
        "3 10", "10k_50k", "co_funding", "Sela oko Kalne i Minićeva", "Milica Popović")),
    ("milk", "Knjaževac", "submitted", _problem(
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

# The year's outcome for each application (the scores are drawn from it, so the rounds reach it):
FINALIST, ACCEPTED, SHORTLISTED, INTERVIEW_REJECTED, RESERVE, REJECTED, DRAFT = (
    "finalist", "accepted", "shortlisted", "rejected after the interview", "reserve", "rejected", "draft",
)  # fmt: skip
QUALITY = {FINALIST: 8.6, ACCEPTED: 7.6, SHORTLISTED: 6.6, INTERVIEW_REJECTED: 6.2, RESERVE: 5.3, REJECTED: 3.6}


@dataclass(frozen=True)
class DemoStartup:
    name: str
    city: str
    country: str
    track: Track
    sector: str
    languages: list[str]
    stage: StartupStage
    founded: int
    outcome: str
    problem: str | None
    support: list[str]
    solution: str
    founder: str = ""  # email; generated from the name when empty
    founder_name: str = ""
    pitch: str = ""
    extra: dict[str, str] = field(default_factory=dict)


C, R = Track.SMART_CITY, Track.SMART_RURAL
P, M, T, ID = StartupStage.PILOT, StartupStage.MARKET, StartupStage.PROTOTYPE, StartupStage.IDEA
SR, EN = ["sr"], ["sr", "en"]
STARTUPS = [
    DemoStartup("AgroSense", "Novi Sad", "Serbia", R, "Water", EN, P, 2022, FINALIST, "water",
                ["iot", "public_procurement"],
                "Clip-on acoustic sensors on the main pipes and flow meters at the village inlets, read over LoRaWAN; "
                "an alert names the pipe section that leaks.",
                founder="founder@agrosense.example", founder_name="Nikola Jovanović",
                pitch="Cheap acoustic and flow sensors that find leaks in village water networks.",
                extra={"why_us": "Two utilities in Vojvodina run our sensors; our team has a hydraulic engineer.",
                       "traction": "Two paid pilots, 140 sensors in the field.",
                       "pilot_plan": "Eight weeks in Kušići and Bratljevo with the utility: 30 sensors, "
                                     "weekly reports.",
                       "impact": "A third less water lost; fewer days without water in summer."}),
    DemoStartup("ParkPulse", "Belgrade", "Serbia", C, "Mobility", EN, M, 2021, ACCEPTED, "parking",
                ["public_procurement", "go_to_market"],
                "Occupancy from the city's existing cameras, processed on the camera: no face or plate is stored.",
                founder="ceo@parkpulse.example", founder_name="Sara Nikolić",
                pitch="Live parking occupancy from existing cameras, without storing a face or a plate."),
    DemoStartup("WaterWatch Balkans", "Skopje", "North Macedonia", R, "Water", ["mk", "en"], T, 2023, FINALIST,
                "water", ["data", "iot"], "Water balance per village zone from pump logs and a few portable meters.",
                pitch="Water quality and loss alerts for small utilities."),
    DemoStartup("TermoGrid", "Kragujevac", "Serbia", C, "Energy", SR, T, 2023, FINALIST, "heating",
                ["energy", "data"], "Model rizika kvara za svaku deonicu vrelovoda, iz istorije kvarova i "
                "temperatura."),
    DemoStartup("SeloBus", "Zaječar", "Serbia", R, "Mobility", SR, T, 2024, FINALIST, "school_bus",
                ["mobility", "public_procurement"], "Rute školskog autobusa koje se svake godine prave iznova, "
                "prema adresama učenika, sa aplikacijom za roditelje."),
    DemoStartup("HladSenka", "Novi Sad", "Serbia", C, "Climate", EN, P, 2022, FINALIST, "heat",
                ["data", "ux"], "Mapa toplotnih ostrva po bloku i plan sadnje drveća koji najviše snižava noćnu "
                "temperaturu."),
    DemoStartup("TeleDoktor", "Niš", "Serbia", R, "Health", EN, M, 2020, FINALIST, "telemedicine",
                ["e_health", "legal"], "Mobilna ambulanta sa telemedicinskom vezom ka domu zdravlja, dva dana "
                "nedeljno u selu."),
    DemoStartup("РедНула", "Niš", "Serbia", C, "GovTech", EN, T, 2023, ACCEPTED, "queues",
                ["ux", "public_procurement"], "Заказивање термина на шалтеру преко телефона, СМС-а и веба, "
                "са прогнозом гужве."),
    DemoStartup("DeltaFlow", "Subotica", "Serbia", R, "Water", ["hu", "sr"], P, 2021, ACCEPTED, "water",
                ["iot", "fundraising"], "Smart water meters for village inlets with a shared dashboard for the "
                "utility and the local community office."),
    DemoStartup("ThermaLab", "Ljubljana", "Slovenia", C, "Energy", ["sl", "en"], M, 2019, ACCEPTED, "heating",
                ["go_to_market", "public_procurement"], "Fibre-optic temperature sensing along heating pipes finds "
                "weak sections before they burst."),
    DemoStartup("Školski put", "Bor", "Serbia", R, "Mobility", SR, ID, 2025, ACCEPTED, "school_bus",
                ["mobility", "ux"], "Zajednički prevoz dece do autobuske stanice, koji organizuju roditelji iz "
                "zaseoka."),
    DemoStartup("VitaLink", "Sarajevo", "Bosnia and Herzegovina", R, "Health", ["bs", "en"], P, 2022, ACCEPTED,
                "telemedicine", ["e_health", "fundraising"], "Home blood-pressure and glucose kits that send "
                "readings to the village nurse."),
    DemoStartup("GreenRoof Lab", "Novi Sad", "Serbia", C, "Climate", EN, T, 2024, SHORTLISTED, "heat",
                ["data", "fundraising"], "Lightweight green roofs for prefabricated high-rises, with sensors that "
                "prove the cooling effect."),
    DemoStartup("Pametni šalter", "Kragujevac", "Serbia", C, "GovTech", SR, ID, 2025, SHORTLISTED, "queues",
                ["ux"], "Virtuelni red: građanin dobija poruku kad je njegov red blizu."),
    DemoStartup("FlowMeter", "Čačak", "Serbia", R, "Water", EN, T, 2023, INTERVIEW_REJECTED, "water",
                ["iot"], "Jeftini ultrazvučni merači protoka za seoske vodovode."),
    DemoStartup("Parkiraj", "Zagreb", "Croatia", C, "Mobility", ["hr", "en"], M, 2020, INTERVIEW_REJECTED,
                "parking", ["go_to_market"], "Parking sensors in the asphalt and an app that guides to a free space."),
    DemoStartup("Kotao+", "Kragujevac", "Serbia", C, "Energy", SR, ID, 2025, RESERVE, "heating",
                ["energy"], "Daljinsko očitavanje toplotnih podstanica u zgradama."),
    DemoStartup("RuralRide", "Kraljevo", "Serbia", R, "Mobility", EN, T, 2024, RESERVE, "school_bus",
                ["mobility"], "On-demand minibuses for villages, booked by phone call or app."),
    DemoStartup("UrbanShade", "Belgrade", "Serbia", C, "Climate", EN, ID, 2025, RESERVE, "heat",
                ["data"], "Shade sails for school yards, placed where the heat map says they matter most."),
    DemoStartup("ZdravoSelo", "Knjaževac", "Serbia", R, "Health", SR, ID, 2025, RESERVE, "telemedicine",
                ["e_health"], "Volonteri iz sela obučeni da mere pritisak i šalju rezultate lekaru."),
    DemoStartup("CityQueue", "Podgorica", "Montenegro", C, "GovTech", ["cnr", "en"], T, 2023, REJECTED, "queues",
                ["ux"], "A queue ticket kiosk with an SMS reminder."),
    DemoStartup("LeakLess", "Tirana", "Albania", R, "Water", ["sq", "en"], T, 2022, REJECTED, "water",
                ["iot"], "Pressure loggers that flag night-time flow anomalies."),
    DemoStartup("SpotFinder", "Belgrade", "Serbia", C, "Mobility", EN, ID, 2025, REJECTED, "parking",
                ["go_to_market"], "Crowd-sourced free parking spaces reported by drivers."),
    DemoStartup("Agrotech Banat", "Zrenjanin", "Serbia", R, "Water", SR, T, 2023, REJECTED, "water",
                ["agritech"], "Senzori vlažnosti zemljišta koji dele podatke sa vodovodom."),
    DemoStartup("BusTracker", "Kruševac", "Serbia", R, "Mobility", EN, T, 2022, REJECTED, "school_bus",
                ["mobility"], "GPS trackers on school buses and a map for parents."),
    DemoStartup("MediCall", "Banja Luka", "Bosnia and Herzegovina", R, "Health", ["bs", "en"], T, 2023, REJECTED,
                "telemedicine", ["e_health"], "A call centre of nurses for rural patients."),
    DemoStartup("Heatless", "Belgrade", "Serbia", C, "Climate", EN, ID, 2025, REJECTED, "heat",
                ["data"], "Cool-paint coatings for roofs."),
    DemoStartup("PipeScan", "Niš", "Serbia", C, "Energy", EN, T, 2023, REJECTED, "heating",
                ["data"], "Drone thermography of heating pipes once a year."),
    DemoStartup("ParkingBot", "Novi Sad", "Serbia", C, "Mobility", EN, ID, 2025, REJECTED, "parking",
                ["go_to_market"], "A chatbot that tells drivers where parking is cheapest."),
    DemoStartup("e-Red", "Niš", "Serbia", C, "GovTech", SR, ID, 2025, REJECTED, "queues",
                ["ux"], "Aplikacija za zakazivanje termina u svim javnim službama."),
    DemoStartup("VillageNet", "Užice", "Serbia", R, "Water", EN, T, 2022, REJECTED, "water",
                ["iot"], "A LoRaWAN network for villages, shared by water, lighting and waste sensors."),
    DemoStartup("KlimaKarta", "Sombor", "Serbia", C, "Climate", SR, T, 2024, REJECTED, "heat",
                ["data"], "Mreža jeftinih termometara na balkonima stanara."),
    DemoStartup("Daljinar", "Negotin", "Serbia", R, "Mobility", SR, ID, 2025, REJECTED, "school_bus",
                ["mobility"], "Deljenje vožnji među roditeljima iz istog zaseoka."),
    DemoStartup("ApotekaGo", "Leskovac", "Serbia", R, "Health", SR, T, 2024, REJECTED, "telemedicine",
                ["e_health"], "Dostava lekova u sela dronom."),
    DemoStartup("GridFix", "Kraljevo", "Serbia", C, "Energy", EN, T, 2023, REJECTED, "heating",
                ["energy"], "A maintenance planner for heating utilities."),
    DemoStartup("Spot On", "Skopje", "North Macedonia", C, "Mobility", ["mk", "en"], T, 2022, REJECTED, "parking",
                ["go_to_market"], "Parking meters that take card payments."),
    DemoStartup("Šumadija Sensors", "Aranđelovac", "Serbia", R, "Water", SR, ID, 2025, DRAFT, "water",
                ["iot"], "Senzori nivoa vode u rezervoarima."),
    DemoStartup("MetroMind", "Belgrade", "Serbia", C, "Mobility", EN, ID, 2026, DRAFT, "parking",
                [], ""),
    DemoStartup("Pčelica", "Knjaževac", "Serbia", R, "Agriculture", SR, ID, 2026, DRAFT, None,
                ["agritech"], "Digitalna vaga za košnice."),
    DemoStartup("NightBus", "Kladovo", "Serbia", R, "Mobility", EN, ID, 2026, DRAFT, "school_bus",
                [], "Evening buses for teenagers in villages."),
]  # fmt: skip
FIT_NOTE = ("AgroSense", "Ivanjica", "Fits our villages well; the utility has already met the team.")
DECLARED_CONFLICT = ("nenad.simic@naled.demo.rs", "ParkPulse", "I advised ParkPulse on their tender last year.")

# Judging: the rubric (shared by the scored rounds) and the rounds.
RUBRIC = [
    ("Impact", "How much of the problem goes away, for how many people.", 3, 1, 10, False),
    ("Feasibility", "Can the team pilot it in the municipality within the budget and in three months?", 2, 1, 10,
     False),
    ("Team strength", "Skills, commitment and track record.", 1, 1, 10, False),
    ("Municipality fit", "Shown only: how well it fits the municipality's way of working.", 0, 1, 5, True),
]  # fmt: skip
# name, method, entry, judges per application, cap per judge, how many advance, normalisation.
SCREENING = ("Written screening", "weighted_rubric", "all_submitted", 3, 15, 16, "judge_offset")
INTERVIEWS = ("Interviews", "weighted_rubric", "advanced", 2, 6, 12, "judge_offset")
SEMI_FINAL = ("Semi-final", "weighted_rubric", "advanced", 3, 6, 6, "z_score")
FINAL = ("Final", "pairwise", "advanced", 1, 50, 3, "judge_offset")
PAIRWISE_JUDGES = 6
VOTES_PER_JUDGE = 5

MESSAGES = {
    "shortlisted": "Congratulations: you are on the shortlist. We will invite you to an interview.",
    "rejected": "Thank you for applying. The jury did not shortlist your application this year.",
    "accepted": "Welcome to the programme: your mentor will contact you this week.",
    "interview_rejected": "Thank you for the interview. The jury chose other teams for the programme.",
    "finalist": "You are in the final: pitch at the hackathon.",
}

# The year, in days from today (phase starts), and the hackathon (today 09:00 to tomorrow 18:00).
TIMELINE_DAYS = {
    Phase.PROBLEM_INTAKE: -150,
    Phase.APPLICATIONS: -110,
    Phase.SCREENING: -75,
    Phase.MENTORING: -50,
    Phase.HACKATHON: -2,
    Phase.FINAL_JUDGING: 2,
    Phase.RESULTS: 9,
}
# When in the story each stage happened (days from today): timestamps are moved there afterwards.
STAGE_DAYS = {
    "intake": -140,
    "applications": -80,
    "screening": -70,
    "interviews": -56,
    "programme": -50,
    "semi_final": -10,
    "hackathon": -1,
    "final": 0,
    "schedule": -1,
}
HACKATHON_FORM = {
    "name": "Smart Challenge Hackathon", "venue": "Startit Centar, Novi Sad", "timezone": ZONE,
    "slot_minutes": "5", "pitch_minutes": "10", "office_hours_minutes": "30", "buffer_minutes": "5",
    "panel_sitting_minutes": "90", "panel_pause_minutes": "15", "pitches_per_team": "1", "office_hours_per_team": "1",
}  # fmt: skip
ROOMS = [("Main hall", "120"), ("Room Tesla", "20"), ("Room Pupin", "20"), ("Mentor corner", "12")]
# title, kind, day (0 or 1), from, to, room (index or None), for everyone.
HACKATHON_SESSIONS = [
    ("Opening and the municipalities' challenges", "talk", 0, "09:00", "09:45", 0, True),
    ("Lunch", "break", 0, "13:00", "14:00", None, True),
    ("Procurement for pilots: what a municipality may buy", "workshop", 0, "16:00", "17:00", 0, False),
    ("Lunch", "break", 1, "12:30", "13:30", None, True),
    ("Final pitches and awards", "talk", 1, "16:00", "18:00", 0, True),
]
PANELS = [("Panel City", [1, 4, 7]), ("Panel Rural", [0, 3, 5])]  # indexes into JUDGES

# Last year: (startup, track, status, problem key of 2025 or None).
PAST_PROBLEMS = [
    ("lighting", "Kragujevac", _problem(
        "Smart street lighting", Track.SMART_CITY, "Lights burn all night on empty streets while busy ones stay dark.",
        "The 2025 edition piloted adaptive lighting on two boulevards.", "Everyone on the city's streets at night",
        170_000, "Energy bills per lighting cabinet, failure reports.", "7 11 13", "50k_200k", "public_procurement",
        "Two boulevards in the centre", "Marko Ilić")),
    ("waste", "Pirot", _problem(
        "Odvoz otpada iz planinskih sela", Track.SMART_RURAL,
        "Kamion ide u svako selo jednom nedeljno, i pun i prazan.",
        "U 2025. opština je isprobala senzore popunjenosti kontejnera.", "Meštani 70 sela", 12_000,
        "Rute kamiona, težina otpada po turi.", "11 12", "10k_50k", "pilot", "Sela Visoka", "Ana Stanković")),
]  # fmt: skip
PAST_APPLICATIONS = [
    ("AgroSense", R, ApplicationStatus.WINNER, "waste"),
    ("ParkPulse", C, ApplicationStatus.WINNER, "lighting"),
    ("WaterWatch Balkans", R, ApplicationStatus.FINALIST, "waste"),
    ("TermoGrid", C, ApplicationStatus.FINALIST, "lighting"),
    ("TeleDoktor", R, ApplicationStatus.FINALIST, "waste"),
    ("SpotFinder", C, ApplicationStatus.REJECTED, "lighting"),
]
PAST_RUBRIC = [("Impact", 3.0), ("Feasibility", 2.0), ("Team strength", 1.0)]

# A minimal valid PDF: the teams' pitch decks (the team's name is written into each).
DEMO_DECK = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj "
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)
# Founders of the startups whose founder the table does not name.
FOUNDER_NAMES = [
    "Luka Stevanović", "Mina Živković", "Filip Lazić", "Tamara Jeremić", "Ognjen Babić", "Katarina Mitić",
    "Bojan Ranković", "Nina Đurić", "Vuk Marinković", "Sofija Bogdanović", "Andrej Kostov", "Lejla Hodžić",
    "Ivan Horvat", "Ema Kranjc", "Arben Hoxha", "Milica Stojković", "Nemanja Ćirić", "Jana Obradović",
    "Uroš Milenković", "Dunja Pešić", "Aleksa Janković", "Tijana Ilić", "Marko Perić", "Sara Lukić",
    "Petar Gajić", "Anja Simović", "Đorđe Vuković", "Lana Savić", "Miloš Radić", "Iva Petković",
    "Stefan Jovičić", "Teodora Kovač", "Matija Nedić", "Elena Trajkovska", "Relja Zorić", "Hana Begić",
    "Viktor Šarić", "Maša Dimić", "Lazar Popović", "Vera Mandić",
]  # fmt: skip


# --- loaders ---------------------------------------------------------------------------------------


@dataclass
class _World:
    """What the loaders have made so far, by the names the content tables use."""

    edition: int = 0
    users: dict[str, int] = field(default_factory=dict)  # email -> user id
    municipalities: dict[str, int] = field(default_factory=dict)
    staff: dict[str, str] = field(default_factory=dict)  # municipality -> staff email
    problems: dict[str, int] = field(default_factory=dict)
    founders: dict[str, str] = field(default_factory=dict)  # startup -> founder email
    startups: dict[str, int] = field(default_factory=dict)
    applications: dict[str, int] = field(default_factory=dict)  # startup -> this year's application
    quality: dict[int, float] = field(default_factory=dict)  # application -> how good it is
    rounds: dict[str, int] = field(default_factory=dict)
    stages: list[tuple[str, datetime]] = field(default_factory=list)  # the stage and when it began (real time)
    hackathon: int = 0

    async def as_user(self, email: str) -> CurrentUser:
        user = await load_current_user(self.users[email])
        assert user is not None
        return user


async def load_demo() -> bool:
    """Load the demo edition unless it is there already. True if it was loaded now."""
    started = time.monotonic()
    async with db.transaction():
        if await Edition.exists().where(Edition.slug == EDITION_SLUG):
            _print_logins(loaded=False)
            return False
        world = _World()
        _begin(world, "intake")
        await _editions_and_people(world)
        await _set_timeline(world.edition, current=Phase.PROBLEM_INTAKE)
        await _problems(world)
        await _residents_speak(world)
        _begin(world, "applications")
        await _set_timeline(world.edition, current=Phase.APPLICATIONS)
        await _applications(world)
        _begin(world, "screening")
        await _set_timeline(world.edition, current=Phase.SCREENING)
        await _judges(world)
        await _screening(world)
        _begin(world, "interviews")
        await _interviews(world)
        _begin(world, "programme")
        await _set_timeline(world.edition, current=Phase.MENTORING)
        await _mentoring(world)
        _begin(world, "semi_final")
        await _semi_final(world)
        _begin(world, "hackathon")
        await _set_timeline(world.edition, current=Phase.HACKATHON)
        await _hackathon(world)
        _begin(world, "final")
        await _pairwise_final(world)
        await Edition.update({Edition.applied_phase: Phase.HACKATHON}).where(Edition.id == world.edition)
        await _past_edition(world)
        await _move_to_story_time(world)
        await _mark_mail_delivered()
    # The schedule builder runs in a task of its own, which sees only committed rows.
    _begin(world, "schedule")
    await _build_schedule(world)
    async with db.transaction():
        await _move_to_story_time(world, since="schedule")
        await _mark_mail_delivered()
        await _demo_languages()
    _print_logins(loaded=True, seconds=time.monotonic() - started)
    return True


def _begin(world: _World, stage: str) -> None:
    world.stages.append((stage, utc_now()))


async def _set_timeline(edition_id: int, *, current: Phase) -> None:
    """The year's timeline, shifted so that `current` began a day ago (the story replays the year)."""
    shift = -1 - TIMELINE_DAYS[current]
    now = utc_now()
    await EditionPhase.delete().where(EditionPhase.edition == edition_id)
    for phase, days in TIMELINE_DAYS.items():
        await EditionPhase.insert(
            EditionPhase(edition=edition_id, phase=phase, starts_at=now + timedelta(days=days + shift))
        )


async def _new_user(world: _World, email: str, name: str, password_hash: str) -> int:
    user_id = (
        await User.insert(User(email=email, name=name, password_hash=password_hash, is_verified=True)).returning(
            User.id
        )
    )[0]["id"]
    world.users[email] = user_id
    return user_id


async def _editions_and_people(world: _World) -> None:
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
                    contact_email=f"smart@{_slug(name)}.demo.rs",
                )
            ).returning(Municipality.id)
        )[0]["id"]
    password_hash = hash_password(DEMO_PASSWORD)
    for email, name, role, organisation in PEOPLE:
        user_id = await _new_user(world, email, name, password_hash)
        if role in (Role.ORGANISER, Role.MUNICIPALITY, Role.JUDGE, Role.MENTOR):
            municipality = world.municipalities[organisation] if role == Role.MUNICIPALITY else None
            if municipality is not None:
                world.staff[organisation] = email
            await grant_role(
                actor_id=None,
                user_id=user_id,
                role=role,
                edition_id=None if role in (Role.ORGANISER, Role.MUNICIPALITY) else world.edition,
                organisation_id=municipality,
            )
        elif role == Role.STARTUP:
            world.founders[organisation] = email
    for email, name, town in STAFF:
        user_id = await _new_user(world, email, name, password_hash)
        world.staff[town] = email
        await grant_role(
            actor_id=None, user_id=user_id, role=Role.MUNICIPALITY, organisation_id=world.municipalities[town]
        )
    for email, name in RESIDENTS:
        await _new_user(world, email, name, password_hash)
    for email, name, *_rest in JUDGES[1:]:
        user_id = await _new_user(world, email, name, password_hash)
        await grant_role(actor_id=None, user_id=user_id, role=Role.JUDGE, edition_id=world.edition)
    for email, name, *_rest in MENTORS[1:]:
        user_id = await _new_user(world, email, name, password_hash)
        await grant_role(actor_id=None, user_id=user_id, role=Role.MENTOR, edition_id=world.edition)
    for index, startup in enumerate(STARTUPS):
        email = world.founders.get(startup.name) or startup.founder or f"team@{_slug(startup.name)}.example"
        world.founders[startup.name] = email
        if email not in world.users:
            await _new_user(
                world, email, startup.founder_name or FOUNDER_NAMES[index % len(FOUNDER_NAMES)], password_hash
            )


def _slug(name: str) -> str:
    import unicodedata

    latin = name.translate(str.maketrans("РедНула", "RedNula"))
    ascii_name = unicodedata.normalize("NFKD", latin.replace("đ", "dj").replace("Đ", "Dj")).encode("ascii", "ignore")
    return "".join(ch for ch in ascii_name.decode().lower() if ch.isalnum())


# --- problem intake -----------------------------------------------------------------------------


async def _problems(world: _World) -> None:
    organiser = await world.as_user(ORGANISER)
    for key, town, status, data in PROBLEMS:
        staff = await world.as_user(world.staff[town])
        problem_id = await problem_services.save_problem(
            user=staff,
            data=data,
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


async def _residents_speak(world: _World) -> None:
    residents = ["resident@demo.smartchallenge.rs", *(email for email, _name in RESIDENTS)]
    for key, count in ENDORSEMENTS.items():
        for email in residents[:count]:
            await voice.endorse(user=await world.as_user(email), problem_id=world.problems[key])
    organiser = await world.as_user(ORGANISER)
    for key, email, body in COMMENTS:
        comment_id = await voice.add_comment(user=await world.as_user(email), problem_id=world.problems[key], body=body)
        if "example.com" in body:
            await voice.moderate_comment(user=organiser, comment_id=comment_id, hide=True, reason=HIDDEN_COMMENT_REASON)


# --- applications ---------------------------------------------------------------------------------


def _is_serbian(text: str) -> bool:
    return any(ch in text for ch in "čćžšđČĆŽŠĐ") or any("\u0400" <= ch <= "\u04ff" for ch in text) or " u " in text


def _texts(startup: DemoStartup, town: str) -> dict[str, str]:
    """The application's prose, in the language the team wrote its solution in."""
    if any("\u0400" <= ch <= "\u04ff" for ch in startup.solution):
        texts = {
            "why_us": f"Наш тим из града {startup.city} од {startup.founded}. године гради решења за јавну управу.",
            "traction": "Прототип ради у једној општини; две општине су потписале писмо о намерама.",
            "pilot_plan": f"Десет недеља у граду {town}: постављање, мерење и извештај сваке две недеље.",
            "impact": "Краће чекање и мање гужве, мерено према подацима града.",
        }
    elif _is_serbian(startup.solution):
        texts = {
            "why_us": f"Naš tim ({startup.city}) od {startup.founded}. godine razvija rešenja za javni sektor.",
            "traction": {
                "idea": "Ideja je proverena sa meštanima i opštinom.",
                "prototype": "Prototip radi; dve opštine su potpisale pismo o namerama.",
                "pilot": "Dva plaćena pilota u Srbiji.",
                "market": "Rešenje koristi dvanaest opština.",
            }[startup.stage.value],
            "pilot_plan": f"Deset nedelja u opštini {town}: postavljanje, merenje i izveštaj svake dve nedelje.",
            "impact": "Merljivo manji problem u odnosu na polazne podatke opštine.",
        }
    else:
        texts = {
            "why_us": f"Our team in {startup.city} has built products for public clients since {startup.founded}.",
            "traction": {
                "idea": "The idea was tested in interviews with residents and the municipality.",
                "prototype": "A working prototype and letters of intent from two municipalities.",
                "pilot": "Two paid pilots in the region.",
                "market": "Used by twelve municipalities in three countries.",
            }[startup.stage.value],
            "pilot_plan": f"Ten weeks in {town} with the municipality's team: install, measure, report every "
            "two weeks.",
            "impact": "A measurable reduction of the problem against the municipality's own baseline.",
        }
    return {**texts, **startup.extra}


async def _deck(world: _World, startup: DemoStartup, owner: int) -> int:
    content = DEMO_DECK.replace(b"%%EOF", f"% {_slug(startup.name)} pitch deck\n%%EOF".encode())
    writer = get_storage().writer()
    writer.write(content)
    writer.commit()
    return (
        await StoredFile.insert(
            StoredFile(
                key=writer.key,
                original_name=f"{_slug(startup.name)}-pitch.pdf",
                content_type="application/pdf",
                size=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                owner=owner,
                purpose="pitch_deck",
            )
        ).returning(StoredFile.id)
    )[0]["id"]


async def _applications(world: _World) -> None:
    question = (
        await EligibilityQuestion.insert(
            EligibilityQuestion(
                edition=world.edition,
                position=1,
                kind=QuestionKind.YES_NO,
                required=True,
                text="Is your company registered in a Western Balkans or EU country?",
                eligible_answer="yes",
            )
        ).returning(EligibilityQuestion.id)
    )[0]["id"]
    problem_of = {key: (town, data) for key, town, _status, data in PROBLEMS}
    jitter = random.Random(2026)
    for startup in STARTUPS:
        email = world.founders[startup.name]
        founder = await world.as_user(email)
        world.startups[startup.name] = await teams.create_startup(
            user=founder,
            edition_id=world.edition,
            data={
                "name": startup.name,
                "country": startup.country,
                "city": startup.city,
                "founded_year": str(startup.founded),
                "website": f"https://{_slug(startup.name)}.example",
                "stage": startup.stage.value,
                "sector": startup.sector,
                "languages": startup.languages,
                "pitch": startup.pitch or startup.solution[:200],
                "title": "Founder",
            },
        )
        founder = await world.as_user(email)
        town, problem = problem_of[startup.problem] if startup.problem else ("", {})
        complete = startup.outcome != DRAFT
        data: dict[str, Any] = {
            "track": startup.track.value,
            "solution": startup.solution,
            "support_needed": startup.support,
            f"q{question}": "yes",
        }
        if startup.problem:
            data["problems"] = [world.problems[startup.problem]]
        if complete or startup.name == "Šumadija Sensors":
            data.update(_texts(startup, town), sdgs=problem.get("sdgs", "11"))
        deck = await _deck(world, startup, founder.id) if complete else None
        saved = await application_services.save_application(
            user=founder, edition_id=world.edition, data=data, pitch_deck_file_id=deck
        )
        world.applications[startup.name] = saved.application_id
        world.quality[saved.application_id] = QUALITY.get(startup.outcome, 0) + jitter.uniform(-0.3, 0.3)
        if complete:
            await application_services.submit_application(user=founder, application_id=saved.application_id)


# --- judging ----------------------------------------------------------------------------------------


async def _judges(world: _World) -> None:
    for email, _name, organisation, expertise in JUDGES:
        await judge_profiles.save_profile(
            user=await world.as_user(email),
            edition_id=world.edition,
            data={"organisation": organisation, "expertise": expertise},
        )
    email, startup, note = DECLARED_CONFLICT
    await assignments.declare_conflict(
        user=await world.as_user(email), application_id=world.applications[startup], note=note
    )


def _by_outcome(*outcomes: str) -> list[str]:
    return [s.name for s in STARTUPS if s.outcome in outcomes]


async def _create_round(world: _World, spec: tuple[str, str, str, int, int, int, str]) -> int:
    name, method, entry, per_application, per_judge, advance, normalisation = spec
    organiser = await world.as_user(ORGANISER)
    round_id = await rounds.create_round(
        user=organiser,
        edition_id=world.edition,
        data={
            "name": name,
            "method": method,
            "entry": entry,
            "judges_per_application": str(per_application),
            "max_per_judge": str(per_judge),
            "advance_count": str(advance),
            "normalisation": normalisation,
        },
    )
    if method == "weighted_rubric":
        form: dict[str, str] = {}
        for index, (criterion, guidance, weight, low, high, shown_only) in enumerate(RUBRIC):
            form.update(
                {
                    f"criteria-{index}-name": criterion,
                    f"criteria-{index}-guidance": guidance,
                    f"criteria-{index}-weight": str(weight),
                    f"criteria-{index}-scale_min": str(low),
                    f"criteria-{index}-scale_max": str(high),
                }
            )
            if shown_only:
                form[f"criteria-{index}-independent"] = "on"
        await rounds.save_rubric(user=organiser, round_id=round_id, data=form)
    await results.open_round(user=organiser, round_id=round_id)
    world.rounds[name] = round_id
    return round_id


async def _score_round(world: _World, round_id: int, *, share: float = 1.0, seed: int = 1) -> None:
    """Every judge scores their queue (the first `share` of it submitted, one more sheet kept as a draft)."""
    if not await JudgeAssignment.exists().where(JudgeAssignment.round == round_id):
        await assignments.assign_round(user=await world.as_user(ORGANISER), round_id=round_id)
    criteria = await Criterion.select().where(Criterion.round == round_id).order_by(Criterion.position)
    rng = random.Random(seed)
    for number, (email, *_rest) in enumerate(JUDGES):
        judge = await world.as_user(email)
        queue = (
            await JudgeAssignment.select()
            .where(JudgeAssignment.round == round_id, JudgeAssignment.judge == judge.id)
            .order_by(JudgeAssignment.id)
        )
        submitted = round(len(queue) * share)
        for position, assignment in enumerate(queue[: submitted + (1 if share < 1 else 0)]):
            quality = world.quality[assignment["application"]]
            values: dict[str, Any] = {}
            for criterion in criteria:
                low, high = criterion["scale_min"], criterion["scale_max"]
                raw = quality * high / 10 + LENIENCY[number] * high / 10 + rng.uniform(-0.4, 0.4)
                values[f"c{criterion['id']}"] = str(max(low, min(high, round(raw))))
            if quality > 8:
                values[f"c{criteria[0]['id']}_comment"] = "Clear plan for the pilot; the municipality is on board."
            await scoring.save_sheet(
                user=judge, assignment_id=assignment["id"], data=values, submit=position < submitted
            )


async def _close_and_advance(world: _World, round_id: int, intended: list[str], *, min_rural: int = 0) -> None:
    """Close, advance the top N (with a rural quota); by hand only if the scores did not reach the story."""
    organiser = await world.as_user(ORGANISER)
    await results.close_round(user=organiser, round_id=round_id)
    chosen = await results.advance(user=organiser, round_id=round_id, min_rural=min_rural)
    wanted = {world.applications[name] for name in intended}
    if set(chosen.chosen) != wanted:
        print(f"demo: round {round_id} advanced {sorted(chosen.chosen)}, not {sorted(wanted)}; advancing by hand")
        await results.advance(user=organiser, round_id=round_id, application_ids=sorted(wanted))


async def _change(world: _World, names: list[str], status: str, message: str) -> None:
    await application_services.change_status(
        user=await world.as_user(ORGANISER),
        application_ids=[world.applications[n] for n in names],
        status=status,
        message=message,
    )


async def _screening(world: _World) -> None:
    """All submitted applications scored by three judges each; the top 16 shortlisted, most others rejected."""
    round_id = await _create_round(world, SCREENING)
    await _score_round(world, round_id, seed=1)
    await _close_and_advance(
        world, round_id, _by_outcome(FINALIST, ACCEPTED, SHORTLISTED, INTERVIEW_REJECTED), min_rural=6
    )
    organiser = await world.as_user(ORGANISER)
    await results.publish_results(
        user=organiser, round_id=round_id, outcome="shortlisted", message=MESSAGES["shortlisted"]
    )
    await _change(world, _by_outcome(REJECTED), "rejected", MESSAGES["rejected"])


async def _interviews(world: _World) -> None:
    round_id = await _create_round(world, INTERVIEWS)
    await _score_round(world, round_id, seed=2)
    await _close_and_advance(world, round_id, _by_outcome(FINALIST, ACCEPTED))
    await results.publish_results(
        user=await world.as_user(ORGANISER), round_id=round_id, outcome="accepted", message=MESSAGES["accepted"]
    )
    await _change(world, _by_outcome(INTERVIEW_REJECTED), "rejected", MESSAGES["interview_rejected"])
    application_id, municipality = world.applications[FIT_NOTE[0]], world.municipalities[FIT_NOTE[1]]
    await application_services.add_fit_note(
        user=await world.as_user(world.staff[FIT_NOTE[1]]),
        application_id=application_id,
        municipality_id=municipality,
        note=FIT_NOTE[2],
    )


async def _semi_final(world: _World) -> None:
    """Scored and closed; its six advance to the final (the round's own results page is not published)."""
    round_id = await _create_round(world, SEMI_FINAL)
    await _score_round(world, round_id, seed=3)
    await _close_and_advance(world, round_id, _by_outcome(FINALIST), min_rural=2)
    await _change(world, _by_outcome(FINALIST), "finalist", MESSAGES["finalist"])


async def _pairwise_final(world: _World) -> None:
    """Open at the hackathon: six judges have compared the finalists' pitches a few times each."""
    round_id = await _create_round(world, FINAL)
    for email, *_rest in JUDGES[:PAIRWISE_JUDGES]:
        judge = await world.as_user(email)
        seat = await pairwise.seat(user=judge, round_id=round_id)
        previous, current = None, seat["current"]
        for _vote in range(VOTES_PER_JUDGE + 1):
            if current is None:
                break
            if previous is None:
                choice = "next"
            else:
                choice = "current" if world.quality[current] > world.quality[previous] else "previous"
            await pairwise.advance(user=judge, round_id=round_id, choice=choice)
            row = await pairwise.seat(user=judge, round_id=round_id)
            previous, current = row["previous"], row["current"]


# --- mentoring --------------------------------------------------------------------------------------


async def _mentoring(world: _World) -> None:
    """Profiles, one matching run that pairs every team, published; then a few weeks of sessions."""
    for email, _name, organisation, bio, expertise, sectors, languages, capacity, zone, hours in MENTORS:
        data: dict[str, Any] = {
            "bio": bio,
            "organisation": organisation,
            "expertise": expertise,
            "languages": languages,
            "sectors": "\n".join(sectors),
            "capacity": str(capacity),
            "timezone": zone,
        }
        for day, start, end in hours:
            data[f"avail_{day}_start"] = f"{start // 60:02d}:{start % 60:02d}"
            data[f"avail_{day}_end"] = f"{end // 60:02d}:{end % 60:02d}"
        await mentor_profiles.save_profile(user=await world.as_user(email), edition_id=world.edition, data=data)
    organiser = await world.as_user(ORGANISER)
    run_id = await matching.start_run(user=organiser, edition_id=world.edition)
    while matching._tasks:
        await asyncio.gather(*list(matching._tasks), return_exceptions=True)
    run = await MatchRun.select().where(MatchRun.id == run_id).first().output(load_json=True)
    if run["status"] != "done" or run["unmatched"]:
        print(f"demo: the matching run ended {run['status']} with {len(run['unmatched'] or [])} unmatched")
    await matching.publish(user=organiser, edition_id=world.edition)
    await _sessions(world)


async def _sessions(world: _World) -> None:
    """Held sessions of the mentoring weeks, with notes and ratings (ParkPulse has yet to rate its last)."""
    zone = ZoneInfo(ZONE)
    today = utc_now().astimezone(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    pairs = (
        await Match.select(Match.id, Match.mentor, Match.startup, Match.application)
        .where(Match.edition == world.edition)
        .order_by(Match.id)
    )
    names = {v: k for k, v in world.startups.items()}
    for number, pair in enumerate(pairs):
        startup = names[pair["startup"]]
        for week, days_ago in enumerate((42, 28, 14)):
            starts = today - timedelta(days=days_ago - number % 5) + timedelta(hours=10 + number % 6)
            ends = starts + timedelta(hours=1)
            slot = (
                await MentoringSlot.insert(
                    MentoringSlot(
                        mentor=pair["mentor"],
                        edition=world.edition,
                        starts_at=starts,
                        ends_at=ends,
                        status=SlotStatus.BOOKED,
                        location="Online (video call)",
                    )
                ).returning(MentoringSlot.id)
            )[0]["id"]
            unrated = startup == "ParkPulse" and week == 2
            await MentoringSession.insert(
                MentoringSession(
                    slot=slot,
                    match=pair["id"],
                    mentor=pair["mentor"],
                    startup=pair["startup"],
                    starts_at=starts,
                    ends_at=ends,
                    status=SessionStatus.HELD,
                    active_key=str(slot),
                    booked_by=world.users[world.founders[startup]],
                    notes=(
                        "Went through the pilot plan and the municipality's data."
                        if week == 0
                        else "Reviewed the budget and the procurement steps."
                    ),
                    attendance=Attendance.ATTENDED,
                    rating=None if unrated else 4 + (number + week) % 2,
                    feedback="" if unrated else "Very useful, concrete advice.",
                )
            )


# --- the hackathon ---------------------------------------------------------------------------------


async def _hackathon(world: _World) -> None:
    """Today and tomorrow: rooms, talks and breaks, two panels (the schedule is built once this is committed)."""
    organiser = await world.as_user(ORGANISER)
    day = utc_now().astimezone(ZoneInfo(ZONE)).date()
    dates = [day, day + timedelta(days=1)]
    hackathon_id = await setup.create_hackathon(
        user=organiser,
        edition_id=world.edition,
        data={
            **HACKATHON_FORM,
            "starts_at": f"{dates[0].isoformat()}T09:00",
            "ends_at": f"{dates[1].isoformat()}T18:00",
        },
    )
    rooms = [
        await setup.add_room(user=organiser, hackathon_id=hackathon_id, data={"room_name": name, "capacity": capacity})
        for name, capacity in ROOMS
    ]
    for title, kind, on_day, start, end, room, everyone in HACKATHON_SESSIONS:
        await setup.add_session(
            user=organiser,
            hackathon_id=hackathon_id,
            data={
                "session_kind": kind,
                "session_title": title,
                "session_starts_at": f"{dates[on_day].isoformat()}T{start}",
                "session_ends_at": f"{dates[on_day].isoformat()}T{end}",
                "session_room": "" if room is None else str(rooms[room]),
                "session_everyone": "on" if everyone else "",
            },
        )
    for name, members in PANELS:
        await setup.add_panel(
            user=organiser,
            hackathon_id=hackathon_id,
            data={"panel_name": name, "judge_ids": [str(world.users[JUDGES[i][0]]) for i in members]},
        )
    world.hackathon = hackathon_id


async def _build_schedule(world: _World) -> None:
    """The solver builds the schedule; the organiser publishes it."""
    organiser = await world.as_user(ORGANISER)
    hackathon_id = world.hackathon
    run_id = await building.start_run(user=organiser, hackathon_id=hackathon_id, time_limit_seconds=5)
    await building.wait_for_runs()
    run = await ScheduleRun.select().where(ScheduleRun.id == run_id).first().output(load_json=True)
    if run["status"] != "done" or run["unplaced"]:
        print(f"demo: the schedule run ended {run['status']} with {len(run['unplaced'] or [])} items unplaced")
    await editing.publish(user=organiser, hackathon_id=hackathon_id)


# --- last year -------------------------------------------------------------------------------------


async def _past_edition(world: _World) -> None:
    """Last year's edition, finished: its problems, its rounds and its published winners."""
    now = utc_now()
    past = (
        await Edition.insert(
            Edition(
                name="Smart Cities & Smart Rural Challenge",
                year=2025,
                slug="2025",
                timezone=ZONE,
                tracks=[Track.SMART_CITY.value, Track.SMART_RURAL.value],
                description="The first edition: six municipalities, forty startups, three pilots.",
                applied_phase=Phase.RESULTS,
            )
        ).returning(Edition.id)
    )[0]["id"]
    for phase, days in TIMELINE_DAYS.items():
        await EditionPhase.insert(EditionPhase(edition=past, phase=phase, starts_at=now + timedelta(days=days - 365)))
    problems: dict[str, int] = {}
    organiser = world.users[ORGANISER]
    for key, town, data in PAST_PROBLEMS:
        fields = {k: v for k, v in data.items() if k not in ("sdgs", "open_data_links", "affected_count")}
        sdgs = [int(g) for g in data["sdgs"].split()]
        at = now - timedelta(days=500)
        problems[key] = (
            await Problem.insert(
                Problem(
                    edition=past,
                    municipality=world.municipalities[town],
                    status="published",
                    sdgs=sdgs,
                    sdg_tags="".join(f",{g}," for g in sdgs),
                    affected_count=int(data["affected_count"]),
                    open_data_links=[data["open_data_links"]],
                    submitted_at=at,
                    published_at=at,
                    **fields,
                )
            ).returning(Problem.id)
        )[0]["id"]
        for source, target in ((None, "draft"), ("draft", "submitted"), ("submitted", "published")):
            await ProblemEvent.insert(
                ProblemEvent(problem=problems[key], actor=organiser, from_status=source, to_status=target, at=at)
            )
    screening = (
        await Round.insert(
            Round(
                edition=past,
                name="Written screening",
                status=RoundStatus.PUBLISHED,
                position=1,
                judges_per_application=3,
                advance_count=5,
            )
        ).returning(Round.id)
    )[0]["id"]
    for position, (name, weight) in enumerate(PAST_RUBRIC, start=1):
        await Criterion.insert(Criterion(round=screening, position=position, name=name, weight=weight))
    final = (
        await Round.insert(
            Round(
                edition=past,
                name="Final",
                method="pairwise",
                entry="advanced",
                position=2,
                status=RoundStatus.PUBLISHED,
                advance_count=2,
            )
        ).returning(Round.id)
    )[0]["id"]
    for name, track, status, problem in PAST_APPLICATIONS:
        application = (
            await Application.insert(
                Application(
                    edition=past,
                    startup=world.startups[name],
                    track=track,
                    status=status,
                    solution=f"{name}: last year's pilot.",
                    submitted_at=now - timedelta(days=420),
                    active_key=f"{past}:{world.startups[name]}:{track}",
                )
            ).returning(Application.id)
        )[0]["id"]
        await ApplicationProblem.insert(ApplicationProblem(application=application, problem=problems[problem]))
        await ApplicationEvent.insert(
            ApplicationEvent(application=application, to_status=status, at=now - timedelta(days=360))
        )
        await RoundApplication.insert(
            RoundApplication(
                round=screening,
                application=application,
                key=f"{screening}:{application}",
                advanced=status != ApplicationStatus.REJECTED,
            )
        )
        if status != ApplicationStatus.REJECTED:
            await RoundApplication.insert(
                RoundApplication(
                    round=final,
                    application=application,
                    key=f"{final}:{application}",
                    advanced=status == ApplicationStatus.WINNER,
                )
            )


# --- the story's time ------------------------------------------------------------------------------

# Rows whose timestamps the services set to the moment of loading; moved to their day in the story.
STORY_TABLES = [
    User, Membership, AuditEvent, OutboxMessage, StoredFile, Problem, ProblemEvent, Endorsement, Comment, Startup,
    StartupMember, Application, ApplicationEvent, Round, JudgeAssignment, ScoreSheet, Match, MatchRun, Hackathon,
    ScheduleRun,
]  # fmt: skip
KEEP_TIMES = {"starts_at", "ends_at", "opens_at", "last_login_at"}


async def _move_to_story_time(world: _World, *, since: str | None = None) -> None:
    """Shift what each stage wrote to the day the story puts it on (each stage keeps its own order)."""
    end = utc_now()
    windows = []
    first = [stage for stage, _began in world.stages].index(since) if since else 0
    for index, (stage, began) in enumerate(world.stages):
        if index < first:
            continue
        until = world.stages[index + 1][1] if index + 1 < len(world.stages) else end + timedelta(seconds=1)
        windows.append((began, until, end + timedelta(days=STAGE_DAYS[stage]) - began))
    from piccolo.columns import Timestamptz

    for table in STORY_TABLES:
        columns = [c for c in table._meta.columns if isinstance(c, Timestamptz) and c._meta.name not in KEEP_TIMES]
        if not columns:
            continue
        for row in await table.select(table.id, *columns):
            changes = {}
            for column in columns:
                value = row[column._meta.name]
                for began, until, shift in windows:
                    if value is not None and began <= value < until:
                        changes[column] = value + shift
                        break
            if changes:
                await table.update(changes).where(table.id == row["id"])


async def _mark_mail_delivered() -> None:
    """The story's mail went to demo addresses long ago: shown in the outbox as sent, never sent again."""
    await OutboxMessage.update(
        {
            OutboxMessage.status: "sent",
            OutboxMessage.sent_at: OutboxMessage.created_at,
            OutboxMessage.body_with_secrets: None,
        }
    ).where(OutboxMessage.status == "pending")


# A few demo texts in both languages, found by either version's title: (English, Serbian) for
# title, summary and context (a missing context stays in the language written).
DEMO_TRANSLATIONS = [
    (("Drinking water losses in village networks", "Gubici pitke vode u seoskim mrežama"),
     ("A third of the water pumped never reaches a tap.", "Trećina ispumpane vode nikada ne stigne do slavine."),
     ("Old pipes and no metering between the pumping station and 14 villages; leaks are found by chance.",
      "Stare cevi i nema merenja između crpne stanice i 14 sela; curenja se otkrivaju slučajno.")),
    (("Cruising for parking in the city centre", "Kruženje u potrazi za parkingom u centru grada"),
     ("Up to a third of centre traffic is drivers looking for a free space.",
      "Do trećine saobraćaja u centru čine vozači koji traže slobodno mesto."),
     ("", "")),
    (("School transport for scattered villages", "Školski prevoz za raštrkana sela"),
     ("Children from hamlets along the Danube walk up to 4 km to the school bus.",
      "Deca iz zaseoka duž Dunava pešače i do 4 km do školskog autobusa."),
     ("", "")),
    (("Heat islands in high-rise neighbourhoods", "Toplotna ostrva u naseljima sa visokim zgradama"),
     ("On summer nights Novo naselje stays above 25 °C; older residents suffer most.",
      "Letnje noći na Novom naselju ne padaju ispod 25 °C; najteže je starijim stanarima."),
     ("Large concrete yards and few trees; the city wants to know where shade and green roofs help most.",
      "Velika betonirana dvorišta i malo drveća; grad želi da zna gde hlad i zeleni krovovi najviše pomažu.")),
    (("Queues at the city administration", "Чекање у редовима у градској управи"),
     ("Citizens wait up to two hours at the counter for identity documents and permits.",
      "Грађани чекају и по два сата на шалтеру за личне документе и дозволе."),
     ("", "")),
    (("Smart Cities & Smart Rural Challenge", "Izazov pametnih gradova i pametnih sela"),
     ("Cities, towns and villages bring real local problems; startups build and pilot solutions with mentors; "
      "the best win a paid pilot with the municipality.",
      "Gradovi, varoši i sela donose stvarne lokalne probleme; startapi sa mentorima grade i isprobavaju rešenja; "
      "najbolji dobijaju plaćeni pilot-projekat sa opštinom."),
     ("", "")),
]  # fmt: skip


async def _demo_languages() -> None:
    """Record the language each demo problem and edition is written in, and give a few of them
    their version in the other language (Serbian and English readers each see their own)."""
    by_title = {
        title: (index, column) for index, texts in enumerate(DEMO_TRANSLATIONS) for column, title in enumerate(texts[0])
    }
    for table, fields in ((Problem, ("title", "summary", "context")), (Edition, ("name", "description", None))):
        for row in await table.select(table.id, *(table._meta.get_column_by_name(f) for f in fields if f)):
            language = guess_language(" ".join(str(row[f]) for f in fields if f))
            values: dict[str, str] = {"language": language}
            if row[fields[0]] in by_title:
                index, written = by_title[row[fields[0]]]
                other = 1 - written
                for field, texts in zip(fields, DEMO_TRANSLATIONS[index], strict=True):
                    if field and texts[other]:
                        values[f"translated_{field}"] = texts[other]
                values["language"] = "en" if written == 0 else "sr"
            await table.update(values).where(table.id == row["id"])


def _print_logins(*, loaded: bool, seconds: float | None = None) -> None:
    print("Demo edition " + (f"loaded in {seconds:.1f} s." if loaded and seconds is not None else "already present."))
    print(f"Demo logins (password for all: {DEMO_PASSWORD}):")
    for email, _name, role, organisation in PEOPLE:
        what = (role.value if role else "resident") + (f" of {organisation}" if organisation else "")
        print(f"  {email:40} {what}")
    print("  (and the other judges, mentors, municipality staff and founders of the demo, same password)")
