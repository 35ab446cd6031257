"""The languages the demo's texts are written in, and a few of them translated."""

from __future__ import annotations

from typing import Any

from piccolo.columns import Column

from challenge.tables import (
    Edition,
    Problem,
)
from core.rules.bilingual import guess_language

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


async def demo_languages() -> None:
    """Record the language each demo problem and edition is written in, and give a few of them
    their version in the other language (Serbian and English readers each see their own)."""
    by_title = {
        title: (index, column) for index, texts in enumerate(DEMO_TRANSLATIONS) for column, title in enumerate(texts[0])
    }
    for table, fields in ((Problem, ("title", "summary", "context")), (Edition, ("name", "description", None))):
        key = table._meta.primary_key
        for row in await table.select(key, *(table._meta.get_column_by_name(f) for f in fields if f)):
            language = guess_language(" ".join(str(row[f]) for f in fields if f))
            values: dict[Column | str, Any] = {"language": language}
            if row[fields[0]] in by_title:
                index, written = by_title[row[fields[0]]]
                other = 1 - written
                for field, texts in zip(fields, DEMO_TRANSLATIONS[index], strict=True):
                    if field and texts[other]:
                        values[f"translated_{field}"] = texts[other]
                values["language"] = "en" if written == 0 else "sr"
            await table.update(values).where(key == row["id"])
