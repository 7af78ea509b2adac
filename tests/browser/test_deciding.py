"""Where the buyer decides, in a real Chromium at 1280 and 390 CSS pixels: the must-have control says what each level
means (expected text from data/checklist.yaml), undoing an override brings the rule's must-have back, and nothing
typed is lost — text saves while it is typed, a paste over the limit is kept whole and refused with a message, and
leaving with unsaved text asks first."""

from pathlib import Path

import pytest
import yaml
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.conftest import evaluation_path, log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTHS = [1280, 390]
CRITERIA = {c["key"]: c for c in yaml.safe_load(
    (Path(settings.DATA_DIR) / "checklist.yaml").read_text(encoding="utf-8"))["criteria"]}
REASON = "The models run in our own air-gapped data centre; no provider can be compelled"


def open_at(page, user, width: int, path: str) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    log_in(page, user.username)
    page.goto(path)


@pytest.mark.parametrize("width", WIDTHS)
def test_level_meanings_are_visible_in_the_must_have_control(page, defence_buyer, width):
    user, evaluation = defence_buyer
    open_at(page, user, width, evaluation_path(evaluation, "questionnaire/requirements/"))
    page.get_by_label("Find a criterion").fill("retention")
    expect(page.locator("#must-have-filter-count")).to_have_text("1 criterion matches")
    control = page.get_by_role("group", name="C3 Retention of prompts and outputs")
    for level, meaning in CRITERIA["C3"]["levels"].items():
        if level > 0:
            expect(control.get_by_label(f"at least {level} — {meaning}", exact=True)).to_be_visible()
    expect(page.get_by_role("group", name="A1 Ownership jurisdiction")).to_be_hidden()  # filtered out
    choice = control.get_by_label(f"at least 3 — {CRITERIA['C3']['levels'][3]}", exact=True)
    choice.check()
    expect(page.locator("#f-must-have-c3-field .save-state")).to_contain_text("Saved")
    page.reload()
    expect(page.get_by_label(f"at least 3 — {CRITERIA['C3']['levels'][3]}", exact=True)).to_be_checked()
    evaluation.refresh_from_db()
    assert evaluation.must_haves == {"C3": 3}


def test_undoing_an_override_restores_the_must_have(page, defence_buyer):
    user, evaluation = defence_buyer
    requirements = evaluation_path(evaluation, "questionnaire/requirements/")
    open_at(page, user, 1280, requirements)
    field = page.locator("#f-override-b1-field")
    field.get_by_text("Override this must-have").click()
    field.get_by_label("drop it — no minimum for B1").check()
    expect(field.locator(".save-state")).to_contain_text("Not applied yet")  # choosing alone changes nothing
    field.get_by_label("Why the must-have does not apply").fill(REASON)
    field.get_by_role("button", name="Override must-have B1").click()
    expect(field).to_contain_text("dropped by the buyer")
    page.goto(evaluation_path(evaluation))
    expect(page.get_by_text(f"dropped by the buyer: {REASON}")).to_be_visible()

    page.goto(requirements)
    field.get_by_role("button", name="Undo the override: must-have B1 ≥ 4 applies again").click()
    expect(field.get_by_text("Override this must-have")).to_be_visible()
    expect(field).not_to_contain_text("overridden")
    page.goto(evaluation_path(evaluation))
    expect(page.get_by_text("must-have B1 Extraterritorial exposure ≥ 4 — added because the sector is Defence & "
                            "aerospace and data classification is restricted")).to_be_visible()
    expect(page.get_by_text("dropped by the buyer")).to_have_count(0)
    page.goto(requirements)
    field.get_by_text("Override this must-have").click()
    expect(field.get_by_label("Why the must-have does not apply")).to_have_value("")  # the reason went with it
    evaluation.refresh_from_db()
    assert evaluation.overrides == {}


@pytest.mark.parametrize("width", WIDTHS)
def test_text_saves_while_typed_and_leaving_before_it_is_saved_asks_first(page, defence_buyer, width):
    user, evaluation = defence_buyer
    organisation = evaluation_path(evaluation, "questionnaire/organisation/")
    open_at(page, user, width, organisation)
    dialogs = []

    def answer(dialog):
        dialogs.append(dialog.type)
        dialog.dismiss()  # stay on the page

    page.on("dialog", answer)
    use_cases = page.get_by_label("Use cases")
    use_cases.press_sequentially("Summaries of maintenance manuals")
    expect(page.locator("#f-use-cases-field .save-state")).to_have_text("Not saved yet")
    page.locator("nav[aria-label=Evaluation]").get_by_role("link", name="Results").click()  # before it saved
    expect(page.locator("#f-use-cases-field .save-state")).to_contain_text("Saved")  # saved without leaving
    assert dialogs == ["beforeunload"]
    assert page.url.endswith(organisation)
    expect(use_cases).to_have_value("Summaries of maintenance manuals")
    expect(page.locator("#f-use-cases-counter")).to_have_text("32 of 5000 characters")
    evaluation.refresh_from_db()
    assert evaluation.use_cases == "Summaries of maintenance manuals"
    page.locator("nav[aria-label=Evaluation]").get_by_role("link", name="Results").click()  # all saved: no question
    expect(page.get_by_role("heading", name="Results: Maintenance manuals assistant")).to_be_visible()
    assert dialogs == ["beforeunload"]


def test_a_paste_over_the_limit_is_kept_whole_and_refused_next_to_the_field(page, defence_buyer):
    user, evaluation = defence_buyer
    open_at(page, user, 390, evaluation_path(evaluation, "questionnaire/organisation/"))
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.type), dialog.dismiss()))
    name = page.get_by_label("Evaluation name")
    name.fill("")
    pasted = " ".join(["Wartungshandbuch-Assistent"] * 8)  # 215 characters; the name holds 200
    name.evaluate("""(input, text) => {
        const data = new DataTransfer();
        data.setData('text/plain', text);
        input.focus();
        input.dispatchEvent(new ClipboardEvent('paste', {clipboardData: data, bubbles: true, cancelable: true}));
    }""", pasted)
    expect(name).to_have_value(pasted)  # not cut at 200
    expect(page.locator("#f-name-counter")).to_have_text("215 of 200 characters — 15 too many")
    expect(page.locator("#f-name-error")).to_have_text("Keep this under 200 characters: it has 215. Nothing was cut; "
                                                       "shorten it and save again.")
    expect(name).to_have_attribute("aria-invalid", "true")
    expect(name).to_have_attribute("aria-describedby", "f-name-counter f-name-error")
    evaluation.refresh_from_db()
    assert evaluation.name == "Maintenance manuals assistant"
    page.locator("nav[aria-label=Evaluation]").get_by_role("link", name="Results").click()
    expect(page.locator("#f-name-error")).to_be_visible()
    assert dialogs == ["beforeunload"]  # refused text is unsaved text
