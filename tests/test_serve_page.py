"""The page of `rules serve`, used as a person would: in a real headless Chromium.

Debian's `chromium` with its matching `chromedriver` (installed by .ci/run;
a browser downloaded by a tool is not available here). Without them these
tests skip, except where WEERBAAR_E2E=1 (CI) makes that a failure.
Screenshots go to test-artifacts/ (not committed) to be looked at.
Every wait polls for a state of the page; none is a fixed sleep.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from weerbaar_rules import Case, Engine
from weerbaar_rules.case.model import Bron, Grondslag, OpiumwetLijst
from weerbaar_rules.cli import main
from weerbaar_rules.render.reader import ranked_missing

from .conftest import CASES, RULES
from .reader_scan import offending
from .serve_support import Server

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")
ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
EXAMPLE = CASES / "drugshandel_woning_harddrugs.json"
INCOMPLETE = CASES / "onvolledige_feiten_drugs_woning.json"

if not (CHROMIUM and CHROMEDRIVER):
    if os.environ.get("WEERBAAR_E2E"):
        raise RuntimeError(
            "WEERBAAR_E2E is set but Debian's chromium/chromedriver are missing (apt-get install chromium chromium-driver)"
        )
    pytest.skip("no chromium and chromedriver (apt-get install chromium chromium-driver)", allow_module_level=True)

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.ui import Select, WebDriverWait

Browser = webdriver.Chrome


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    running = Server("--workers", "2")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM or ""
    profile = tempfile.mkdtemp(prefix="weerbaar-chromium-")
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--window-size=1280,1000",
        "--lang=nl",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER or ""), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(browser: Browser, server: Server) -> Iterator[Browser]:
    """The page, freshly loaded and ready; afterwards the console must hold no error (script, CSP, failed load)."""
    browser.get(server.url + "/")
    wait(browser, lambda b: b.find_element(By.TAG_NAME, "body").get_attribute("data-klaar") == "ja")
    browser.get_log("browser")  # start clean
    yield browser
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE" and not _refused_on_purpose(entry)]
    assert not errors, errors


def _refused_on_purpose(entry: dict[str, Any]) -> bool:
    """The console notes every 4xx of the API; the tests of bad input cause those on purpose."""
    return entry.get("source") == "network" and "/api/" in entry["message"] and "status of 4" in entry["message"]


def wait(browser: Browser, condition: Callable[[Browser], Any], timeout: float = 30) -> Any:
    return WebDriverWait(browser, timeout, poll_frequency=0.05).until(condition)


def shot(browser: Browser, name: str, at: WebElement | None = None) -> Path:
    """A screenshot of the window under test-artifacts/, scrolled so that `at` is at the top."""
    ARTIFACTS.mkdir(exist_ok=True)
    if at is not None:
        browser.execute_script("arguments[0].scrollIntoView({block: 'start'})", at)
    path = ARTIFACTS / f"{name}.png"
    browser.save_screenshot(str(path))
    return path


def upload(browser: Browser, path: Path) -> None:
    browser.find_element(By.ID, "bestand").send_keys(str(path))


def advice_for(browser: Browser, zaak_id: str) -> WebElement:
    """Wait until the advice shown is the one for this case."""
    wait(
        browser,
        lambda b: (
            b.find_element(By.ID, "advies").is_displayed() and f"Zaak {zaak_id}," in b.find_element(By.ID, "samenvatting").text
        ),
    )
    return browser.find_element(By.ID, "advies")


def recommended_on(browser: Browser) -> list[str]:
    """The recommended instruments as the summary names them (each is a link to its card, followed by why)."""
    return [a.text for a in browser.find_elements(By.CSS_SELECTOR, "#aanbevolen-lijst a")]


def cli(*args: str) -> str:
    result = CliRunner().invoke(main, [*args, "--regels", str(RULES)])
    assert result.exit_code == 0, result.output
    return result.output


def decide(data: dict[str, Any]) -> Any:
    return Engine.from_directory(RULES).evaluate(Case.model_validate(data))


# -- the tests ------------------------------------------------------------------------------------------


def test_upload_a_case_and_see_the_recommendation_first(page: Browser) -> None:
    upload(page, EXAMPLE)
    advice_for(page, "2026-OOV-0001")
    expected = decide(json.loads(EXAMPLE.read_text(encoding="utf-8")))
    recommended = recommended_on(page)
    assert recommended == [expected.instruments[i].naam for i in expected.aanbevolen]
    groups = page.find_elements(By.CSS_SELECTOR, "#instrumentenlijst > .groep")
    assert groups[0].get_attribute("id") == "groep-aanbevolen"
    card = page.find_element(By.ID, "instrument-sluiting_13b_opiumwet")
    assert card.get_attribute("data-status") == "aanbevolen"
    assert "Bevoegd gezag\nde burgemeester" in card.text
    links = [str(a.get_attribute("href")) for a in card.find_elements(By.CSS_SELECTOR, "a")]
    assert any(link.startswith("https://wetten.overheid.nl/") for link in links)
    assert "Procedure" in card.text and "Afwegingspunten" in card.text
    # parts of the decision the page has no special place for are still shown (here: the AVG verdict per item)
    assert "bruikbaar" in page.find_element(By.ID, "besluit-informatie").text
    shot(page, "advies", page.find_element(By.ID, "advies"))
    shot(page, "instrumenten", page.find_element(By.ID, "instrumenten"))


def set_path(data: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy of the case with one fact filled in (path as in `ontbrekende_feiten`: `activiteiten[0].plek`)."""
    copy = json.loads(json.dumps(data))
    parts = [int(p) if p.isdigit() else p for p in re.findall(r"[^.\[\]]+", path)]
    current = copy
    for part in parts[:-1]:
        if isinstance(part, str) and current.get(part) is None:
            current[part] = {}
        current = current[part]
    current[parts[-1]] = value
    return copy


