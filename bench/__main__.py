"""`python -m bench [NAME ...]`: run the benchmarks, print their figures, save JSON under bench/results/."""

import importlib
import json
import os
import pkgutil
import sys
import time
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


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
        print(f"== {name}\n{json.dumps(figures, indent=2)}", flush=True)
        (RESULTS / f"{name}.json").write_text(json.dumps(figures, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
