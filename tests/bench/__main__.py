"""Run every benchmark module of this package (``bench_*.py``, each with ``main()``), in name order.

``python -m tests.bench [name …]`` runs only the modules whose name contains one of the arguments.
"""

from __future__ import annotations

import importlib
import logging
import pkgutil
import sys
import time
import traceback

import tests.bench as package
from tests.bench import report


def quiet_logs() -> None:
    """Figures only: the in-process sandboxes and sidecar would log every request (werkzeug's access log) and
    every migration; warnings and errors still show."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)


def main(argv: list[str]) -> int:
    quiet_logs()
    names = sorted(m.name for m in pkgutil.iter_modules(package.__path__) if m.name.startswith("bench_"))
    if argv:
        names = [n for n in names if any(arg in n for arg in argv)]
    failures = 0
    for name in names:
        print(f"== {name}", flush=True)
        started = time.monotonic()
        try:
            importlib.import_module(f"{package.__name__}.{name}").main()
        except Exception:  # noqa: BLE001 - report and go on with the other benchmarks
            traceback.print_exc()
            failures += 1
        print(f"== {name} finished in {time.monotonic() - started:.1f} s", flush=True)
    report.write()
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
