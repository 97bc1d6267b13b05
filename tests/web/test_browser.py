"""The pages in a real browser: Playwright driving Debian's chromium against a
live server on loopback. Screenshots go to tests/web/artifacts/."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from .conftest import load_case, shot

pytestmark = pytest.mark.browser
#: where the report area sits in the document (not the viewport)
REPORT_BOX = """() => {
  const r = document.getElementById("report").getBoundingClientRect();
  return [r.x, r.y + window.scrollY, r.width];
}"""
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"


def fill_check_form(page: Any, case: dict[str, Any]) -> None:
    page.fill("#note", case["note"])
    page.fill("#codes", ",".join(case["codes"]))
    page.select_option("#pos", case["pos"])
    page.select_option("#equipment", case["equipment"])
    page.fill("#date", str(case["date"]))


def serious_violations(page: Any) -> list[dict[str, Any]]:
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("async () => await axe.run(document)")
    return [
        {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


def test_check_page_shows_the_suppressed_code_the_gap_and_its_prompt(
    page: Any, live_server: str, client: TestClient
) -> None:
    case = load_case()
    expected = client.post(
        "/api/check",
        json={
            "note": case["note"],
            "codes": case["codes"],
            "pos": case["pos"],
            "equipment": case["equipment"],
            "date": str(case["date"]),
            "audit": False,
        },
    ).json()
    suppressed = expected["suppressed"][0]
    gap = expected["documentation"]["gaps"][0]
    page.goto(live_server + "/")
    area = page.evaluate(REPORT_BOX)
    fill_check_form(page, case)
    page.click("#check-form button[type=submit]")
    page.wait_for_selector("#report-body")
    report = page.locator("#report-body")
    assert suppressed["code"] in report.locator(".card.dont").inner_text()
    assert suppressed["rule"] in report.locator(".card.dont").inner_text()
    gap_card = report.locator(".card.gap").first
    assert "Fluoroscopy time" in gap_card.inner_text()
    prompt = gap.get("prompt") or gap["action"]
    assert gap_card.locator(".prompt-text").inner_text().strip() == prompt.strip()
    # the billed lines include the replacement code the report names
    assert suppressed["replaced_by"] in report.locator("tr.bill").all_inner_texts()[-1]
    # the report area was reserved before the results came: it did not move
    after = page.evaluate(REPORT_BOX)
    assert area == after
    shot(page, "check-report")
    assert serious_violations(page) == []


def test_permalink_reproduces_the_report_without_sending_the_note(
    page: Any, live_server: str
) -> None:
    case = load_case()
    page.goto(live_server + "/")
    fill_check_form(page, case)
    page.click("#check-form button[type=submit]")
    page.wait_for_selector("#report-body")
    first = page.locator("#report-body .card.dont").inner_text()
    page.click("#permalink")
    page.wait_for_selector("#report-body")
    url = page.url
    assert "#note=" in url and "codes=20610%2C77003" in url
    # nothing of the note went into the part a server sees
    assert "femoral" not in url.split("#")[0]
    assert page.locator("#note").input_value() == case["note"]
    assert page.locator("#report-body .card.dont").inner_text() == first


def test_print_view_hides_the_form(page: Any, live_server: str) -> None:
    case = load_case()
    page.goto(live_server + "/")
    fill_check_form(page, case)
    page.click("#check-form button[type=submit]")
    page.wait_for_selector("#report-body")
    page.emulate_media(media="print")
    assert not page.locator("#check-form").is_visible()
    assert page.locator("#report-body").is_visible()
    shot(page, "check-print")


def test_code_page_summary_card_first(page: Any, live_server: str, client: TestClient) -> None:
    data = client.get("/api/codes/76000").json()
    page.goto(live_server + "/codes/76000")
    first_section = page.locator("article.code-page > section").first
    assert first_section.get_attribute("class") == "summary"
    summary = first_section.inner_text()
    assert data["status"]["code"] in summary
    amount = data["payment"]["office"]["global"]
    assert f"${amount:,.2f}" in summary
    # the partner list is collapsed past the first rows, and filters
    rows = page.locator("#partner-table tbody tr")
    visible = [r for r in rows.all() if r.is_visible()]
    assert 0 < len(visible) <= 8 < rows.count()
    partner = data["ncci"]["practitioner"]["bundles"][0]["code"]
    page.fill("#partner-filter", partner)
    shown = [r.inner_text() for r in rows.all() if r.is_visible()]
    assert shown and all(partner in text for text in shown)
    page.fill("#partner-filter", "")
    shot(page, "code-76000")
    assert serious_violations(page) == []


def test_concept_page_prices_its_codes(page: Any, live_server: str, client: TestClient) -> None:
    price = client.get("/api/price", params={"code": "77002"}).json()
    page.goto(live_server + "/concepts/fluoroscopy")
    assert page.locator("h1").inner_text().startswith("Fluoroscopy")
    row = page.locator("tr", has=page.locator("a", has_text="77002"))
    assert f"${price['amount']:,.2f}" in row.inner_text()
    shot(page, "concept-fluoroscopy")
    assert serious_violations(page) == []


def test_language_switch_to_spanish_then_arabic_is_kept(page: Any, live_server: str) -> None:
    page.goto(live_server + "/codes/76000")
    page.select_option("#lang-select", "es")
    page.wait_for_url("**lang=es**")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("nav a[href='/']").inner_text() == "Revisar una reclamación"
    # the choice is kept on the next page without ?lang=
    page.goto(live_server + "/concepts/fluoroscopy")
    assert page.locator("html").get_attribute("lang") == "es"
    shot(page, "concept-fluoroscopy-es")
    page.goto(live_server + "/codes/76000?lang=ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    amount = page.locator(".summary dd.big").first.inner_text()
    assert "US$" in amount or "$" in amount
    assert any("\u0660" <= ch <= "\u0669" or ch.isdigit() for ch in amount)
    shot(page, "code-76000-ar")
    assert serious_violations(page) == []


def test_arabic_check_report_right_to_left(page: Any, live_server: str) -> None:
    case = load_case()
    page.goto(live_server + "/?lang=ar")
    fill_check_form(page, case)
    page.click("#check-form button[type=submit]")
    page.wait_for_selector("#report-body")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("#dont-h").inner_text() != "Do not bill"
    # rule text from the core is English, marked so inside the Arabic page
    assert page.locator(".card.dont [lang=en]").count() >= 1
    shot(page, "check-report-ar")


def test_search_is_instant(page: Any, live_server: str) -> None:
    page.goto(live_server + "/search")
    page.fill("#q", "C-arm")
    page.wait_for_selector("#results li")
    texts = page.locator("#results li").all_inner_texts()
    assert any("Fluoroscopy" in t for t in texts)
    page.fill("#q", "arthrogram")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#results li')]"
        ".some(li => /7[0-9]{4}/.test(li.textContent))"
    )
    shot(page, "search-arthrogram")
    assert serious_violations(page) == []


def test_upload_a_document_and_ask(page: Any, live_server: str, tmp_path: Path) -> None:
    policy = tmp_path / "spine-injection-policy.md"
    policy.write_text(
        "# Spinal injection imaging\n\n"
        "Fluoroscopic guidance (77003) is included in the epidural injection codes 62321 and "
        "62323 and must not be reported separately with them.\n",
        encoding="utf-8",
    )
    page.goto(live_server + "/library")
    page.set_input_files("#files", str(policy))
    page.click("section[aria-labelledby=up-h] button[type=submit]")
    page.wait_for_selector("ul.added")
    assert "Spinal injection imaging" in page.locator("table.data").inner_text()
    page.fill("#question", "Can 77003 be reported with 62323?")
    page.click("section[aria-labelledby=ask-h] button[type=submit]")
    page.wait_for_selector("#answer blockquote")
    quote = page.locator("#answer blockquote").first.inner_text()
    assert "must not be reported separately" in quote
    shot(page, "library-ask")
    assert serious_violations(page) == []


def test_audit_view_filters_by_rule(page: Any, live_server: str, client: TestClient) -> None:
    case = load_case()
    body = {
        "note": case["note"],
        "codes": case["codes"],
        "pos": case["pos"],
        "equipment": case["equipment"],
        "date": str(case["date"]),
    }
    report = client.post("/api/check", json=body).json()
    rule = report["suppressed"][0]["rule"]
    page.goto(live_server + f"/audit?rule={rule}")
    text = page.locator("main").inner_text()
    assert report["audit_id"] and rule in text
    shot(page, "audit")
    assert serious_violations(page) == []
    entries = json.loads(client.get("/api/audit", params={"rule": rule}).text)
    assert all(rule in json.dumps(e) for e in entries)


def test_tablet_layout_stacks_the_form(browser: Any, live_server: str) -> None:
    context = browser.new_context(viewport={"width": 820, "height": 1180})
    tab = context.new_page()
    tab.goto(live_server + "/")
    form = tab.locator(".check-form").bounding_box()
    report = tab.locator("#report").bounding_box()
    assert report["y"] >= form["y"] + form["height"] - 1
    # nothing wider than the screen
    assert tab.evaluate("document.documentElement.scrollWidth") <= 820
    shot(tab, "check-tablet")
    context.close()


def test_keyboard_reaches_the_form(page: Any, live_server: str) -> None:
    page.goto(live_server + "/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Enter")
    focused = []
    for _ in range(12):
        page.keyboard.press("Tab")
        focused.append(page.evaluate("document.activeElement.id"))
    assert "note" in focused and "codes" in focused
