"""`python -m bench [NAME ...]`: run the benchmarks, print their figures, save JSON under bench/results/."""

import importlib
import json
import os
import pkgutil
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def flat(figures: dict, prefix: str = "") -> dict:
    """{"a.b.c": value} of nested figures."""
    out = {}
    for key, value in figures.items():
        if isinstance(value, dict):
            out.update(flat(value, f"{prefix}{key}."))
        else:
            out[prefix + key] = value
    return out


def beside(figures: dict, last: dict) -> list[str]:
    """One line per figure with the last saved run's value beside it: a win must not lose another figure."""
    new, old = flat(figures), flat(last)
    return [f"  {key}: {value} | {old.get(key, '-')}" for key, value in new.items()]


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "pms_ops.settings.test")
    import django

    django.setup()
    from bench.harness import bench_database

    names = argv or sorted(
        m.name for m in pkgutil.iter_modules([str(Path(__file__).parent)]) if m.name.startswith("bench_")
    )
    RESULTS.mkdir(exist_ok=True)
    for name in names:
        module = importlib.import_module(f"bench.{name}")
        with bench_database():  # each benchmark on a fresh database: none sees another's rows
            started = time.perf_counter()
            figures = module.run()
            figures["wall_seconds"] = round(time.perf_counter() - started, 2)
        saved = RESULTS / f"{name}.json"
        last = json.loads(saved.read_text()) if saved.exists() else {}
        print(f"== {name} (figure: this run | last run)\n" + "\n".join(beside(figures, last)), flush=True)
        saved.write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
