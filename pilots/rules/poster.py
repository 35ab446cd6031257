"""What the printed poster holds: a title broken into the lines its width takes, and the QR code
of the pilot's short link."""

from __future__ import annotations

import re
import textwrap

import segno

# Characters XML 1.0 cannot carry at all, even escaped: a title pasted with one would make the
# whole poster unreadable to every SVG viewer.
_NOT_IN_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
ELLIPSIS = "…"


def printable(text: str) -> str:
    """`text` without the characters no XML document may contain, white space made single."""
    return " ".join(_NOT_IN_XML.sub("", text).split())


def poster_lines(text: str, *, width: int, max_lines: int) -> tuple[str, ...]:
    """`text` in lines of at most `width` characters, at most `max_lines` of them; what does not
    fit ends the last line with an ellipsis rather than running off the paper."""
    lines = textwrap.wrap(printable(text), width=width, break_long_words=True, break_on_hyphens=True)
    if len(lines) <= max_lines:
        return tuple(lines)
    kept = lines[:max_lines]
    last = kept[-1]
    kept[-1] = (last if len(last) < width else last[: width - 1].rstrip()) + ELLIPSIS
    return tuple(kept)


# The four modules of blank margin the QR standard asks for, so phones find the code on a busy wall.
QUIET_ZONE = 4


def qr_svg(url: str, *, size: float) -> str:
    """The QR code of `url` as an SVG element `size` units wide (margin included), to place inside
    the poster's own SVG: dark modules only, drawn with presentation attributes (no style), so
    the content security policy lets it render."""
    code = segno.make(url, error="m")
    modules = code.symbol_size(scale=1, border=QUIET_ZONE)[0]
    return code.svg_inline(
        scale=round(size / modules, 3), border=QUIET_ZONE, dark="#000", svgclass=None, lineclass=None
    )
