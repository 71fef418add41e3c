"""While documents are laid out the cycle collector's young threshold is raised, and when the
last of several concurrent layouts ends it is exactly what it was (pdf.engine)."""

from __future__ import annotations

import gc
import threading
import time

from coopledger.pdf.engine import LAYOUT_GC_THRESHOLD, fewer_collections


def test_concurrent_layouts_put_the_threshold_back_once_the_last_ends() -> None:
    before = gc.get_threshold()
    seen: list[int] = []

    def lay_out(seconds: float) -> None:
        with fewer_collections():
            seen.append(gc.get_threshold()[0])
            time.sleep(seconds)

    threads = [threading.Thread(target=lay_out, args=(0.02 * n,)) for n in (3, 1, 2, 4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == [LAYOUT_GC_THRESHOLD] * 4
    assert gc.get_threshold() == before
    with fewer_collections():
        with fewer_collections():
            pass
        assert gc.get_threshold()[0] == LAYOUT_GC_THRESHOLD
    assert gc.get_threshold() == before
