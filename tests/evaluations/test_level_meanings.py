"""Where the buyer chooses a level, each choice says what that level means for that criterion — read here from
data/checklist.yaml's ladders (and, for SEAL minimums, the CSF SEAL ladder in the table below) — never a bare number.
The must-have list is grouped by area and has a filter box that stays hidden without JavaScript."""

import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.urls import reverse
from django.utils.html import escape

pytestmark = pytest.mark.django_db

CHECKLIST = yaml.safe_load((Path(settings.DATA_DIR) / "checklist.yaml").read_text(encoding="utf-8"))
CRITERIA = {c["key"]: c for c in CHECKLIST["criteria"]}
AREAS = {a["key"]: a["name"] for a in CHECKLIST["areas"]}
# EU Cloud Sovereignty Framework v1.2.1, the SEAL ladder
SEAL = {1: ("Jurisdictional sovereignty", "Trusted law formally applies, but with limited practical enforceability"),
        2: ("Data sovereignty", "Trusted law applies and is enforceable"),
        3: ("Digital resilience", "Trusted actors exercise meaningful but not full influence"),
        4: ("Full digital sovereignty", "Technology, operations and data are under complete trusted control.")}


def step(client, evaluation, name) -> str:
    response = client.get(reverse("evaluation-step", kwargs={"org": evaluation.organisation.slug,
                                                             "slug": evaluation.slug, "step": name}))
    assert response.status_code == 200
    return response.content.decode()


def block(html: str, field_id: str) -> str:
    """One field's markup: from its wrapper to the next field's."""
    return re.split(r'<div class="field[ "]', html.split(f'id="{field_id}-field"', 1)[1], maxsplit=1)[0]


@pytest.fixture
def buyer(client, evaluation, evaluator):
    client.force_login(evaluator)
    return client


def test_every_own_must_have_choice_says_what_the_level_means(buyer, evaluation):
    html = step(buyer, evaluation, "requirements")
    for key, criterion in CRITERIA.items():
        field = block(html, f"f-must-have-{key.lower()}")
        assert f"<legend>{key} {escape(criterion['title'])}</legend>" in field
        assert ">no minimum</label>" in field
        for level, meaning in criterion["levels"].items():
            if level > 0:
                assert f">at least {level} — {escape(meaning)}</label>" in field, (key, level)
        assert ">at least 0" not in field  # no minimum in effect: not offered as one


def test_a_saved_minimum_between_two_steps_of_the_ladder_says_which_step_meets_it(buyer, evaluation):
    # A1's ladder has 0, 1 and 4: "at least 2" is met only by level 4
    assert sorted(CRITERIA["A1"]["levels"]) == [0, 1, 4]
    buyer.post(reverse("evaluation-field", kwargs={"org": evaluation.organisation.slug, "slug": evaluation.slug,
                                                   "field": "must_have:A1"}), {"must_have:A1": "2"},
               HTTP_HX_REQUEST="true")
    field = block(step(buyer, evaluation, "requirements"), "f-must-have-a1")
    meaning = escape(CRITERIA["A1"]["levels"][4])
    assert 'value="2" id="f-must-have-a1-2" checked' in field
    assert f">at least 2 — met only from level 4: {meaning}</label>" in field


def test_the_must_have_list_is_grouped_by_area_and_can_be_filtered(buyer, evaluation):
    html = step(buyer, evaluation, "requirements")
    own = html.split('id="own-must-haves"', 1)[1].split('id="seal-minimums"', 1)[0]
    groups = own.split('<details class="area-group"')[1:]
    assert [g.split("<strong>", 1)[1].split("</strong>", 1)[0] for g in groups] == [
        escape(f"{key} {name}") for key, name in AREAS.items()]
    for group, area in zip(groups, AREAS, strict=True):
        keys = [k for k, c in CRITERIA.items() if c["area"] == area]
        assert [k for k in CRITERIA if f'id="f-must-have-{k.lower()}-field"' in group] == keys
    # the filter box works through static/js/app.js; without JavaScript it stays hidden and the list is complete
    assert '<div class="filter" data-filter="#own-must-haves" hidden>' in own
    assert own.count("data-filter-item=") == len(CRITERIA)


def test_own_hosting_levels_say_what_they_mean(buyer, evaluation):
    html = step(buyer, evaluation, "deployment")
    own_hosted = [k for k, c in CRITERIA.items() if c.get("buyer_controlled_when_self_hosted")]
    assert own_hosted
    for key in own_hosted:
        field = block(html, f"f-own-hosting-{key.lower()}")
        for level, meaning in CRITERIA[key]["levels"].items():
            assert f">{level} — {escape(meaning)}</label>" in field, (key, level)
        assert ">not stated (counts as unknown)</label>" in field


def test_seal_minimums_name_each_level_of_the_seal_ladder_and_what_it_means(buyer, evaluation):
    html = step(buyer, evaluation, "requirements")
    seal = html.split('id="seal-minimums"', 1)[1]
    for level, (name, meaning) in SEAL.items():
        assert f"<dt>SEAL-{level} {name}</dt><dd>{escape(meaning)}" in seal
    field = block(html, "f-seal-sov-3")
    for level, (name, _) in SEAL.items():
        assert f">at least SEAL-{level} {name}</label>" in field


def test_an_override_offers_lower_levels_with_their_meanings_or_dropping_it(buyer, evaluation):
    field = block(step(buyer, evaluation, "requirements"), "f-override-b1")
    assert "must-have B1 ≥ 4" in field
    assert ">drop it — no minimum for B1</label>" in field
    lower = [level for level in CRITERIA["B1"]["levels"] if 0 < level < 4]
    for level in lower:
        assert f">at least {level} — {escape(CRITERIA['B1']['levels'][level])}</label>" in field
    assert ">at least 4" not in field
