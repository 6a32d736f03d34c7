"""Read conformance/expectations.json: the cases known to fail, and how.

Format: {"version": 1, "entries": [{"case": NAME, "verdict": VERDICT,
"reason": ONE LINE, "first_seen": "torch_to_nnef X, tract Y"}, ...]}.
A case not listed is expected to PASS. Verdicts: FAIL_EXPORT (torch_to_nnef raised),
FAIL_TRACT_RUN (tract could not load or run the export), FAIL_NUMERIC (tract ran but
an output is outside the policy bound), MISTRUSTED (the golden cannot reveal errors).
"""
from __future__ import annotations

import json
from pathlib import Path

PATH = Path(__file__).resolve().parent.parent / "conformance" / "expectations.json"
VERDICTS = ("PASS", "FAIL_EXPORT", "FAIL_TRACT_RUN", "FAIL_NUMERIC", "MISTRUSTED")


def load(path: Path = PATH) -> dict[str, dict]:
    """case name -> entry; raises ValueError on a malformed file."""
    if not path.exists():
        return {}
    data = json.loads(path.read_text())
    if data.get("version") != 1 or not isinstance(data.get("entries"), list):
        raise ValueError(f"{path}: expected {{'version': 1, 'entries': [...]}}")
    out: dict[str, dict] = {}
    for i, e in enumerate(data["entries"]):
        for key in ("case", "verdict", "reason", "first_seen"):
            if not isinstance(e.get(key), str) or not e[key]:
                raise ValueError(f"{path}: entry {i} lacks a non-empty string {key!r}")
        if e["verdict"] not in VERDICTS[1:]:
            raise ValueError(f"{path}: entry {i} ({e['case']}): unknown verdict {e['verdict']!r}")
        if e["case"] in out:
            raise ValueError(f"{path}: entry {i}: duplicate case {e['case']}")
        out[e["case"]] = e
    return out


def expected_verdict(name: str, table: dict[str, dict]) -> str:
    return table[name]["verdict"] if name in table else "PASS"
