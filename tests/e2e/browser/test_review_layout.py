"""What a reviewer found using the portal in a browser: the decision form's choices at a phone's
width, the HS results' table title cut off there, and the language switch of a page that answers
a form (a 405 page, or the blank form, before).

Each writes a screenshot with ``CAFTA_SCREENSHOTS=DIR`` (phone and desktop), to look at.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from .conftest import Server, Watch, screenshot, sign_in

PHONE = {"width": 390, "height": 844}


def _no_sideways_scrolling(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page scrolls sideways on a phone: {width}px"


def test_each_decision_is_a_line_of_its_own_with_a_touch_target(page: Page, server: Server) -> None:
    sign_in(page, server.tokens["officer"])
    page.goto("/declarations?status=held_for_inspection")
    page.locator("table.declarations tbody tr").last.locator("a").click()
    expect(page.locator("form[action$='/decision']")).to_be_visible()
    screenshot(page, "decision-desktop")
    page.set_viewport_size(PHONE)
    page.reload()
    _no_sideways_scrolling(page)
    choices = page.locator("form[action$='/decision'] label.choice")
    assert choices.count() >= 5, "the decisions and the outcomes are choices"
    tops = []
    for index in range(choices.count()):
        label = choices.nth(index)
        box, circle = label.bounding_box(), label.locator("input").bounding_box()
        assert box is not None and circle is not None
        assert box["height"] >= 43.9, f"touch target too small: {box}"
        # The circle sits beside the first line of its words, inside the label: never alone
        # at the end of a line with its words on the next.
        first_line = label.evaluate(
            """(l) => { const r = document.createRange(); r.selectNodeContents(l);
                        const text = [...r.getClientRects()].filter((c) => c.width > 12);
                        return text.length ? text[0].top + text[0].height / 2 : null; }"""
        )
        middle = circle["y"] + circle["height"] / 2
        assert first_line is not None and abs(first_line - middle) < 12, (index, box, circle)
        assert circle["x"] < box["x"] + 8, "the circle starts its line"
        tops.append(box["y"])
    assert tops == sorted(tops) and len(set(tops)) == len(tops), "one choice per line"
    page.locator("fieldset#f-action").scroll_into_view_if_needed()
    screenshot(page, "decision-phone")


def test_the_measures_title_is_whole_on_a_phone(page: Page) -> None:
    page.set_viewport_size(PHONE)
    page.goto("/hs?q=durian")
    title = page.locator("p.table-title").first
    expect(title).to_be_visible()
    box = title.bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    scroller = page.locator("div.table-wrap[role=region]").first
    assert not scroller.locator("p.table-title").count(), "the title scrolls with the table"
    _no_sideways_scrolling(page)
    screenshot(page, "find-your-product-phone")


def test_the_language_switch_of_a_refused_form_keeps_what_was_typed(
    page: Page, watch: Watch
) -> None:
    page.goto("/origin")
    page.select_option("#f-exporting_party", "VN")
    page.fill("#f-product_line", "8507.60")
    page.fill("#f-product_description", "Li-ion battery pack")
    page.fill("#f-fob", "1000.00x")  # not a number: the form comes back (400)
    page.fill("#f-m-0-description", "cells")
    watch.expect_refusal("/origin")
    page.locator("main form button[value=assess]").last.click()
    expect(page.locator(".error-summary")).to_be_visible()
    watch.expect_refusal("/origin")  # sent again in Vietnamese: still refused, in Vietnamese
    page.get_by_role("button", name="Tiếng Việt").click()
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator(".error-summary")).to_contain_text("Vui lòng kiểm tra")
    expect(page.locator("#f-fob")).to_have_value("1000.00x")
    expect(page.locator("#f-m-0-description")).to_have_value("cells")
    expect(page.locator("#f-product_description")).to_have_value("Li-ion battery pack")
    screenshot(page, "origin-switched-vi")
    # Corrected there (still read as typed: the English way, which the form says), the
    # decision comes in Vietnamese; its switch gives it in Chinese.
    page.fill("#f-fob", "1000.00")
    page.fill("#f-m-0-line", "8507.90")
    page.fill("#f-m-0-origin", "KR")
    page.fill("#f-m-0-value", "300.00")
    page.locator("main form button[value=assess]").last.click()
    expect(page.locator("#report-title")).to_be_visible()
    page.get_by_role("button", name="简体中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-Hans")
    expect(page.locator("#report-title")).to_have_text("原产地证据报告")
    expect(page.locator("#f-fob")).to_have_value("1000.00")
