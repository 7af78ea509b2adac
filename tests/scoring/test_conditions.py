"""A recommendation states its conditions: unknown and stale answers that carry weight or a must-have."""

from vendoreval.scoring.conditions import conditions
from vendoreval.scoring.engine import score_offerings
from vendoreval.scoring.models import MustHave


def test_conditions_list_unknown_and_stale_answers_that_matter(checklist, make_profile, make_offering):
    # weights A 0, B 50, D 30: area A carries no weight, so unknown A2 does not matter unless it is a must-have
    profile = make_profile(area_weights={"A": 0, "B": 50, "D": 30},
                           must_haves=[MustHave(criterion="A1", min_level=0)])
    offering = make_offering("x", {"A1": None, "A2": None, "B2": None}, stale=["D1", "A2"])
    [result] = score_offerings(checklist, profile, [offering]).ranking
    found = conditions(result, profile)
    assert found.unknown == ("A1", "B2")  # A1 is a must-have; B2 is weighted; A2 is neither
    assert found.stale == ("D1",)
    assert found.known_share == 0.5  # 3 of 6 answers known