def test_answer_a_missing_fact_and_see_the_advice_change(page: Browser, tmp_path: Path) -> None:
    # the example case without its Opiumwet list: one answer away from a recommendation
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["zaak_id"] = "ZONDER-LIJST"
    del data["activiteiten"][0]["opiumwet_lijst"]
    path = tmp_path / "zonder_lijst.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    upload(page, path)
    advice_for(page, "ZONDER-LIJST")
    before = decide(data)
    assert recommended_on(page) == [
        before.instruments[i].naam for i in before.aanbevolen
    ] or (
        not before.aanbevolen
        and page.find_element(By.ID, "aanbevolen-lijst").text == "Geen instrument aanbevolen op deze feiten."
    )
    # every missing fact is a question, ranked by what it decides as in the text and the Markdown (render/reader.py)
    forms = page.find_elements(By.CSS_SELECTOR, "form.vraag")
    expected = [r.fact.feit for r in ranked_missing(before)]
    assert [f.get_attribute("data-feit") for f in forms] == expected
    # the allowed answers come from the case schema's enumeration at the fact's path
    lijst = page.find_element(By.CSS_SELECTOR, 'form.vraag[data-feit="activiteiten[0].opiumwet_lijst"]')
    values = [json.loads(str(r.get_attribute("value"))) for r in lijst.find_elements(By.CSS_SELECTOR, "input[type=radio]")]
    assert values == [v.value for v in OpiumwetLijst]
    shot(page, "vragen", page.find_element(By.ID, "vragen"))

    # the first question with an answer that changes the recommendation (found with the engine, not hard-coded)
    found = (
        (form, radio, after)
        for form in forms
        for radio in form.find_elements(By.CSS_SELECTOR, "input[type=radio]")
        if (
            after := decide(set_path(data, str(form.get_attribute("data-feit")), json.loads(str(radio.get_attribute("value")))))
        ).aanbevolen
        != before.aanbevolen
    )
    chosen = next(found, None)
    assert chosen is not None, "no single answer changes the recommendation of this case any more: pick another case"
    form, radio, after = chosen
    fact, value = str(form.get_attribute("data-feit")), radio.get_attribute("value")  # the page redraws after the answer
    if not radio.is_displayed():  # among the further questions, folded away
        form.find_element(By.XPATH, "ancestor::details").find_element(By.TAG_NAME, "summary").click()
    # answered with the keyboard only: space chooses, Enter submits
    page.execute_script("arguments[0].focus()", radio)
    radio.send_keys(Keys.SPACE)
    radio.send_keys(Keys.ENTER)
    changes = wait(page, lambda b: b.find_element(By.ID, "wijzigingenlijst"))
    for instrument in after.aanbevolen:
        if instrument not in before.aanbevolen:
            assert f"Nu aanbevolen: {after.instruments[instrument].naam}" in changes.text
    for instrument in before.aanbevolen:
        if instrument not in after.aanbevolen:
            assert f"Niet meer aanbevolen: {before.instruments[instrument].naam}" in changes.text
    assert recommended_on(page) == [after.instruments[i].naam for i in after.aanbevolen]
    assert page.switch_to.active_element.get_attribute("id") == "wijzigingen"
    # the form holds the answer too, so the case can be changed further
    assert page.find_element(By.CSS_SELECTOR, f'[data-pad="{fact}"]').get_attribute("value") == value
    shot(page, "vragen-beantwoord", page.find_element(By.ID, "wijzigingen"))
    page.find_element(By.ID, "ongedaan").click()
    wait(page, lambda b: "Wat veranderde" not in b.find_element(By.ID, "wijzigingen").text)
    assert page.find_element(By.CSS_SELECTOR, f'[data-pad="{fact}"]').get_attribute("value") == ""


