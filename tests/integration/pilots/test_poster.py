"""The pilot's printable poster: an A4 SVG whose QR code is segno's for the absolute short link."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import segno

from core.security_headers import CONTENT_SECURITY_POLICY
from pilots.queries.feedback import short_url
from pilots.rules.poster import QUIET_ZONE
from pilots.tables import Pilot
from tests.integration.pilots.world import make_pilot_world
from tests.web import WebClient

SVG = "{http://www.w3.org/2000/svg}"


def _parsed(document: bytes | str) -> ET.Element:
    # The app's own answer, parsed to prove it is well-formed XML; no outside input reaches it.
    return ET.fromstring(document)  # noqa: S314


def _texts(root: ET.Element) -> list[str]:
    return ["".join(text.itertext()) for text in root.iter(f"{SVG}text")]


async def test_the_poster_is_an_a4_svg_with_the_title_town_invitation_and_short_link(client: WebClient) -> None:
    world = await make_pilot_world()

    response = await client.get(f"/pilots/{world.pilot_id}/poster.svg")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    root = _parsed(response.content)
    assert (root.tag, root.get("width"), root.get("height"), root.get("viewBox")) == (
        f"{SVG}svg",
        "210mm",
        "297mm",
        "0 0 210 297",
    )
    assert _texts(root) == [
        "Residents' voice",
        "Soil sensors for Ivanjica's",
        "farms",
        "Ivanjica",
        "Tell the municipality what you think of this",
        "pilot: scan the code or type in the link.",
        short_url(world.code),
        "No account needed. Your comment is shown without your name.",
    ]
    # No inline style anywhere: the content security policy would drop it.
    assert [element.tag for element in root.iter() if element.get("style") is not None] == []
    assert root.find(f"{SVG}style") is None


async def test_the_posters_qr_code_is_segnos_for_the_absolute_short_link(client: WebClient) -> None:
    world = await make_pilot_world()

    root = _parsed((await client.get(f"/pilots/{world.pilot_id}/poster.svg")).content)

    [qr] = [element for element in root.iter(f"{SVG}svg") if element is not root]
    [path] = qr.iter(f"{SVG}path")
    expected = segno.make(short_url(world.code), error="m")
    modules = expected.symbol_size(scale=1, border=QUIET_ZONE)[0]
    reference = _parsed(
        expected.svg_inline(scale=1, border=QUIET_ZONE, dark="#000", svgclass=None, lineclass=None).replace(
            "<svg ", '<svg xmlns="http://www.w3.org/2000/svg" ', 1
        )
    )
    [reference_path] = reference.iter(f"{SVG}path")
    assert path.get("d") == reference_path.get("d")
    scale = float(re.fullmatch(r"scale\(([\d.]+)\)", path.get("transform") or "").group(1))
    assert round(float(qr.get("width") or 0), 1) == round(modules * scale, 1)


async def test_the_poster_escapes_what_the_title_holds_and_drops_what_xml_cannot(client: WebClient) -> None:
    world = await make_pilot_world()
    await Pilot.update({Pilot.title: 'Water & <script>alert("x")</script>\x0b'}).where(Pilot.id == world.pilot_id)

    response = await client.get(f"/pilots/{world.pilot_id}/poster.svg")
    root = _parsed(response.content)

    assert "<script>" not in response.text
    assert root.find(f"{SVG}script") is None
    assert _texts(root)[1:3] == ["Water &", '<script>alert("x")</script>']
    assert "".join(root.find(f"{SVG}title").itertext()) == 'Water & <script>alert("x")</script>'


async def test_the_poster_follows_the_readers_language(client: WebClient) -> None:
    world = await make_pilot_world()
    await client.post_form("/locale", {"locale": "sr_Cyrl", "next": "/"})

    root = _parsed((await client.get(f"/pilots/{world.pilot_id}/poster.svg")).content)
    page = await client.get(f"/pilots/{world.pilot_id}/poster")

    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "sr-Cyrl"
    assert _texts(root)[0] == "Глас грађана"
    assert page.status_code == 200
    assert f'<img src="/pilots/{world.pilot_id}/poster.svg"' in page.text
