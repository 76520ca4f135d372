"""`python -m drills [--short] [--results DIR] [NAME ...]`: run the drills, print their figures, save
JSON (default drills/results/<name>.json). Exit 1 if any drill's checks failed.

One private PostgreSQL cluster and one private redis-server serve every drill of the run; the schema
is migrated once into a template and each drill gets a fresh copy of it and its own gunicorn, worker
and beat. Everything started here is killed before the process exits, whatever happened.
"""

import argparse
import importlib
import json
import os
import pkgutil
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

HERE = Path(__file__).resolve().parent
NAMES = sorted(m.name for m in pkgutil.iter_modules([str(HERE)]) if m.name.startswith("drill_"))


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m drills")
    parser.add_argument("--short", action="store_true", help="the short sizes that `make test` runs")
    parser.add_argument("--results", type=Path, default=HERE / "results")
    parser.add_argument("names", nargs="*", help=f"default: every drill ({', '.join(NAMES)})")
    args = parser.parse_args(argv)
    unknown = set(args.names) - set(NAMES)
    if unknown:
        parser.error(f"no such drill: {', '.join(sorted(unknown))}")
    from drills.harness import Cluster, PrivateRedis, django_env, prepare_template, stack_for

    root = Path(tempfile.mkdtemp(prefix="pms-drill-"))
    cluster, redis = Cluster(), PrivateRedis()
    failed = False
    try:
        cluster.start()
        redis.start()
        os.environ.update(django_env(cluster, redis, root))
        import django

        django.setup()
        started = time.perf_counter()
        prepare_template(cluster)
        print(f"== drills: cluster on port {cluster.port}, template migrated in {time.perf_counter() - started:.1f} s")
        args.results.mkdir(parents=True, exist_ok=True)
        for name in args.names or NAMES:
            module = importlib.import_module(f"drills.{name}")
            sizes = module.SHORT if args.short else module.FULL
            figures: dict = {"drill": name, "short": args.short, "sizes": sizes}
            started = time.perf_counter()
            try:
                extra = getattr(module, "ENV", {})
                with stack_for(cluster, redis, name, root, extra, **getattr(module, "PROCESSES", {})) as stack:
                    figures.update(module.run(stack, **sizes))
            except Exception as exc:  # one drill's crash is its failure, the next drill still runs
                figures.setdefault("failures", []).append(f"{type(exc).__name__}: {exc}")
                figures["traceback"] = traceback.format_exc()
            figures["wall_seconds"] = round(time.perf_counter() - started, 2)
            figures["passed"] = not figures.get("failures")
            failed |= not figures["passed"]
            print(f"== {name}\n{json.dumps(figures, indent=2, default=str)}", flush=True)
            (args.results / f"{name}.json").write_text(json.dumps(figures, indent=2, default=str) + "\n")
    finally:
        redis.stop()
        cluster.close()
        if failed or os.environ.get("DRILL_KEEP_LOGS"):
            print(f"== logs of the processes kept in {root}", flush=True)
        else:
            shutil.rmtree(root, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