def test_the_page_asks_where_information_came_from_when_the_file_does_not_say(page: Browser, tmp_path: Path) -> None:
    # The outside trial's case: a textbook closure whose dossier does not record the information's source and basis.
    data = json.loads(EXAMPLE.read_text(encoding="utf-8"))
    data["zaak_id"] = "ZONDER-GRONDSLAG"
    data["informatie"] = [{"id": data["informatie"][0]["id"]}]
    path = tmp_path / "zonder_grondslag.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    upload(page, path)
    advice_for(page, "ZONDER-GRONDSLAG")
    assert decide(data).instruments["sluiting_13b_opiumwet"].status == "onbeslist"
    for field, allowed in (("bron", Bron), ("grondslag", Grondslag)):
        form = page.find_element(By.CSS_SELECTOR, f'form.vraag[data-feit="informatie[0].{field}"]')
        values = [json.loads(str(r.get_attribute("value"))) for r in form.find_elements(By.CSS_SELECTOR, "input[type=radio]")]
        assert values == [v.value for v in allowed]


def test_open_the_graph_zoom_and_follow_a_node(page: Browser) -> None:
    upload(page, EXAMPLE)
    advice_for(page, "2026-OOV-0001")
    page.find_element(By.CSS_SELECTOR, "#graaf-blok > summary").click()
    svg = wait(page, lambda b: b.find_element(By.CSS_SELECTOR, "#graaf svg"))
    node = page.find_element(By.CSS_SELECTOR, '#graaf g.node[id="instrument:sluiting_13b_opiumwet"]')
    width = int(svg.get_attribute("width") or 0)
    page.find_element(By.ID, "zoom-in").click()
    assert int(page.find_element(By.CSS_SELECTOR, "#graaf svg").get_attribute("width") or 0) > width
    shot(page, "graaf", page.find_element(By.ID, "graaf-blok"))
    # a click on the instrument goes to its card on this page, not away to the law
    page.execute_script("arguments[0].scrollIntoView({block: 'center', inline: 'center'})", node)
    node.find_element(By.CSS_SELECTOR, "a").click()
    wait(page, lambda b: b.switch_to.active_element.get_attribute("id") == "instrument-sluiting_13b_opiumwet")
    assert len(page.window_handles) == 1
    # a rule node opens the rule's details, with the keyboard
    rule = page.find_element(By.CSS_SELECTOR, '#graaf g.node[id^="regel:"]')
    rule_id = str(rule.get_attribute("id")).split(":", 1)[1]
    link = rule.find_element(By.CSS_SELECTOR, "[tabindex='0']")
    page.execute_script("arguments[0].focus()", link)
    link.send_keys(Keys.ENTER)
    panel = wait(
        page, lambda b: b.find_element(By.ID, "regel-paneel") if b.find_element(By.ID, "regel-paneel").is_displayed() else None
    )
    # by its title; the rule's id is only in the folded technical part
    title = decide(json.loads(EXAMPLE.read_text(encoding="utf-8"))).explanation.nodes[f"regel:{rule_id}"]["label"]
    assert panel.text.startswith(f"Regel: {title}")
    assert rule_id not in panel.text
    assert rule_id in str(panel.find_element(By.CSS_SELECTOR, "details").get_attribute("textContent"))


