"""axe-core in the page: what it reports, and which impacts fail a test."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from playwright.async_api import Page

AXE = Path(__file__).parent / "assets" / "axe.min.js"
BLOCKING = ("serious", "critical")
"""Impacts that fail a page ("minor" and "moderate" findings, e.g. heading order, do not)."""


async def axe_violations(page: Page) -> list[dict[str, Any]]:
    """Run axe-core in the page as it is now; every violation with its impact and nodes.

    axe-core comes as an init script of the page's context: a script tag added to the page would
    be an inline script, which the Content-Security-Policy refuses.
    """
    return await page.evaluate(
        """async () => {
            const results = await axe.run(document, {resultTypes: ["violations"]});
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                nodes: v.nodes.map(n => ({target: n.target.join(" "), summary: n.failureSummary})),
            }));
        }"""
    )


def describe(violations: list[dict[str, Any]]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"]:
            summary = " ".join((node["summary"] or "").split())
            lines.append(f"    {node['target']}  -- {summary}")
    return "\n".join(lines)
