"""The keyboard, as the accessibility tests walk it: what has the focus, whether its ring is drawn
with enough contrast, and Tab pressed until a control is reached."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from playwright.async_api import Page

FOCUSED = """() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    // The colour the ring is drawn against: the first opaque background behind the element.
    let behind = "rgb(255, 255, 255)";
    for (let node = el.parentElement; node; node = node.parentElement) {
        const colour = getComputedStyle(node).backgroundColor;
        if (colour !== "transparent" && !/rgba\\(.*, 0\\)$/.test(colour)) { behind = colour; break; }
    }
    return {
        tag: el.tagName.toLowerCase(), id: el.id, name: el.getAttribute("name") || "",
        text: (el.innerText || el.value || "").trim(),
        outline: style.outlineStyle, outlineWidth: parseFloat(style.outlineWidth) || 0,
        outlineColor: style.outlineColor, behind, boxShadow: style.boxShadow,
        focusVisible: el.matches(":focus-visible"),
        inNav: !!el.closest("nav[aria-label]"), inMain: !!el.closest("main"),
    };
}"""


def _luminance(colour: str) -> float:
    red, green, blue = (int(c) / 255 for c in re.findall(r"[\d.]+", colour)[:3])
    return sum(
        weight * (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4)
        for weight, c in zip((0.2126, 0.7152, 0.0722), (red, green, blue), strict=True)
    )


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two CSS rgb() colours."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


async def focused(page: Page) -> dict[str, Any]:
    """What has the focus: tag, name, text, and the focus ring as drawn."""
    return await page.evaluate(FOCUSED)


def assert_ring_visible(now: dict[str, Any]) -> None:
    """A focus ring is drawn (an outline, or a box-shadow) and an outline stands out 3:1 (WCAG 1.4.11)."""
    assert now["focusVisible"], f"not :focus-visible: {now}"
    assert now["outline"] != "none" or now["boxShadow"] != "none", f"no focus ring: {now}"
    if now["outline"] != "none":
        assert now["outlineWidth"] >= 2, f"a hairline focus ring: {now}"
        ratio = contrast(now["outlineColor"], now["behind"])
        assert ratio >= 3, f"focus ring {now['outlineColor']} on {now['behind']}: contrast {ratio:.2f} < 3: {now}"


async def tab_until(page: Page, reached: Callable[[dict[str, Any]], bool], *, limit: int = 40) -> list[dict[str, Any]]:
    """Press Tab until `reached` holds for the focused element; every element focused on the way."""
    passed = []
    for _ in range(limit):
        await page.keyboard.press("Tab")
        passed.append(await focused(page))
        if reached(passed[-1]):
            return passed
    raise AssertionError(f"not reached in {limit} Tabs; focus went through {[(p['tag'], p['text']) for p in passed]}")


async def form_controls(page: Page, form: str) -> list[str]:
    """The focusable controls of `form` in document order (hidden ones left out), by name or text."""
    return await page.eval_on_selector(
        form,
        """(form) => [...form.querySelectorAll("input, select, textarea, button")]
            .filter(el => el.type !== "hidden" && !el.disabled && el.tabIndex >= 0 && el.getClientRects().length)
            .map(el => el.getAttribute("name") || el.innerText.trim())""",
    )


def key(now: dict[str, Any]) -> str:
    return now["name"] or now["text"]