@pytest.mark.parametrize("path", sorted(CASES.glob("*.json")), ids=lambda p: p.stem)
def test_no_internal_ids_on_the_page_for_any_example_case(page: Browser, path: Path) -> None:
    """What the page shows a lawyer (its visible text, the excluded instruments unfolded too) holds no rule id,
    code such as wpg_16, field path or English word (tests/reader_scan.py); ids stay in the folded technical parts."""
    zaak_id = json.loads(path.read_text(encoding="utf-8"))["zaak_id"]
    upload(page, path)
    advice_for(page, zaak_id)
    for summary in page.find_elements(By.CSS_SELECTOR, "#groep-uitgesloten > summary"):
        summary.click()
    visible = str(page.execute_script("return document.body.innerText")).replace(zaak_id, " ")
    assert offending(visible) == []
    footer = page.find_element(By.ID, "ontvangstbewijs").text
    assert footer.startswith("Ontvangstbewijs van dit advies: regelset nl ") and "vingerafdruk" in footer
    # a rule of a card, by its title; its panel too
    buttons = page.find_elements(By.CSS_SELECTOR, "#instrumentenlijst button.link")
    if buttons and path == EXAMPLE:
        buttons[0].click()
        panel = wait(page, lambda b: b.find_element(By.ID, "regel-paneel") if b.find_element(By.ID, "regel-paneel").is_displayed() else None)
        assert offending(panel.text) == []


def test_bad_input_shows_the_message_and_marks_the_field(page: Browser, tmp_path: Path) -> None:
    broken = tmp_path / "kapot.json"
    broken.write_text('{"zaak_id": "x", "locatie": ', encoding="utf-8")
    upload(page, broken)
    message = wait(page, lambda b: b.find_element(By.ID, "melding").text)
    assert message.startswith("Fout: het bestand kapot.json kon niet worden gelezen: zaak.json:1:")
    assert "ongeldige JSON" in message
    shot(page, "fout")

    wrong = tmp_path / "fout.yaml"
    wrong.write_text("zaak_id: x\nlocatie:\n  type: woning\n  eigendom: huurder\n", encoding="utf-8")
    upload(page, wrong)
    wait(page, lambda b: "fout.yaml" in b.find_element(By.ID, "melding").text)
    assert re.search(r"zaak\.yaml:\d+(:\d+)?: locatie\.eigendom: ", page.find_element(By.ID, "melding").text)
    assert not page.find_elements(By.CSS_SELECTOR, "[aria-invalid=true]")  # the form does not hold that file


