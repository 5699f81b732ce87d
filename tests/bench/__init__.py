"""Benchmarks, run by ``make bench`` (``python -m tests.bench``): every ``bench_*.py`` module here exposes
``main()`` and prints its figures. Speed goals live here, never in the unit tests."""
