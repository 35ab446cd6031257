"""What a judge of a blind round sees of an application: a pseudonym instead of the team.

A blind round hides who applied: the startup's name, its members, their emails, its website and
the deck's file name never reach its judges. The organiser also picks which application fields
are hidden (`REDACTABLE_FIELDS`); the fields that stay shown are scrubbed of the identifying
strings, since a solution text often names its own team. Conflict detection is not affected:
it runs on the real identities, and the judge only learns that an entry left their queue.

The pseudonym is a keyed hash of the round and the application (never the id's order, which
would tell judges who applied first), so it is the same on every page, mail and feed of a round
and differs from round to round.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from core.rules import N_

# The application fields an organiser may hide from a blind round's judges, in the form's order.
# (The video link is not among them: judges' pages never show it, blind round or not.)
REDACTABLE_FIELDS: tuple[str, ...] = ("solution", "why_us", "traction", "pilot_plan", "impact", "city")
REDACTABLE_LABELS: dict[str, str] = {
    "solution": N_("Solution"),
    "why_us": N_("Why this team"),
    "traction": N_("Traction so far"),
    "pilot_plan": N_("What a pilot would look like"),
    "impact": N_("Expected impact"),
    "city": N_("The startup's city"),
}
# Always hidden in a blind round, whatever the organiser picks (said so on the round's form).
ALWAYS_HIDDEN = (
    N_("startup name"),
    N_("team members"),
    N_("website"),
    N_("email addresses"),
    N_("the deck's file name and details"),
)
PSEUDONYM_LENGTH = 4
# Name parts shorter than this are left in free text: "Li" or "Jo" would blank ordinary words.
# An email's local part is not scrubbed on its own: "team@" or "info@" would blank ordinary words
# too, and a personal one ("ana.petrovic@") is made of name parts that are.
MIN_NAME_PART = 3


@dataclass(frozen=True)
class Identity:
    """Who is behind an application: everything a blind round keeps from its judges."""

    startup_name: str
    member_names: tuple[str, ...] = ()
    emails: tuple[str, ...] = ()
    website: str = ""


@dataclass(frozen=True)
class BlindSettings:
    """A round's blind settings as the organiser set them."""

    blind: bool
    redacted_fields: frozenset[str] = frozenset()


def unknown_fields(names: Iterable[str]) -> list[str]:
    """The names among `names` that are no redactable field (the form and the API refuse them)."""
    return sorted(set(names) - set(REDACTABLE_FIELDS))


def _code(key: str, round_id: int, application_id: int) -> str:
    digest = hmac.new(key.encode(), f"blind:{round_id}:{application_id}".encode(), hashlib.sha256).digest()
    # Base32 without the padding: letters and the digits 2-7, no 0 or 1 to mistake for O or I.
    return base64.b32encode(digest).decode().rstrip("=")


def pseudonyms(key: str, round_id: int, application_ids: Iterable[int]) -> dict[int, str]:
    """Each application's code in the round: `PSEUDONYM_LENGTH` characters of its keyed hash,
    longer only for the entries whose short codes collide (so every code of a round is unique,
    and an entry's code does not change while the round's entries stay the same)."""
    full = {app_id: _code(key, round_id, app_id) for app_id in sorted(set(application_ids))}
    length = dict.fromkeys(full, PSEUDONYM_LENGTH)
    while True:
        by_code: dict[str, list[int]] = {}
        for app_id, code in full.items():
            by_code.setdefault(code[: length[app_id]], []).append(app_id)
        clashes = [ids for ids in by_code.values() if len(ids) > 1]
        if not clashes:
            return {app_id: code[: length[app_id]] for app_id, code in full.items()}
        for ids in clashes:
            for app_id in ids:
                length[app_id] += 1


def _website_forms(website: str) -> list[str]:
    """The website as typed and its bare host ("https://www.agro.example/x" -> "agro.example")."""
    website = website.strip()
    if not website:
        return []
    host = urlsplit(website if "//" in website else f"//{website}").hostname or ""
    host = host.removeprefix("www.")
    return [website, host] if host else [website]


def identifying_strings(identity: Identity) -> list[str]:
    """What is scrubbed from free text, longest first so "Ana Petrović" goes before "Ana"."""
    found: set[str] = set()
    for text in (identity.startup_name, *identity.member_names, *identity.emails):
        if text.strip():
            found.add(text.strip())
    for name in identity.member_names:
        found.update(part for part in re.split(r"[\s\-]+", name) if len(part) >= MIN_NAME_PART)
    for website in _website_forms(identity.website):
        found.add(website)
    # Matching ignores case: one spelling of each is enough.
    unique: dict[str, str] = {}
    for text in sorted(found):
        unique.setdefault(text.casefold(), text)
    return sorted(unique.values(), key=lambda s: (-len(s), s.casefold()))