def test_fill_in_a_case_with_the_form_built_from_the_schema(page: Browser) -> None:
    page.find_element(By.CSS_SELECTOR, "#formulier-blok > summary").click()
    form = page.find_element(By.ID, "formulier")

    def field(path: str) -> WebElement:
        return form.find_element(By.CSS_SELECTOR, f'[data-pad="{path}"]')

    # a required field left empty: the message names it and the field is marked
    page.find_element(By.ID, "beoordeel").click()
    wait(page, lambda b: "zaak_id" in b.find_element(By.ID, "melding").text or "locatie" in b.find_element(By.ID, "melding").text)
    assert page.find_elements(By.CSS_SELECTOR, "[aria-invalid=true]")

    field("zaak_id").send_keys("FORM-1")
    Select(field("locatie.type")).select_by_visible_text("woning")
    Select(field("locatie.eigendom")).select_by_visible_text("huurder woningcorporatie")
    page.find_element(By.XPATH, "//button[text()='Toevoegen aan informatie']").click()
    field("informatie[0].id").send_keys("pol1")
    Select(field("informatie[0].bron")).select_by_visible_text("politie")
    Select(field("informatie[0].grondslag")).select_by_visible_text("wpg 16")
    # when the report was provided: art. 16 Wpg counts from 2008, and nothing else in this case dates it
    # (set as the date input stores it, so the browser's locale order of day and month does not matter)
    page.execute_script(
        "arguments[0].value = '2025-12-01';"
        "for (const kind of ['input', 'change']) arguments[0].dispatchEvent(new Event(kind, {bubbles: true}));",
        field("informatie[0].datum"),
    )
    assert field("informatie[0].datum").get_attribute("value") == "2025-12-01"
    page.find_element(By.XPATH, "//button[text()='Toevoegen aan activiteiten']").click()
    Select(field("activiteiten[0].type")).select_by_visible_text("drugshandel")
    Select(field("activiteiten[0].opiumwet_lijst")).select_by_visible_text("I")
    # an optional part opens with its own button: absent is not the same as present with everything unknown
    page.find_element(By.XPATH, "//button[text()='hoeveelheid invullen']").click()
    Select(field("activiteiten[0].hoeveelheid.eenheid")).select_by_visible_text("handelshoeveelheid")
    Select(field("activiteiten[0].plek")).select_by_visible_text("in pand")
    field("activiteiten[0].informatie").send_keys("pol1", Keys.TAB)
    field("peildatum").send_keys("01-11-2026")  # typed as a person does; the date input stores 2026-11-01
    page.find_element(By.ID, "beoordeel").click()
    advice_for(page, "FORM-1")
    assert not page.find_element(By.ID, "melding").text
    entered = {
        "schema_versie": "2",
        "zaak_id": "FORM-1",
        "peildatum": "2026-11-01",
        "locatie": {"type": "woning", "eigendom": "huurder_woningcorporatie"},
        "informatie": [{"id": "pol1", "bron": "politie", "grondslag": "wpg_16", "datum": "2025-12-01"}],
        "activiteiten": [
            {
                "type": "drugshandel",
                "opiumwet_lijst": "I",
                "hoeveelheid": {"eenheid": "handelshoeveelheid"},
                "plek": "in_pand",
                "informatie": ["pol1"],
            }
        ],
    }
    expected = decide(entered)
    assert expected.aanbevolen, "the case entered should lead to a recommendation"
    assert recommended_on(page) == [
        expected.instruments[i].naam for i in expected.aanbevolen
    ]
    for instrument in expected.instrumenten:
        assert page.find_element(By.ID, f"instrument-{instrument.id}").get_attribute("data-status") == instrument.status


def test_why_not_and_the_markdown_for_the_memo(page: Browser) -> None:
    upload(page, EXAMPLE)
    advice_for(page, "2026-OOV-0001")
    page.find_element(By.CSS_SELECTOR, "#groep-uitgesloten > summary").click()
    card = page.find_element(By.ID, "instrument-huisverbod")
    button = card.find_element(By.TAG_NAME, "button")
    assert button.text == "Waarom niet?"
    button.click()
    answer = wait(page, lambda b: card.find_element(By.CSS_SELECTOR, ".uitleg pre"))
    assert answer.text == cli("explain", str(EXAMPLE), "huisverbod").strip()
    assert button.get_attribute("aria-expanded") == "true"

    page.find_element(By.ID, "toon-md").click()
    area = wait(page, lambda b: b.find_element(By.ID, "md") if b.find_element(By.ID, "md").get_attribute("value") else None)
    assert area.get_attribute("value") == cli("evaluate", str(EXAMPLE), "--format", "md")


