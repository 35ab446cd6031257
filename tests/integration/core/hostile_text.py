"""Hostile text as the markup tests type it, and how they tell it stayed inert: escaped in HTML,
literal in CSV."""

from __future__ import annotations

import csv
import io

SCRIPT = "<script>alert(1)</script>"
BREAKOUT = '"><img src=x onerror=alert(1)>'
TEMPLATE = "{{7*7}}"
# What must never reach a page unescaped.
RAW = (SCRIPT, "<img src=x", 'href="javascript:', "href='javascript:")


def hostile(label: str) -> str:
    """A field's value: its label, then a script, an attribute breakout and template syntax."""
    return f"{label} {SCRIPT} {BREAKOUT} {TEMPLATE}"


def escaped(label: str) -> str:
    return f"{label} &lt;script&gt;alert(1)&lt;/script&gt; &#34;&gt;&lt;img src=x onerror=alert(1)&gt; {TEMPLATE}"


def inertness(html: str, labels: list[str]) -> tuple[list[str], list[str]]:
    """What reached the page raw (should be nothing), and which labels' payloads show escaped."""
    return [raw for raw in RAW if raw in html], [label for label in labels if escaped(label) in html]


def csv_rows(body: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def cell_with(rows: list[list[str]], label: str) -> str:
    return next(cell for row in rows for cell in row if label in cell)
