"""The load benchmark (bench/load, `make bench-load`) keeps speaking the app's language: the evaluators that
bench/load/seed.py creates can post every kind of answer the Locust scenario sends, and a recorded run lands in its own
section of docs/benchmarks.md. (Locust itself is not imported here: it patches the standard library.)"""

import contextlib
import importlib.util
import io
import json
import random
from pathlib import Path

import pytest

LOAD = Path(__file__).resolve().parents[2] / "bench" / "load"


def _module(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_load_{name}", LOAD / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


scenario = _module("scenario")
figures = _module("figures")

PASSWORD = "load-test-password"


@pytest.fixture
def seeded(catalog, monkeypatch):
    """What the benchmark does before Locust starts: seed.py run as `manage.py shell -c` runs it, for one evaluator."""
    monkeypatch.setenv("LOAD_USERS", "1")
    monkeypatch.setenv("LOAD_PASSWORD", PASSWORD)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile((LOAD / "seed.py").read_text(), str(LOAD / "seed.py"), "exec"), {"__name__": "seed"})  # noqa: S102
    return json.loads(out.getvalue().split("SEED_JSON=", 1)[1])


@pytest.mark.django_db
@pytest.mark.parametrize("kind", scenario.ANSWER_KINDS)
def test_every_kind_of_answer_the_load_scenario_posts_is_saved(client, seeded, kind):
    from django.contrib.auth import get_user_model

    account = seeded["accounts"][0]
    user = get_user_model().objects.get(username=account["username"])
    assert user.check_password(PASSWORD)
    client.force_login(user)
    rng = random.Random(kind)
    for _ in range(5):
        field, values = scenario.answer(seeded["fields"], rng, kind)
        assert field == kind or field.startswith(f"{kind}:")
        response = client.post(f"/o/{account['org']}/e/{account['slug']}/field/{field}/", {field: values},
                               HTTP_HX_REQUEST="true")
        assert response.status_code == 200, (field, values, response.content.decode()[:500])
        assert "Saved" in response.content.decode()


def test_a_run_with_another_number_of_evaluators_gets_its_own_section():
    doc = ("# Benchmarks\n\n## Load (make serve, 50 evaluators)\n\nold 50\n## Scoring engine\n\nscoring\n")
    with_200 = figures.replace_section(doc, figures.section_heading(200), "## Load (make serve, 200 evaluators)\n\nnew")
    assert with_200 == ("# Benchmarks\n\n## Load (make serve, 50 evaluators)\n\nold 50\n"
                        "## Load (make serve, 200 evaluators)\n\nnew\n\n## Scoring engine\n\nscoring\n")
    again = figures.replace_section(with_200, figures.section_heading(50),
                                    "## Load (make serve, 50 evaluators)\n\nnew 50\n")
    assert again == ("# Benchmarks\n\n## Load (make serve, 50 evaluators)\n\nnew 50\n\n"
                     "## Load (make serve, 200 evaluators)\n\nnew\n\n## Scoring engine\n\nscoring\n")
    first = figures.replace_section("# Benchmarks\n\n## Scoring engine\n", figures.section_heading(50), "## Load (x)\n")
    assert first == "# Benchmarks\n\n## Load (x)\n\n## Scoring engine\n"


def test_percentiles_are_nearest_rank():
    ms = sorted(float(n) for n in range(1, 101))
    assert (figures.percentile(ms, 50), figures.percentile(ms, 95), figures.percentile(ms, 99)) == (50, 95, 99)
    assert figures.percentile([7.0], 99) == 7.0
