"""What every journey needs to be walked as a first-time user would: from "/", by clicking only,
on a desktop in English and on a phone in Serbian Cyrillic.

A journey asks for the `variant` fixture (tests/browser/conftest.py), which runs it once per
entry of `VARIANTS`, and finds texts with `tr(variant, msgid)`: the same catalogue lookup the
pages use, so a locator names what the person on that page reads, and a string that is not
translated makes the phone run fail instead of passing in English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from playwright.async_api import Locator, Page, expect

from core import i18n
from core.rules.scripts import in_script
from tests.factories import PASSWORD


@dataclass(frozen=True)
class Variant:
    """One way of walking a journey: a screen and a language."""

    name: str
    locale: str
    width: int
    height: int

    @property
    def is_phone(self) -> bool:
        return self.width < 600

    @property
    def context_options(self) -> dict[str, Any]:
        """Options for `Browser.new_context`: the screen, and a browser that asks for English
        (the language is then chosen on the page, as a person does)."""
        return {
            "viewport": {"width": self.width, "height": self.height},
            "is_mobile": self.is_phone,
            "has_touch": self.is_phone,
            "locale": "en-GB",
        }


DESKTOP = Variant("desktop-en", "en", 1280, 900)
PHONE = Variant("phone-sr_Cyrl", "sr_Cyrl", 390, 844)
VARIANTS = (DESKTOP, PHONE)


def tr(variant: Variant, message: str, plural: str | None = None, n: int | None = None, /, **params: Any) -> str:
    """`message` as the pages show it in the variant's language, with `%(name)s` parameters filled
    in the way Jinja's newstyle gettext fills them."""
    catalogue = i18n.translations(variant.locale)
    if plural is not None:
        assert n is not None, "a plural needs its count"
        text = catalogue.ngettext(message, plural, n)
        params.setdefault("num", n)
    else:
        text = catalogue.gettext(message)
    return text % params if params else text


def place(variant: Variant, name: str) -> str:
    """A Serbian place name as the variant's reader sees it (in Cyrillic on a Cyrillic page)."""
    return in_script(name, variant.locale)


def exactly(text: str) -> re.Pattern[str]:
    """A name that matches `text` whole (a required field's label may end in an asterisk)."""
    return re.compile(rf"^\s*{re.escape(text)}( \*)?\s*$")


def main(page: Page) -> Locator:
    """The page's main content, where a journey's forms, buttons and messages are."""
    return page.get_by_role("main")


def field(page: Page, variant: Variant, label: str, **params: Any) -> Locator:
    """The form field labelled `label` in the variant's language (a required one ends in an asterisk)."""
    return main(page).get_by_label(exactly(tr(variant, label, **params)))


def button(page: Page, variant: Variant, name: str, **params: Any) -> Locator:
    """A button of the main content by its name in the variant's language."""
    return main(page).get_by_role("button", name=exactly(tr(variant, name, **params)))


def link(page: Page, variant: Variant, name: str) -> Locator:
    """A link of the main content by its name in the variant's language."""
    return main(page).get_by_role("link", name=exactly(tr(variant, name)))


def action(scope: Page | Locator, variant: Variant, name: str, **params: Any) -> Locator:
    """A link or a button by its name, whether or not a link is styled (and announced) as a button."""
    text = exactly(tr(variant, name, **params))
    return scope.get_by_role("link", name=text).or_(scope.get_by_role("button", name=text)).first


def flash(page: Page) -> Locator:
    """The messages a page shows after a form was sent."""
    return main(page).get_by_role("status")


def status_badge(page: Page) -> Locator:
    """The status shown under the title (of an application, or of a problem on the staff and the review page)."""
    return main(page).locator("h1 + p > .badge").first


async def open_menu(page: Page) -> None:
    """Open the header's menu when the screen is narrow enough to fold it (no JavaScript needed:
    it is a <details> element); a no-op on a wide screen, where the links are always shown."""
    await page.wait_for_load_state()  # the stylesheet decides whether the menu folds
    menu = page.locator("header details.site-menu")
    if await menu.count() == 0:
        return
    summary = menu.locator("summary")
    # Asked once the page's stylesheet applies: before it, a wide screen's summary still shows.
    await page.wait_for_load_state()
    if await summary.is_visible() and await menu.get_attribute("open") is None:
        await summary.click()


async def header_link(page: Page, variant: Variant, name: str) -> Locator:
    """A link of the header by its (translated) name, with the menu opened first if folded."""
    await open_menu(page)
    return page.locator("header").get_by_role("link", name=exactly(tr(variant, name))).first


async def choose_language(page: Page, variant: Variant) -> None:
    """Pick the variant's language with the header's language form, as a visitor does."""
    lang = variant.locale.replace("_", "-")
    if await page.locator("html").get_attribute("lang") == lang:
        return
    await open_menu(page)
    form = page.locator("header form.locale-form")
    if await page.locator("html[data-enhanced]").count():  # static/js/app.js sends the form on change
        async with page.expect_navigation():
            await form.locator("select[name=locale]").select_option(variant.locale)
    else:
        await form.locator("select[name=locale]").select_option(variant.locale)
        await form.get_by_role("button").click()
    await expect(page.locator("html")).to_have_attribute("lang", lang)


async def start(page: Page, variant: Variant) -> None:
    """Open the home page and choose the variant's language: where every journey begins."""
    await page.goto("/")
    await choose_language(page, variant)


async def sign_in(page: Page, variant: Variant, email: str, password: str = PASSWORD) -> None:
    """Sign in through the header's "Sign in" link and the sign-in form, from whatever page the
    browser is on; the browser ends on the page the form leads to."""
    await choose_language(page, variant)
    await (await header_link(page, variant, "Sign in")).click()
    main = page.get_by_role("main")
    await main.get_by_label(exactly(tr(variant, "Email address"))).fill(email)
    await main.get_by_label(exactly(tr(variant, "Password"))).fill(password)
    await main.get_by_role("button", name=exactly(tr(variant, "Sign in"))).click()
    await expect(page.locator("header form[action='/logout']")).to_have_count(1)


async def sign_out(page: Page, variant: Variant) -> None:
    await open_menu(page)
    await page.locator("header form[action='/logout']").get_by_role("button").click()
    await expect(page.locator("header form[action='/logout']")).to_have_count(0)


# The widest offenders, for a failure message that says what to fix rather than only that.
_OVERFLOW = """
() => {
  const width = window.innerWidth;
  const offenders = [];
  for (const element of document.body.querySelectorAll("*")) {
    const box = element.getBoundingClientRect();
    if (box.width > 0 && box.right > width + 1) {
      const name = element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
        + (element.classList.length ? "." + [...element.classList].join(".") : "");
      offenders.push(`${name} (right edge ${Math.round(box.right)} px)`);
    }
  }
  return {scroll: document.documentElement.scrollWidth, width, offenders: offenders.slice(0, 8)};
}
"""


async def assert_fits(page: Page) -> None:
    """The page is no wider than the screen: nothing to scroll sideways on a phone."""
    await page.wait_for_load_state("load")
    measured = await page.evaluate(_OVERFLOW)
    assert measured["scroll"] <= measured["width"], (
        f"{page.url} is {measured['scroll']} px wide on a {measured['width']} px screen; "
        f"wider than the screen: {', '.join(measured['offenders'])}"
    )


async def check_fits(page: Page, variant: Variant) -> None:
    """On a phone, the page is no wider than the screen (`assert_fits`); on a desktop, nothing to check."""
    if variant.is_phone:
        await assert_fits(page)
