"""On a wide screen and on a phone (1280 and 390 CSS pixels wide) the questionnaire, the results and the comparison
never scroll sideways as a page: the ranking and the exclusions become one card per offering, the comparison table
scrolls inside its own frame with the criterion column kept in view, and the charts use the width they have with
labels at a readable size."""

from pathlib import Path

import pytest
import yaml
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.conftest import evaluation_path, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [1280, 390]
SIX = ["mistral-self-hosted", "teuken-self-hosted", "ovhcloud-ai-endpoints", "azure-openai", "mistral-api",
       "aws-bedrock"]
STEPS = ["organisation", "jurisdictions", "deployment", "requirements", "weights"]
SMALLEST_LABEL_PX = 11  # chart text below this is hard to read on a phone


def offering_name(key: str) -> str:
    path = Path(settings.DATA_DIR) / "catalog" / "offerings" / f"{key}.yaml"
    return yaml.safe_load(path.read_text(encoding="utf-8"))["name"]


def compare_six(evaluation) -> str:
    return evaluation_path(evaluation, "compare/?" + "&".join(f"o={k}" for k in SIX))


def page_width(page) -> tuple[int, int]:
    return tuple(page.evaluate(
        "() => [document.scrollingElement.scrollWidth, document.scrollingElement.clientWidth]"))


def open_at(page, user, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, user.username)


@pytest.mark.parametrize("width", WIDTHS)
def test_no_page_scrolls_sideways(page, defence_buyer, width):
    user, evaluation = defence_buyer
    open_at(page, user, width)
    paths = {"results": evaluation_path(evaluation), "comparison of six": compare_six(evaluation),
             **{f"questionnaire: {step}": evaluation_path(evaluation, f"questionnaire/{step}/") for step in STEPS}}
    wide = {}
    for name, path in paths.items():
        page.goto(path)
        page.locator("details").evaluate_all("all => all.forEach(d => d.open = true)")  # every must-have shown
        scroll_width, client_width = page_width(page)
        if scroll_width > client_width:
            wide[name] = (scroll_width, client_width)
    assert wide == {}


def test_on_a_phone_each_ranked_and_each_excluded_offering_is_a_card(page, defence_buyer):
    user, evaluation = defence_buyer
    open_at(page, user, 390)
    page.goto(evaluation_path(evaluation))
    for heading in ("Ranking", "Excluded offerings"):
        section = page.locator("section", has=page.get_by_role("heading", name=heading, exact=True))
        card = section.locator("tbody tr").first
        name, fit = card.locator("td.card-title"), card.locator("td[data-label=Fit]")
        expect(fit).to_be_visible()
        assert fit.bounding_box()["y"] >= name.bounding_box()["y"] + name.bounding_box()["height"] - 1, heading
        assert fit.evaluate("td => getComputedStyle(td, '::before').content") == '"Fit"'  # the value says what it is
        assert card.bounding_box()["width"] >= 0.9 * section.bounding_box()["width"]
    page.set_viewport_size({"width": 1280, "height": 900})  # a wide screen keeps the table with its header row
    section = page.locator("section", has=page.get_by_role("heading", name="Ranking", exact=True))
    expect(section.get_by_role("columnheader", name="Fit", exact=True)).to_be_visible()
    row = section.locator("tbody tr").first
    fit, name = row.locator("td[data-label=Fit]"), row.locator("td.card-title")
    assert abs(fit.bounding_box()["y"] - name.bounding_box()["y"]) < 2  # side by side in one row


def test_on_a_phone_the_comparison_table_scrolls_in_its_frame_and_keeps_the_criterion_in_view(page, defence_buyer):
    user, evaluation = defence_buyer
    open_at(page, user, 390)
    page.goto(compare_six(evaluation))
    frame = page.get_by_role("region", name="Side by side")
    assert frame.evaluate("f => f.scrollWidth > f.clientWidth")  # the table is wider than the phone ...
    assert page_width(page)[0] <= 390  # ... and only its frame scrolls
    criterion = frame.get_by_role("rowheader", name="B1 Extraterritorial exposure")
    frame.get_by_role("columnheader", name="Criterion").scroll_into_view_if_needed()
    frame.evaluate("f => { f.scrollLeft = f.scrollWidth; }")
    expect(frame.get_by_role("columnheader", name=offering_name(SIX[-1]))).to_be_in_viewport()
    assert abs(criterion.bounding_box()["x"] - frame.bounding_box()["x"]) < 2  # still at the frame's left edge
    page.evaluate("y => window.scrollBy(0, y)", criterion.bounding_box()["y"] - 300)  # down to its row
    expect(criterion).to_be_in_viewport()
    assert frame.evaluate("f => f.scrollLeft") > 0


@pytest.mark.parametrize("width", WIDTHS)
def test_six_offerings_share_one_chart_across_the_width_with_legible_labels(page, defence_buyer, width):
    user, evaluation = defence_buyer
    open_at(page, user, width)
    page.goto(compare_six(evaluation))
    chart = page.get_by_role("img", name="Area profile of the compared offerings")
    section = page.locator("section", has=page.get_by_role("heading", name="Area profile"))
    inner = section.evaluate("s => s.clientWidth - parseFloat(getComputedStyle(s).paddingLeft)"
                             " - parseFloat(getComputedStyle(s).paddingRight)")
    assert chart.bounding_box()["width"] >= 0.98 * inner
    legend = section.get_by_role("listitem")
    expect(legend).to_have_text([offering_name(k) for k in SIX])
    areas = yaml.safe_load((Path(settings.DATA_DIR) / "checklist.yaml").read_text(encoding="utf-8"))["areas"]
    assert chart.locator("rect:not(pattern rect)").count() == len(areas) * len(SIX)  # every offering in one chart
    labels = chart.evaluate("""svg => {
        const box = svg.getBoundingClientRect();
        return [...svg.querySelectorAll('text')].map(t => {
            const r = t.getBoundingClientRect();
            return {text: t.textContent, px: parseFloat(getComputedStyle(t).fontSize) * t.getScreenCTM().a,
                    inside: r.left >= box.left - 0.5 && r.right <= box.right + 0.5};
        });
    }""")
    assert {f"{a['key']} {a['name']}" for a in areas} <= {label["text"] for label in labels}  # every area named
    small = [label for label in labels if label["px"] < SMALLEST_LABEL_PX]
    cut = [label for label in labels if not label["inside"]]
    assert small == [] and cut == []
