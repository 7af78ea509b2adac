"""One number everywhere: every place a score is shown rounds it the same way, once, half up."""

import pytest

from vendoreval.scoring.numbers import percent, shown


@pytest.mark.parametrize("value, digits, text", [
    (38.25, 1, "38.3"),  # format(38.25, ".1f") gives 38.2 (binary half-even); a person rounds half up
    (71.25, 1, "71.3"),
    (0.05, 1, "0.1"),
    (2.675, 2, "2.68"),
    (99.95, 1, "100.0"),
    (12.5, 0, "13"),
    (-0.04, 1, "0.0"),
    (0.1 + 0.2, 1, "0.3"),
])
def test_scores_are_rounded_half_up_from_their_decimal_value(value, digits, text):
    assert shown(value, digits) == text


def test_shares_are_whole_percentages():
    assert (percent(0.125), percent(0.5), percent(1 / 3)) == ("13%", "50%", "33%")
