"""Benchmark of the scoring core: 200 synthetic offerings on the real checklist (9 areas, 37 criteria).

Run from the repository root:  .venv/bin/python bench/bench_scoring.py [--offerings 200] [--samples 2000]

No Django: the checklist spec is read from data/checklist.yaml with PyYAML, offerings are random but seeded. Each step
runs 5 times; the table shows the best and the median wall time (time.perf_counter) and the peak memory of one run
(tracemalloc, measured in a separate run so that tracing does not slow the timed ones). Target: total under 250 ms.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from vendoreval.scoring.engine import score_offerings
from vendoreval.scoring.models import (
    AnswerInput,
    AreaSpec,
    ChecklistSpec,
    Confidence,
    CriterionSpec,
    MustHave,
    ObjectiveSpec,
    OfferingInput,
    RequirementProfile,
)
from vendoreval.scoring.sensitivity import analyse_sensitivity

MODES = ("public_api", "third_party_cloud", "dedicated_cloud", "on_premises", "self_hosted_open_weights")
SELF_HOSTED = "self_hosted_open_weights"
REPEATS = 5


def load_checklist(path: Path = ROOT / "data" / "checklist.yaml") -> ChecklistSpec:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return ChecklistSpec(
        version=str(data["version"]),
        areas=tuple(AreaSpec(key=a["key"], name=a["name"]) for a in data["areas"]),
        criteria=tuple(
            CriterionSpec(
                key=c["key"],
                area=c["area"],
                title=c["title"],
                csf_objective=c.get("csf_objective"),
                buyer_controlled_when_self_hosted=bool(c.get("buyer_controlled_when_self_hosted", False)),
            )
            for c in data["criteria"]
        ),
        objectives=tuple(
            ObjectiveSpec(key=o["key"], name=o["name"], weight=o["weight"]) for o in data["csf_objectives"]
        ),
        deployment_modes=frozenset(MODES),
    )


def synthetic_offerings(checklist: ChecklistSpec, count: int, seed: int = 7) -> list[OfferingInput]:
    rng = random.Random(seed)
    offerings = []
    for n in range(count):
        mode = rng.choice(MODES)
        answers = []
        for criterion in checklist.criteria:
            if mode == SELF_HOSTED and criterion.buyer_controlled_when_self_hosted:
                answers.append(AnswerInput(criterion=criterion.key, level=None, buyer_controlled=True))
            elif rng.random() < 0.1:
                answers.append(AnswerInput(criterion=criterion.key, level=None, explanation="No public source."))
            else:
                answers.append(
                    AnswerInput(
                        criterion=criterion.key,
                        level=rng.randint(0, 4),
                        confidence=rng.choice(list(Confidence)),
                        stale=rng.random() < 0.1,
                        explanation=f"Synthetic evidence {n}-{criterion.key}.",
                    )
                )
        offerings.append(
            OfferingInput(
                key=f"offering-{n:03d}",
                name=f"Offering {n:03d}",
                vendor=f"Vendor {n % 40:02d}",
                deployment_mode=mode,
                answers=tuple(answers),
            )
        )
    return offerings


def profiles(checklist: ChecklistSpec) -> dict[str, RequirementProfile]:
    context = {"checklist": checklist}
    every = RequirementProfile.model_validate(
        {"area_weights": {a.key: 1 + i % 3 for i, a in enumerate(checklist.areas)}, "acceptable_modes": MODES},
        context=context,
    )
    public = RequirementProfile.model_validate(
        {
            "area_weights": dict(zip("ABCDEFGHI", (15, 15, 15, 10, 15, 10, 10, 5, 5), strict=True)),
            "acceptable_modes": MODES[1:],
            "must_haves": (MustHave(criterion="B1", min_level=2), MustHave(criterion="C1", min_level=2)),
        },
        context=context,
    )
    return {"all pass": every, "public admin preset": public}


def measure(step: Callable[[], object]) -> tuple[float, float, int]:
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    tracemalloc.start()
    step()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return min(times), statistics.median(times), peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offerings", type=int, default=200)
    parser.add_argument("--samples", type=int, default=2000)
    args = parser.parse_args()

    checklist = load_checklist()
    offerings = synthetic_offerings(checklist, args.offerings)
    print(
        f"checklist v{checklist.version}: {len(checklist.areas)} areas, {len(checklist.criteria)} criteria; "
        f"{len(offerings)} offerings; {args.samples:,} weight samples; best / median of {REPEATS}"
    )
    header = f"{'profile':<22}{'step':<22}{'passing':>8}{'best ms':>10}{'median ms':>11}{'peak MiB':>10}"
    print(header)
    print("-" * len(header))
    for label, profile in profiles(checklist).items():
        passing = len(score_offerings(checklist, profile, offerings).ranking)
        rows = {
            "score_offerings": measure(lambda p=profile: score_offerings(checklist, p, offerings)),
            "analyse_sensitivity": measure(
                lambda p=profile: analyse_sensitivity(checklist, p, offerings, samples=args.samples)
            ),
        }
        rows["total"] = (
            sum(r[0] for r in rows.values()),
            sum(r[1] for r in rows.values()),
            max(r[2] for r in rows.values()),
        )
        for step, (best, median, peak) in rows.items():
            print(f"{label:<22}{step:<22}{passing:>8}{best * 1e3:>10.1f}{median * 1e3:>11.1f}{peak / 2**20:>10.2f}")


if __name__ == "__main__":
    main()
