"""Every balance-sheet amount on a line (issue 23): in the statement data of both standards, a
line sums either accounts or other lines, never both, and every account of the balance-sheet
classes (资产, 负债, 所有者权益, 成本) lands on exactly one printed line — a 往来 account may be
split by the sign of its sub-accounts' balances (dbal/cbal), which is still one amount each."""

from __future__ import annotations

import csv
import tomllib
from collections import Counter
from pathlib import Path

import pytest

from coopledger.ledger.rules import parse_formula

DATA = Path(__file__).resolve().parents[2] / "coopledger" / "ledger" / "data"
STANDARDS = [("village_2023", "chart_village_2023.csv"), ("coop_2021", "chart_coop_2021.csv")]


@pytest.mark.parametrize(("standard", "chart"), STANDARDS)
def test_every_balance_account_is_on_exactly_one_printed_line(standard: str,
                                                               chart: str) -> None:
    spec = tomllib.loads((DATA / f"statements_{standard}.toml").read_text(encoding="utf-8"))
    lines = spec["balance_sheet"]["lines"]
    seen: Counter[tuple[str, str]] = Counter()
    for line in lines:
        terms = parse_formula(line["formula"])
        kinds = {"line" if t.kind == "line" else "account" for t in terms}
        assert len(kinds) == 1, f"line {line['no']} {line['label']} mixes lines and accounts"
        for term in terms:
            if term.kind != "line":
                seen[(term.kind, term.ref)] += 1
    with (DATA / chart).open(encoding="utf-8") as handle:
        codes = [row["code"] for row in csv.DictReader(handle)
                 if row["category"] in ("asset", "liability", "equity", "cost")]
    for code in codes:
        plain = seen[("bal", code)]
        split = (seen[("dbal", code)], seen[("cbal", code)])
        assert (plain, split) in ((1, (0, 0)), (0, (1, 1))), \
            f"{standard}: account {code} is on {plain} lines (+ split {split})"
    numbers = [int(line["no"]) for line in lines]
    assert len(numbers) == len(set(numbers))