def scrub(text: str, identity: Identity, *, placeholder: str) -> str:
    """`text` with every identifying string replaced by `placeholder`, whatever its case, also
    where its words are split by other spacing; a name part only as a whole word."""
    for needle in identifying_strings(identity):
        words = [re.escape(w) for w in needle.split()]
        pattern = r"\s+".join(words)
        # Word edges only where the needle itself starts or ends with a word character.
        if re.match(r"\w", needle):
            pattern = r"(?<!\w)" + pattern
        if re.search(r"\w$", needle):
            pattern += r"(?!\w)"
        text = re.sub(pattern, placeholder, text, flags=re.IGNORECASE)
    return text


@dataclass(frozen=True)
class ShownField:
    """One application field as a judge sees it: its text, or `hidden` with no text."""

    name: str
    text: str
    hidden: bool = False


def redact(
    fields: Mapping[str, str], identity: Identity, settings: BlindSettings, *, placeholder: str
) -> dict[str, ShownField]:
    """The fields as the round's judges see them: unchanged in a round that is not blind; in a
    blind one the organiser's picks hidden and the rest scrubbed of the team's identity."""
    shown: dict[str, ShownField] = {}
    for name, text in fields.items():
        if not settings.blind:
            shown[name] = ShownField(name, text)
        elif name in settings.redacted_fields:
            shown[name] = ShownField(name, "", hidden=True)
        else:
            shown[name] = ShownField(name, scrub(text, identity, placeholder=placeholder))
    return shown


def deck_file_name(pseudonym: str, extension: str) -> str:
    """The name a blind round's judge downloads the deck under, e.g. "entry-7f3k.pdf"."""
    extension = extension.lstrip(".").lower()
    return f"entry-{pseudonym.lower()}.{extension}" if extension else f"entry-{pseudonym.lower()}"


# The document-information entries of a PDF that name people or their tools, and the XMP
# elements that repeat them.
_PDF_INFO_KEYS = rb"Author|Title|Subject|Keywords|Creator|Producer"
_XMP_ELEMENTS: tuple[bytes, ...] = (b"dc:creator", b"dc:title", b"dc:description", b"dc:subject", b"pdf:Author")
_XMP_ELEMENTS += (b"pdf:Keywords", b"pdf:Producer", b"xmp:CreatorTool", b"xmpMM:DocumentID", b"xmpMM:InstanceID")


def _literal_end(data: bytes, start: int) -> int:
    """The index of the parenthesis closing the PDF literal string whose body starts at `start`."""
    depth, index = 1, start
    while index < len(data):
        byte = data[index]
        if byte == 0x5C:  # a backslash escapes the next byte
            index += 2
            continue
        if byte == 0x28:
            depth += 1
        elif byte == 0x29:
            depth -= 1
            if depth == 0:
                return index
        index += 1
    return len(data)


def blank_pdf_metadata(data: bytes) -> bytes:
    """A PDF with its document information (author, title, creator...) and the same in its
    uncompressed XMP packet overwritten by spaces of the same length, so every byte offset of
    the file (its cross-reference table) stays valid. What sits in compressed object streams or
    on the slides themselves stays: the warning beside the deck says so."""
    out = bytearray(data)
    for match in re.finditer(rb"/(?:" + _PDF_INFO_KEYS + rb")\s*([(<])", data):
        body = match.end()
        if match.group(1) == b"(":
            end = _literal_end(data, body)
            out[body:end] = b" " * (end - body)
        elif not data.startswith(b"<", body):  # "<<" would open a dictionary, not a hex string
            end = data.find(b">", body)
            end = len(data) if end < 0 else end
            out[body:end] = (b"20" * (end - body))[: end - body]
    for element in _XMP_ELEMENTS:
        for span in re.finditer(
            b"<" + re.escape(element) + rb"\b[^>]*>(.*?)</" + re.escape(element) + b">", data, re.S
        ):
            for text in re.finditer(rb">([^<]+)<", data[span.start() : span.end()]):
                start, end = span.start() + text.start(1), span.start() + text.end(1)
                out[start:end] = b" " * (end - start)
    # XMP may also carry them as attributes of rdf:Description.
    for attribute in re.finditer(rb'(?:pdf:Author|pdf:Producer|xmp:CreatorTool)="([^"]*)"', data):
        out[attribute.start(1) : attribute.end(1)] = b" " * (attribute.end(1) - attribute.start(1))
    return bytes(out)
