"""Timings of the foundation: app start, argon2id login, key pages and the register PDF.

Usage: .venv/bin/python bench/foundation.py [--rounds N]
Runs against a throwaway SQLite database with the sample world; prints medians in ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import time
from collections.abc import Callable


def _median_ms(action: Callable[[], object], rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=20)
    rounds = parser.parse_args().rounds
    instance = tempfile.mkdtemp(prefix="coopledger-bench-")
    os.environ["COOPLEDGER_INSTANCE_PATH"] = instance

    start = time.perf_counter()
    from coopledger import create_app

    app = create_app({"WTF_CSRF_ENABLED": False})
    print(f"import + create_app          {(time.perf_counter() - start) * 1000:8.1f} ms")

    from flask_migrate import upgrade

    from coopledger.extensions import db
    from coopledger.sample import load_world

    with app.app_context():
        start = time.perf_counter()
        upgrade()
        print(f"migrate empty database       {(time.perf_counter() - start) * 1000:8.1f} ms")
        start = time.perf_counter()
        load_world()
        db.session.commit()
        print(f"load sample world            {(time.perf_counter() - start) * 1000:8.1f} ms")

    client = app.test_client()

    def login() -> object:
        client.post("/auth/logout")
        return client.post("/auth/login", data={"username": "auditor",
                                                "password": "coop-demo-2026"})

    print(f"login (argon2id verify)      {_median_ms(login, rounds):8.1f} ms  median of {rounds}")
    for path in ("/", "/o/shian-tdgf/", "/t/tashan/", "/audit/"):
        ms = _median_ms(lambda p=path: client.get(p), rounds)
        print(f"GET {path:<24} {ms:8.1f} ms")
    ms = _median_ms(lambda: client.get("/t/tashan/register.pdf"), max(3, rounds // 4))
    print(f"register PDF (WeasyPrint)    {ms:8.1f} ms")


if __name__ == "__main__":
    main()