def test_labels_contrast_and_language(page: Browser) -> None:
    upload(page, INCOMPLETE)
    advice_for(page, "2026-OOV-0088")
    page.find_element(By.CSS_SELECTOR, "#formulier-blok > summary").click()
    assert page.find_element(By.TAG_NAME, "html").get_attribute("lang") == "nl"
    unlabeled = page.execute_script(
        """
        const named = (el) => (el.labels && el.labels.length) || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')
            || (el.tagName === 'BUTTON' && el.textContent.trim());
        return [...document.querySelectorAll('input, select, textarea, button')].filter((el) => !named(el)).map((el) => el.outerHTML.slice(0, 120));
        """
    )
    assert unlabeled == []
    low = page.execute_script(
        """
        const rgb = (text) => text.match(/[\\d.]+/g).map(Number);
        const lum = ([r, g, b]) => { const f = (c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; };
            return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
        const background = (el) => { for (let e = el; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor);
            if (c.length < 4 || c[3] > 0) return c.slice(0, 3); } return [255, 255, 255]; };
        const out = [];
        for (const el of document.querySelectorAll('body *')) {
            if (el.closest('svg') || !el.offsetParent) continue;
            if (![...el.childNodes].some((n) => n.nodeType === 3 && n.textContent.trim())) continue;
            const a = lum(rgb(getComputedStyle(el).color)), b = lum(background(el));
            const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
            if (ratio < 4.5) out.push(`${el.tagName}.${el.className}: ${ratio.toFixed(2)} ${el.textContent.trim().slice(0, 40)}`);
        }
        return out;
        """
    )
    assert low == []
    # everything can be reached with Tab: the file input, the options, the button and the questions' answers
    reachable = page.execute_script(
        "return [...document.querySelectorAll('#bestand, #peildatum, #gemeente, #beoordeel, form.vraag input')]"
        ".every((el) => el.tabIndex >= 0 && !el.disabled)"
    )
    assert reachable


GROWN = """
(() => {
  // Stand-in for the case model and decision growing past today's (a v3 field, new decision fields): the page must follow.
  const realFetch = window.fetch.bind(window);
  window.__verzonden = [];
  window.fetch = async (url, init) => {
    const path = new URL(url, location.origin).pathname;
    if (init && init.body) window.__verzonden.push([path, init.body]);
    const response = await realFetch(url, init);
    if (path === "/api/schema/zaak") {
      const schema = await response.json();
      schema.properties.verhuurhistorie = { type: "array", items: { $ref: "#/$defs/Verhuur" }, description: "Eerdere verhuur van het pand." };
      schema.$defs.Verhuur = {
        type: "object",
        required: ["id", "soort"],
        properties: {
          id: { type: "string" },
          soort: { type: "array", items: { enum: ["kamerverhuur", "vakantieverhuur", "bedrijfsruimte"], type: "string" } },
          opgezegd: { anyOf: [{ type: "boolean" }, { type: "null" }], default: null, description: "Is de huur opgezegd?" },
        },
      };
      return new Response(JSON.stringify(schema), { status: 200, headers: { "Content-Type": "application/json" } });
    }
    if (path === "/api/beoordeling" && response.ok) {
      const decision = await response.json();
      for (const inst of decision.instrumenten) inst.adressaat = { rol: "eigenaar", toelichting: "de last wordt bekendgemaakt aan de eigenaar" };
      decision.betrokkenen_in_besluit = [{ id: "p1", rol: "eigenaar", verwijtbaar: "onbekend" }];
      return new Response(JSON.stringify(decision), { status: 200, headers: { "Content-Type": "application/json" } });
    }
    return response;
  };
})();
"""


