"""Serbian pages are Serbian: no visible text on a page read in sr_Latn or sr_Cyrl is the English
original of a message the catalogues translate.

Every role signs in to the demo edition and walks its pages (a bounded crawl from its home page,
following same-site links), then meets the error states: a 422 form, 403, 404 and 409 pages and
a refused upload. Each page's text nodes (and the attributes people read: placeholder, title,
aria-label, alt) are compared with the msgids of the .po catalogue of the page's language.
User content cannot be told from chrome in general, so the comparison is with translated msgids
only (a name that happens to be a msgid would be a false alarm; none does in the demo).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from babel.messages.pofile import read_po

from core.demo import DEMO_PASSWORD, PEOPLE, load_demo
from core.enums import Role
from core.i18n import LOCALES
from core.settings import PROJECT_ROOT
from tests.fixtures import http_client
from tests.web import WebClient

SERBIAN_LOCALES = ("sr_Latn", "sr_Cyrl")
HOMES = {
    None: "/",
    Role.ORGANISER: "/organiser/",
    Role.MUNICIPALITY: "/municipality",
    Role.STARTUP: "/startup",
    Role.MENTOR: "/mentor/",
    Role.JUDGE: "/judge/",
}
# Pages a crawl must not open: they change state, stream files, or are machine answers.
SKIPPED = re.compile(r"^/(logout|api/|schema|static/|files/|calendar|locale)|\.(ics|csv|json|pdf|png)$|/export")
PAGES_PER_ROLE = 80
READ_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt")
# Text that is a msgid but is the same word in Serbian, or not a sentence at all.
NOT_TEXT = re.compile(r"^[\W\d_]*$")
NO_FILE = ("", b"", "application/octet-stream")
PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def translated(locale: str) -> dict[str, str]:
    """msgid -> msgstr of the messages the catalogue translates into something else."""
    with open(PROJECT_ROOT / "locales" / locale / "LC_MESSAGES" / "messages.po", "rb") as handle:
        catalogue = read_po(handle)
    return {
        message.id: message.string
        for message in catalogue
        if message.id
        and not isinstance(message.id, tuple)
        and message.string
        and message.string != message.id
        and not NOT_TEXT.match(message.id)
        # The language switcher names each language in that language ("English", "Srpski").
        and message.id not in LOCALES.values()
    }


def english_msgids(locale: str) -> frozenset[str]:
    """The English originals the catalogue translates into something else."""
    return frozenset(translated(locale))


class _Texts(HTMLParser):
    """Visible text nodes and read attributes of a page; scripts, styles and code left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.texts: list[str] = []
        self.links: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag in ("script", "style", "code", "pre", "textarea"):
            self._hidden += 1
        for name in READ_ATTRIBUTES:
            if values.get(name):
                self.texts.append(str(values[name]))
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "code", "pre", "textarea") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.texts.append(data)


def page_texts(html: str) -> tuple[list[str], list[str]]:
    parser = _Texts()
    parser.feed(html)
    return [" ".join(text.split()) for text in parser.texts], parser.links


def english_on(html: str, msgids: frozenset[str]) -> list[str]:
    """Visible texts that are an English msgid, also when a colon or an arrow sits beside them."""
    texts, _links = page_texts(html)
    found = []
    for text in texts:
        candidates = {text, text.strip(" :·←→|*"), text.rstrip(":").strip()}
        hits = candidates & msgids
        if hits:
            found.append(sorted(hits)[0])
    return found


async def crawl(web: WebClient, start: str, limit: int = PAGES_PER_ROLE) -> Iterator[tuple[str, str]]:
    """(path, html) for pages reachable from `start` by same-site GET links, breadth first."""
    seen: set[str] = set()
    queue = [start]
    pages: list[tuple[str, str]] = []
    while queue and len(pages) < limit:
        path = queue.pop(0)
        if path in seen or SKIPPED.search(path):
            continue
        seen.add(path)
        response = await web.get(path)
        if response.status_code != 200 or "text/html" not in response.headers.get("content-type", ""):
            continue
        pages.append((path, response.text))
        _texts, links = page_texts(response.text)
        for link in links:
            parts = urlsplit(urljoin("http://testserver" + path, link))
            if parts.netloc == "testserver" and parts.path not in seen:
                queue.append(parts.path + (f"?{parts.query}" if parts.query else ""))
    return iter(pages)


async def signed_in(app, email: str | None, locale: str) -> WebClient:
    web = WebClient(http_client(app))
    if email:
        await web.login(email, DEMO_PASSWORD)
    await web.post_form("/locale", {"locale": locale, "next": "/"})
    return web


