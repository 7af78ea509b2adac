"""load_catalog validates every file before writing anything; errors name the file, the offering and the field."""

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from vendoreval.catalog.files import CatalogInvalid, parse_yaml, read_catalog
from vendoreval.catalog.loader import catalog_load_files
from vendoreval.catalog.models import Answer, Company, Offering

pytestmark = pytest.mark.django_db

OFFERING = "catalog/offerings/ovhcloud-ai-endpoints.yaml"


@pytest.fixture
def data(tmp_path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(settings.DATA_DIR, copy)
    return copy


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not found in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def database_state() -> tuple:
    return (Offering.objects.count(), Answer.objects.count(), Company.objects.get(key="ovhcloud").name,
            sorted(Answer.objects.filter(offering__key="ovhcloud-ai-endpoints").values_list("level", flat=True),
                   key=lambda v: -1 if v is None else v))


def rejected(data: Path) -> str:
    before = database_state()
    with pytest.raises(CommandError) as error:
        call_command("load_catalog", data=data)
    assert database_state() == before, "a rejected load must leave the database unchanged"
    return str(error.value)


def first_accessed(data: Path) -> str:
    """The access date of the offering file's first source, as written in the file."""
    raw = parse_yaml((data / OFFERING).read_text())
    return next(e["accessed"] for a in raw["answers"].values() for e in a.get("evidence", [])).isoformat()


def first_level_answer(data: Path) -> str:
    raw = parse_yaml((data / OFFERING).read_text())
    return next(k for k, a in raw["answers"].items() if "level" in a)


def test_the_real_catalog_is_valid_and_complete(catalog):
    bundle = read_catalog(settings.DATA_DIR)
    assert len(bundle.offerings) >= 15
    assert Offering.objects.filter(organisation__isnull=True).count() == len(bundle.offerings)
    for offering in bundle.offerings:
        answered = set(offering.answers)
        assert answered == {c.key for c in bundle.checklist.criteria if not c.derived}, offering.key
        for key, answer in offering.answers.items():
            assert answer.level is None or answer.evidence, f"{offering.key} {key}: level without source"


def test_unknown_criterion_is_rejected(catalog, data):
    key = first_level_answer(data)
    edit(data / OFFERING, f"  {key}:\n", "  Z9:\n")
    message = rejected(data)
    assert f"{OFFERING}: offering ovhcloud-ai-endpoints, field answers.Z9: unknown criterion 'Z9'" in message
    assert "nothing was loaded" in message


def test_level_outside_zero_to_four_is_rejected(catalog, data):
    raw = (data / OFFERING).read_text()
    key = first_level_answer(data)
    block = raw.split(f"  {key}:\n", 1)[1]
    level_line = next(line for line in block.splitlines() if line.strip().startswith("level:"))
    edit(data / OFFERING, f"  {key}:\n" + block.split(level_line)[0] + level_line,
         f"  {key}:\n" + block.split(level_line)[0] + level_line.split(":")[0] + ": 5")
    message = rejected(data)
    where = f"offering ovhcloud-ai-endpoints, field answers.{key}.level"
    assert f"{where}: Input should be less than or equal to 4 (got 5)" in message


def test_level_without_evidence_is_rejected(catalog, data):
    path = data / "catalog/offerings/example.yaml"
    path.write_text((data / OFFERING).read_text().replace("key: ovhcloud-ai-endpoints", "key: example"))
    raw = parse_yaml(path.read_text())
    key = first_level_answer(data)
    raw["answers"][key]["evidence"] = []
    import yaml

    path.write_text(yaml.safe_dump(raw, sort_keys=False))
    message = rejected(data)
    assert (f"catalog/offerings/example.yaml: offering example, field answers.{key}: a level needs at least one "
            "evidence entry") in message
    assert "without a source the answer is unknown" in message


def test_text_longer_than_its_column_is_rejected_before_it_reaches_the_database(catalog, data):
    # the offering's name is stored in a column of 200 characters (PostgreSQL refuses more; SQLite would keep it)
    edit(data / OFFERING, "\nname: OVHcloud AI Endpoints", "\nname: OVHcloud AI Endpoints" + " (EU)" * 40)
    message = rejected(data)
    assert (f"{OFFERING}: offering ovhcloud-ai-endpoints, field name: String should have at most 200 characters"
            in message)


def test_malformed_date_is_rejected(catalog, data):
    edit(data / OFFERING, f"accessed: {first_accessed(data)}", "accessed: 25/11/2026")
    message = rejected(data)
    # the file's first source is its region evidence
    assert "offering ovhcloud-ai-endpoints, field region_evidence.0.accessed: Input should be a valid date" in message
    assert "(got '25/11/2026')" in message


def test_unknown_country_is_rejected(catalog, data):
    edit(data / "catalog/companies.yaml", "country: FR", "country: XX")
    message = rejected(data)
    assert "catalog/companies.yaml: company " in message
    assert "field country: unknown country 'XX'; expected an ISO 3166 code listed in jurisdictions.yaml" in message


def test_cyclic_parent_chain_is_rejected(catalog, data):
    # alphabet is the parent of google; make google the parent of alphabet too.
    edit(data / "catalog/companies.yaml", "- key: alphabet\n  name: Alphabet Inc.\n  country: US\n",
         "- key: alphabet\n  name: Alphabet Inc.\n  country: US\n  parent: google\n")
    message = rejected(data)
    assert "company alphabet, field parent: cyclic parent chain: alphabet -> google -> alphabet" in message


def test_every_problem_is_reported_at_once(catalog, data):
    edit(data / "catalog/companies.yaml", "country: FR", "country: XX")
    edit(data / OFFERING, f"accessed: {first_accessed(data)}", "accessed: yesterday")
    with pytest.raises(CatalogInvalid) as error:
        read_catalog(data)
    files = {p.file for p in error.value.problems}
    assert {"catalog/companies.yaml", OFFERING} <= files


def test_loading_twice_changes_nothing(catalog):
    before = database_state()
    history = Offering.history.count()
    catalog_load_files(root=settings.DATA_DIR)
    assert database_state() == before
    assert Offering.history.count() == history, "an unchanged reload records no history"


def test_export_load_export_is_byte_identical(catalog, tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    call_command("export_catalog", data=first)
    call_command("load_catalog", data=first)
    call_command("export_catalog", data=second)
    first_files = sorted(p.relative_to(first) for p in first.rglob("*.yaml"))
    assert first_files == sorted(p.relative_to(second) for p in second.rglob("*.yaml"))
    assert len(first_files) >= 19
    for rel in first_files:
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel


def test_export_writes_what_an_analyst_changed_in_the_database(catalog, tmp_path):
    Offering.objects.filter(key="ovhcloud-ai-endpoints").update(summary="Edited in the admin — Zürich, Genève")
    call_command("export_catalog", data=tmp_path)
    exported = read_catalog(tmp_path)
    offering = next(o for o in exported.offerings if o.key == "ovhcloud-ai-endpoints")
    assert offering.summary == "Edited in the admin — Zürich, Genève"