def test_form_and_advice_follow_a_grown_schema_and_decision(browser: Browser, server: Server) -> None:
    script = browser.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": GROWN})
    try:
        browser.get(server.url + "/")
        wait(browser, lambda b: b.find_element(By.TAG_NAME, "body").get_attribute("data-klaar") == "ja")
        browser.find_element(By.CSS_SELECTOR, "#formulier-blok > summary").click()
        form = browser.find_element(By.ID, "formulier")
        assert form.find_element(By.CSS_SELECTOR, '[data-pad="schema_versie"]').get_attribute("value") == "2"
        form.find_element(By.CSS_SELECTOR, '[data-pad="zaak_id"]').send_keys("V3-1")
        Select(form.find_element(By.CSS_SELECTOR, '[data-pad="locatie.type"]')).select_by_visible_text("woning")
        browser.find_element(By.XPATH, "//button[text()='Toevoegen aan verhuurhistorie']").click()
        form.find_element(By.CSS_SELECTOR, '[data-pad="verhuurhistorie[0].id"]').send_keys("h1", Keys.TAB)
        kinds = form.find_element(By.CSS_SELECTOR, '[data-pad="verhuurhistorie[0].soort"]')
        for label in ("kamerverhuur", "vakantieverhuur"):
            kinds.find_element(By.XPATH, f".//label[text()='{label}']").click()
        Select(form.find_element(By.CSS_SELECTOR, '[data-pad="verhuurhistorie[0].opgezegd"]')).select_by_visible_text("nee")
        browser.find_element(By.ID, "beoordeel").click()
        wait(browser, lambda b: b.find_element(By.ID, "melding").text)
        sent = json.loads(browser.execute_script("return window.__verzonden.at(-1)[1]"))
        assert sent["schema_versie"] == "2"
        assert sent["verhuurhistorie"] == [{"id": "h1", "soort": ["kamerverhuur", "vakantieverhuur"], "opgezegd": False}]
        # today's server does not know this field yet, and says so in its own words
        assert re.search(r"het \d+e veld van de zaak is onbekend", browser.find_element(By.ID, "melding").text)

        upload(browser, EXAMPLE)
        advice_for(browser, "2026-OOV-0001")
        card = browser.find_element(By.ID, "instrument-sluiting_13b_opiumwet")
        assert "adressaat" in card.text and "de last wordt bekendgemaakt aan de eigenaar" in card.text
        part = browser.find_element(By.ID, "besluit-betrokkenen_in_besluit")
        assert part.text.startswith("betrokkenen in besluit") and "verwijtbaar" in part.text
    finally:
        browser.execute_cdp_cmd("Page.removeScriptToEvaluateOnNewDocument", {"identifier": script["identifier"]})


EVIL_PAGE = """<!doctype html><html><body><script>
const body = JSON.stringify({zaak_id: "x", locatie: {type: "woning"}});
Promise.allSettled([
  fetch("%(api)s", {method: "POST", mode: "no-cors", headers: {"Content-Type": "text/plain"}, body}),
  fetch("%(api)s", {method: "POST", headers: {"Content-Type": "application/json"}, body}),
]).then(() => { document.body.dataset.klaar = "ja"; });
</script></body></html>"""


def test_a_page_of_another_site_cannot_use_the_api(browser: Browser, server: Server) -> None:
    """Issue 22: a page elsewhere (here: another port on this computer) gets 403 for its simple request and its preflight."""
    import http.server
    import threading

    page = (EVIL_PAGE % {"api": server.url + "/api/beoordeling"}).encode("utf-8")

    class Evil(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(page)

        def log_message(self, *args: Any) -> None:
            pass

    elsewhere = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Evil)
    thread = threading.Thread(target=elsewhere.serve_forever, daemon=True)
    thread.start()
    try:
        before = server.stderr.count("POST /api/beoordeling 200")
        browser.get(f"http://localhost:{elsewhere.server_address[1]}/")
        wait(browser, lambda b: b.find_element(By.TAG_NAME, "body").get_attribute("data-klaar") == "ja")
        wait(browser, lambda b: "POST /api/beoordeling 403" in server.stderr and "OPTIONS /api/beoordeling 403" in server.stderr)
        assert server.stderr.count("POST /api/beoordeling 200") == before
    finally:
        elsewhere.shutdown()
        elsewhere.server_close()
    # and the page of the server itself still evaluates
    browser.get(server.url + "/")
    wait(browser, lambda b: b.find_element(By.TAG_NAME, "body").get_attribute("data-klaar") == "ja")
    upload(browser, EXAMPLE)
    advice_for(browser, "2026-OOV-0001")
