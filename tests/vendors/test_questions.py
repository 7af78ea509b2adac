"""The vendor's typed answers, without a database: levels from the criterion's ladder, public pages, PDFs."""

from __future__ import annotations

import types

import pytest

from vendoreval.fields import FieldError
from vendoreval.vendors.questions import LevelQuestion, SourcesQuestion, question

CRITERION = types.SimpleNamespace(key="C2", title="Keys", levels={"4": "Customer-held keys", "2": "Vendor keys in EU",
                                                                  "0": "No control"},
                                  level_meaning=lambda level: {4: "Customer-held keys", 2: "Vendor keys in EU",
                                                               0: "No control"}.get(level, ""))


def test_levels_are_those_of_the_ladder():
    q = LevelQuestion(CRITERION)
    assert [v for v, _ in q.choices()] == ["", "4", "2", "0"]
    assert q.clean("2") == 2 and q.clean("") is None
    with pytest.raises(FieldError, match="C2 has no level 3; its ladder has 4, 2, 0"):
        q.clean("3")
    with pytest.raises(FieldError, match="Levels run from 0 to 4"):
        q.clean("9")


@pytest.mark.parametrize("raw, message", [
    ("ftp://vendor.example/doc", "is not the address of a web page"),
    ("javascript:alert(1)", "is not the address of a web page"),
    ("https://vendor.example/", "is a site's home page"),
    ("https://vendor.example", "is a site's home page"),
    ("\n".join(f"https://vendor.example/{n}" for n in range(6)), "at most 5 pages"),
    ("https://vendor.example/" + "a" * 600, "longer than 500 characters"),
    ("https://vendor.example/a\x00", "null character"),
])
def test_sources_must_be_specific_public_pages(raw, message):
    with pytest.raises(FieldError, match=message):
        SourcesQuestion(CRITERION).clean(raw)


def test_sources_are_one_per_line_without_repeats():
    raw = " https://vendor.example/a \n\nhttps://vendor.example/b\nhttps://vendor.example/a\n"
    assert SourcesQuestion(CRITERION).clean(raw) == ["https://vendor.example/a", "https://vendor.example/b"]


def test_only_asked_criteria_and_known_parts_have_questions():
    asked = {"C2": CRITERION}
    assert question("level:C2", asked).name == "level:C2"
    for name in ("level:B1", "owner:C2", "level", "", "document:C2:remove"):
        assert question(name, asked) is None, name
