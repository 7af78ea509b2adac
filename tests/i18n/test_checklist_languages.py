"""The checklist's own texts exist in French and German, kept with its data, and pages and the scoring read them in
the reader's language."""

import pytest
import yaml
from django.conf import settings
from django.utils import translation

from vendoreval.catalog.schema import TRANSLATED

pytestmark = pytest.mark.django_db

# Names that stay as they are in every language (a proper name, a standard, a word French shares with English).
SAME_IN_EVERY_LANGUAGE = {"Foundation Model Transparency Index", "ISO/IEC 42001", "Certifications"}
SECTIONS = {"csf_objectives": ["name"], "areas": ["name"], "criteria": ["title", "question", "levels"],
            "sector_presets": ["name"], "regulation_rules": ["name"]}


def test_every_checklist_text_is_translated_into_french_and_german():
    data = yaml.safe_load((settings.DATA_DIR / "checklist.yaml").read_text())
    missing = []
    for section, fields in SECTIONS.items():
        for item in data[section]:
            for language in TRANSLATED:
                translated = item.get("translations", {}).get(language, {})
                for field in fields:
                    value = translated.get(field)
                    if not value:
                        missing.append(f"{section} {item['key']} {language} {field}")
                    elif field == "levels" and set(value) != set(item["levels"]):
                        missing.append(f"{section} {item['key']} {language} levels {sorted(value)}")
                    elif field != "levels" and value == item[field] and value not in SAME_IN_EVERY_LANGUAGE:
                        missing.append(f"{section} {item['key']} {language} {field} is the English text")
    assert missing == []


def test_every_country_has_its_french_and_german_name():
    data = yaml.safe_load((settings.DATA_DIR / "catalog" / "jurisdictions.yaml").read_text())
    assert [c["code"] for c in data["countries"] if set(c.get("translations", {})) != set(TRANSLATED)] == []


# The expected texts are the translations in data/checklist.yaml and jurisdictions.yaml, written out here.
@pytest.mark.parametrize("language, h4, area_h, germany, level_4", [
    ("en", "Breach notification", "Security & assurance", "Germany", "Within 24 hours"),
    ("fr", "Notification des violations de sécurité", None, "Allemagne", "Dans les 24 heures"),
    ("de", "Meldung von Sicherheitsverletzungen", None, "Deutschland", "Innerhalb von 24 Stunden"),
])
def test_the_evaluation_context_speaks_the_readers_language(catalog, language, h4, area_h, germany, level_4):
    from vendoreval.checklist.selectors import current_checklist
    from vendoreval.evaluations.context import evaluation_context

    with translation.override(language):
        context = evaluation_context(current_checklist())
        criterion = context.criteria_by_key["H4"]
        assert next(c.title for c in context.spec.criteria if c.key == "H4") == h4
        assert criterion.local_title == h4 and criterion.level_meaning(4) == level_4
        assert next(c.local_name for c in context.countries if c.code == "DE") == germany
        if area_h:
            assert context.area_names["H"] == area_h
        else:
            assert context.area_names["H"] != "Security & assurance"
