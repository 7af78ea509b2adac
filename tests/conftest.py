"""Shared fixtures: the real checklist and catalog are loaded once into the test database; organisations, members in
each role and a sample evaluation are built per test.

Django modules are imported inside the fixtures so the pure scoring tests can also run without Django.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

LOCALE = Path(__file__).resolve().parents[1] / "locale"


def pytest_configure(config):
    """The tests read the French and German pages: compile any translation catalog newer than its compiled file
    (`make test` has done it already; this covers a plain `pytest`)."""
    for po in LOCALE.glob("*/LC_MESSAGES/django.po"):
        mo = po.with_suffix(".mo")
        if not mo.exists() or mo.stat().st_mtime < po.stat().st_mtime:
            msgfmt = shutil.which("msgfmt")
            if msgfmt is None:
                raise pytest.UsageError("msgfmt is missing: run `make system-deps` (the gettext package)")
            subprocess.run([msgfmt, "--check-format", "-o", str(mo), str(po)], check=True)


def load_real_catalog():
    from django.conf import settings

    from vendoreval.catalog.loader import catalog_load_files

    return catalog_load_files(root=settings.DATA_DIR)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_real_catalog()


@pytest.fixture(autouse=True)
def _english_unless_asked():
    """Each test starts in English, as a request without a language preference would. (LocaleMiddleware activates a
    request's language for the thread and leaves it active after the response: a test client request in German
    would otherwise carry over into the next test's code.)"""
    try:
        from django.utils import translation
    except ImportError:  # the pure scoring tests run without Django too
        yield
        return
    translation.activate("en")
    yield
    translation.activate("en")


@pytest.fixture(autouse=True)
def _fresh_evaluation_contexts():
    """Each test reads the checklist of its own database state (the cache is per process)."""
    from vendoreval.evaluations.context import forget_contexts
    from vendoreval.evaluations.services import forget_outcomes

    yield
    forget_contexts()
    forget_outcomes()


@pytest.fixture
def catalog(db):
    """The real catalog (loaded once per session; reloaded after tests that flush the database)."""
    from vendoreval.catalog.models import CatalogRelease

    if not CatalogRelease.objects.exists():
        load_real_catalog()
    return CatalogRelease.objects.first()


@pytest.fixture
def context(catalog):
    from vendoreval.checklist.selectors import current_checklist
    from vendoreval.evaluations.context import evaluation_context

    return evaluation_context(current_checklist())


@pytest.fixture
def organisation(db):
    from tests.factories import OrganisationFactory

    return OrganisationFactory(name="Bundeswehr Beschaffung Test")


@pytest.fixture
def member(organisation):
    """member(role) -> a user of `organisation` with that role."""
    from tests.factories import MembershipFactory, UserFactory

    def make(role: str = "evaluator", **user_fields):
        return MembershipFactory(organisation=organisation, role=role, user=UserFactory(**user_fields)).user

    return make


@pytest.fixture
def owner(member):
    return member("owner")


@pytest.fixture
def evaluator(member):
    return member("evaluator")


@pytest.fixture
def viewer(member):
    return member("viewer")


@pytest.fixture
def outsider(db):
    """A member of another organisation."""
    from tests.factories import MembershipFactory, OrganisationFactory

    return MembershipFactory(organisation=OrganisationFactory(name="Other Bank AG"), role="owner").user


# The defence buyer's own data centre, as its security officer would describe it in the Deployment step: a trusted
# operator without a sovereign qualification (D3 3), ISO 27001 only (H1 2), no ISO/IEC 42001 (H2 0), no energy figures.
OWN_HOSTING = {"B3": 4, "C1": 4, "C2": 4, "C3": 4, "C4": 4, "C5": 4, "C6": 2, "D3": 3, "E4": 4, "E5": 2, "G1": 4,
               "G2": 4, "H1": 2, "H2": 0, "H3": 4, "H4": 3, "I1": 0}


@pytest.fixture
def evaluation(organisation, owner, context):
    """A defence & aerospace evaluation with restricted data, answered through the services like a buyer would."""
    from vendoreval.evaluations.services import evaluation_create, evaluation_set_field

    evaluation = evaluation_create(organisation=organisation, name="Engineering assistant", actor=owner,
                                   context=context)
    for field, values in [("sector", ["defence"]), ("classification", ["restricted"]),
                          ("trusted_countries", list(context.default_trusted))]:
        evaluation_set_field(evaluation=evaluation, field=field, values=values, actor=owner, context=context)
    for key, level in OWN_HOSTING.items():
        evaluation_set_field(evaluation=evaluation, field=f"own_hosting:{key}", values=[str(level)], actor=owner,
                             context=context)
    evaluation.refresh_from_db()
    return evaluation
