"""The startups and their applications, written and submitted through the application services."""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from typing import Any

from challenge.enums import QuestionKind, StartupStage, Track
from challenge.forms import application_command
from challenge.services import applications as application_services
from challenge.services import questions as own_questions
from challenge.services import teams
from challenge.tables import (
    EligibilityQuestion,
)
from core.demo.intake import PROBLEMS
from core.demo.people import ORGANISER, new_user
from core.demo.world import World, slug
from core.storage import store_bytes
from core.tables import StoredFile

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


async def founders(world: World) -> None:
    """An account for each team's founder (the README's two founders have theirs already)."""
    for index, startup in enumerate(STARTUPS):
        email = world.founders.get(startup.name) or startup.founder or f"team@{slug(startup.name)}.example"
        world.founders[startup.name] = email
        if email not in world.users:
            await new_user(world, email, startup.founder_name or FOUNDER_NAMES[index % len(FOUNDER_NAMES)])


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


async def _deck(world: World, startup: DemoStartup, owner: int) -> int:
    content = DEMO_DECK.replace(b"%%EOF", f"% {slug(startup.name)} pitch deck\n%%EOF".encode())
    writer = await store_bytes(content)
    file_id: int = (
        await StoredFile.insert(
            StoredFile(
                key=writer.key,
                original_name=f"{slug(startup.name)}-pitch.pdf",
                content_type="application/pdf",
                size=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                owner=owner,
                purpose="pitch_deck",
            )
        ).returning(StoredFile.id)
    )[0]["id"]
    return file_id


async def _own_questions(world: World) -> dict[str, int]:
    """The organisers' own questions of the demo edition, each answered in the applications."""
    organiser = await world.as_user(ORGANISER)
    forms = {
        "team": {
            "kind": "number",
            "label_en": "How many people work in your team?",
            "label_sr_Cyrl": "Колико људи ради у вашем тиму?",
            "min_value": "1",
            "max_value": "500",
            "required": "on",
        },
        "pilot": {
            "kind": "single_choice",
            "label_en": "Where would you run your first pilot?",
            "label_sr_Cyrl": "Где бисте извели први пилот?",
            "choices_en": "In a city\nIn a village\nIn both",
            "choices_sr_Cyrl": "У граду\nУ селу\nУ оба",
            "required": "on",
        },
        "public": {
            "kind": "yes_no",
            "label_en": "Have you worked with a public body before?",
            "label_sr_Cyrl": "Да ли сте раније радили са јавном установом?",
        },
    }
    return {
        key: await own_questions.add_question(user=organiser, edition_id=world.edition, fields=fields)
        for key, fields in forms.items()
    }


async def applications(world: World) -> None:
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
    asked = await _own_questions(world)
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
                "website": f"https://{slug(startup.name)}.example",
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
            f"a{asked['team']}": str(2 + len(startup.name) % 11),
            f"a{asked['pilot']}": "c1" if startup.track.value == "smart_city" else "c2",
        }
        if len(startup.name) % 3:
            data[f"a{asked['public']}"] = "yes" if len(startup.name) % 2 else "no"
        if startup.problem:
            data["problems"] = [world.problems[startup.problem]]
        if complete or startup.name == "Šumadija Sensors":
            data.update(_texts(startup, town), sdgs=problem.get("sdgs", "11"))
        deck = await _deck(world, startup, founder.id) if complete else None
        saved = await application_services.save_application(
            user=founder, edition_id=world.edition, application=application_command(data, pitch_deck_file_id=deck)
        )
        world.applications[startup.name] = saved.application_id
        world.quality[saved.application_id] = QUALITY.get(startup.outcome, 0) + jitter.uniform(-0.3, 0.3)
        if complete:
            await application_services.submit_application(user=founder, application_id=saved.application_id)