def role_logins() -> list[tuple[str, str | None, str]]:
    """(who, demo email or None for a visitor, home page) for the visitor, a resident and each role."""
    chosen: dict[str, tuple[str | None, str]] = {"public": (None, "/")}
    for email, _name, role, _organisation in PEOPLE:
        chosen.setdefault(role.value if role else "resident", (email, HOMES[role] if role else "/account"))
    return [(who, email, home) for who, (email, home) in chosen.items()]


@pytest.mark.parametrize("locale", SERBIAN_LOCALES)
async def test_every_roles_pages_are_in_the_readers_language(app, client: WebClient, locale: str) -> None:
    await load_demo()
    msgids = english_msgids(locale)

    english: dict[str, list[str]] = {}
    visited = 0
    for who, email, home in role_logins():
        web = await signed_in(app, email, locale)
        try:
            for path, html in await crawl(web, home):
                visited += 1
                if found := english_on(html, msgids):
                    english[f"{who} {path}"] = found
        finally:
            await web.http.aclose()

    assert visited > 150
    assert english == {}


@pytest.mark.parametrize("locale", SERBIAN_LOCALES)
async def test_error_states_are_in_the_readers_language(app, client: WebClient, locale: str) -> None:
    await load_demo()
    msgids = english_msgids(locale)
    resident = await signed_in(app, "resident@demo.smartchallenge.rs", locale)
    staff = await signed_in(app, "staff@novisad.demo.rs", locale)
    founder = await signed_in(app, "founder@agrosense.example", locale)
    organiser = await signed_in(app, "organiser@demo.smartchallenge.rs", locale)
    mentor = await signed_in(app, "mentor@demo.smartchallenge.rs", locale)
    judge = await signed_in(app, "judge@demo.smartchallenge.rs", locale)
    visitor = await signed_in(app, None, locale)
    edition_id = await _demo_edition_id()
    try:
        answers = {
            "422 organiser": await organiser.post_form("/organiser/editions/new", {"name": "", "slug": "No!"}),
            "422 mentor": await mentor.post_form(f"/mentor/editions/{edition_id}/profile", {"capacity": "many"}),
            "422 judge": await judge.post_form(f"/judge/editions/{edition_id}/profile", {"expertise": "nonsense"}),
            "422 startup": await founder.post_form("/startup/register", {"edition_id": str(edition_id), "name": ""}),
            "404 signed in": await judge.get("/problems/999999"),
            "403 startup": await founder.get("/judge/"),
            "404": await visitor.get("/no-such-page"),
            "403": await resident.get("/organiser/"),
            "422 sign-up": await visitor.post_form("/signup", {"name": "", "email": "x", "password": "short"}),
            "422 problem": await staff.upload("/municipality/problems/new", {"attachment": NO_FILE}, {"title": ""}),
            "409 endorse twice": await _endorse_twice(resident),
            "upload": await founder.upload(
                "/startup/applications/new",
                {"pitch_deck": ("deck.pdf", PNG, "application/pdf")},
                {"edition_id": str(edition_id), "track": "smart_rural", "action": "save"},
            ),
        }
        statuses = {name: response.status_code for name, response in answers.items()}
        texts = {name: " ".join(page_texts(response.text)[0]) for name, response in answers.items()}
        english = {name: english_on(r.text, msgids) for name, r in answers.items() if english_on(r.text, msgids)}
    finally:
        for web in (resident, staff, founder, organiser, mentor, judge, visitor):
            await web.http.aclose()

    assert statuses["404"] == 404 and statuses["403"] == 403
    assert {name: status for name, status in statuses.items() if name.startswith("422 ")} == {
        "422 organiser": 422,
        "422 mentor": 422,
        "422 judge": 422,
        "422 startup": 422,
        "422 sign-up": 422,
        "422 problem": statuses["422 problem"],
    }
    assert statuses["404 signed in"] == 404 and statuses["403 startup"] == 403
    assert statuses["422 sign-up"] == 422 and statuses["422 problem"] in (409, 422) and statuses["upload"] == 422
    assert statuses["409 endorse twice"] == 409
    assert english == {}
    # Sentences built from parts are in the reader's language too.
    words = translated(locale)
    assert words["Please correct the marked fields."] in texts["422 sign-up"]
    assert words["a PNG image"] in texts["upload"]


async def _demo_edition_id() -> int:
    from challenge.tables import Edition

    return (await Edition.select(Edition.id).where(Edition.slug == "2026").first())["id"]


async def _endorse_twice(resident: WebClient):
    from challenge.tables import Problem

    problem = await Problem.select(Problem.id).where(Problem.status == "published").first()
    await resident.post_form(f"/problems/{problem['id']}/endorse")
    return await resident.post_form(f"/problems/{problem['id']}/endorse")
