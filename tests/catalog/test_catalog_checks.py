"""The catalog v2 checks on sources and files: each bad file is refused with a message naming the file, the offering and
the field, and a refused load changes nothing in the database. Each test copies data/, breaks one thing and loads."""

import shutil
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from django.core.management import CommandError, call_command

from vendoreval.catalog.files import CatalogInvalid, parse_yaml, read_catalog
from vendoreval.catalog.models import Answer, Company, Evidence, Offering, Source

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(tmp_path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(settings.DATA_DIR, copy)
    return copy


def database_state() -> tuple:
    return (Offering.objects.count(), Answer.objects.count(), Evidence.objects.count(), Source.objects.count(),
            Company.objects.count(), sorted(Offering.objects.values_list("key", "name")))


def refused(data: Path, *expected: str) -> str:
    """Loading `data` fails, names each expected fragment, and leaves the database as it was."""
    before = database_state()
    with pytest.raises(CommandError) as error:
        call_command("load_catalog", data=data)
    message = str(error.value)
    assert "nothing was loaded" in message
    for fragment in expected:
        assert fragment in message, f"{fragment!r} not in:\n{message}"
    assert database_state() == before, "a refused load must leave the database unchanged"
    with pytest.raises(CatalogInvalid):
        read_catalog(data)
    return message


def publishers(data: Path) -> dict[str, str]:
    raw = parse_yaml((data / "catalog/sources.yaml").read_text(encoding="utf-8"))
    return {s["url"]: s["publisher"] for s in raw["sources"]}


def levelled_evidence(data: Path, *, confidence: str | None = None, publisher: str | None = None):
    """(offering file, offering key, criterion, evidence index, evidence) of the first levelled answer's evidence that
    matches, in file order: found in the data, so the tests follow the catalog as it changes."""
    by_url = publishers(data)
    for path in sorted((data / "catalog/offerings").glob("*.yaml")):
        raw = parse_yaml(path.read_text(encoding="utf-8"))
        for key, answer in raw["answers"].items():
            if "level" not in answer:
                continue
            for i, e in enumerate(answer["evidence"]):
                if confidence and e["confidence"] != confidence:
                    continue
                if publisher and by_url.get(e["url"]) != publisher:
                    continue
                return path, raw["key"], key, i, e
    raise AssertionError("no such evidence in the catalog")


def rewrite(path: Path, change) -> None:
    raw = parse_yaml(path.read_text(encoding="utf-8"))
    change(raw)
    path.write_text(yaml.safe_dump(raw, sort_keys=False, allow_unicode=True), encoding="utf-8")


def relative(path: Path, data: Path) -> str:
    return str(path.relative_to(data))


def test_a_bare_domain_source_is_refused(catalog, data):
    path, key, criterion, i, _ = levelled_evidence(data, confidence="third_party")

    def to_site_root(raw):
        raw["answers"][criterion]["evidence"][i]["url"] = "https://news.example.org/"

    rewrite(path, to_site_root)
    refused(data, f"{relative(path, data)}: offering {key}, field answers.{criterion}.evidence.{i}.url: "
                  "https://news.example.org/ is a bare domain: a site's root names no page that states the fact; "
                  "cite the specific page, or make the answer unknown")


def test_a_confirmed_bare_domain_is_refused(catalog, data):
    path, key, criterion, i, _ = levelled_evidence(data, confidence="confirmed")

    def to_site_root(raw):
        raw["answers"][criterion]["evidence"][i]["url"] = "https://vendor.example.com"

    rewrite(path, to_site_root)
    refused(data, f"{relative(path, data)}: offering {key}, field answers.{criterion}.evidence.{i}.url: "
                  "https://vendor.example.com/ is a bare domain: “confirmed” needs the vendor's own or an official "
                  "page, and a site's root is no page")


def test_a_confirmed_source_published_by_the_press_is_refused(catalog, data):
    path, key, criterion, i, evidence = levelled_evidence(data, confidence="confirmed", publisher="vendor")
    url = evidence["url"]

    def to_press(raw):
        for source in raw["sources"]:
            if source["url"] == url:
                source["publisher"] = "press"

    rewrite(data / "catalog/sources.yaml", to_press)
    refused(data, f"{relative(path, data)}: offering {key}, field answers.{criterion}.evidence.{i}.confidence: "
                  f"“confirmed” needs the vendor's own or an official document; {url} is published by the press: "
                  "tag it third_party")


def test_a_source_missing_from_sources_yaml_is_refused(catalog, data):
    path, key, criterion, i, evidence = levelled_evidence(data)
    url = evidence["url"]
    rewrite(data / "catalog/sources.yaml", lambda raw: raw.update(sources=[s for s in raw["sources"]
                                                                           if s["url"] != url]))
    refused(data, f"{relative(path, data)}: offering {key}, field answers.{criterion}.evidence.{i}.url: {url} is not "
                  "listed in sources.yaml; list it once there with its publisher")


def test_a_source_listed_twice_is_refused(catalog, data):
    sources = data / "catalog/sources.yaml"
    rewrite(sources, lambda raw: raw["sources"].append(dict(raw["sources"][0])))
    first = parse_yaml(sources.read_text(encoding="utf-8"))["sources"][0]["url"]
    refused(data, f"catalog/sources.yaml: source {first}", "this source is listed twice")


def test_a_duplicate_yaml_key_is_refused(catalog, data):
    path = sorted((data / "catalog/offerings").glob("*.yaml"))[0]
    raw = parse_yaml(path.read_text(encoding="utf-8"))
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith("vendor:"))
    lines.insert(at + 1, "vendor: somebody-else\n")
    path.write_text("".join(lines), encoding="utf-8")
    refused(data, f"{relative(path, data)}: offering {raw['key']}, field vendor: this key is given twice (again on "
                  f"line {at + 2}); YAML would keep only the last one, so say it once")


def test_a_non_utf8_file_is_refused(catalog, data):
    path = sorted((data / "catalog/offerings").glob("*.yaml"))[-1]
    raw = parse_yaml(path.read_text(encoding="utf-8"))
    lines = path.read_bytes().splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith(b"name:"))
    lines[at] = b"name: Caf\xe9 AI\n"  # Latin-1, as an editor set to Windows-1252 would save it
    path.write_bytes(b"".join(lines))
    refused(data, f"{relative(path, data)}: offering {raw['key']}, field name: is not UTF-8 text: byte 0xe9 on line "
                  f"{at + 1} cannot be read; save the file as UTF-8")
