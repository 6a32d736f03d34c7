"""Read conformance/expectations.json: the cases known to fail, and how.

Format: {"version": 1, "entries": [{"case": NAME, "verdict": VERDICT,
"reason": ONE LINE, "first_seen": "torch_to_nnef X, tract Y"}, ...]}.
A case not listed is expected to PASS. Verdicts: FAIL_EXPORT (torch_to_nnef raised),
FAIL_TRACT_RUN (tract could not load or run the export), FAIL_NUMERIC (tract ran but
an output is outside the policy bound), MISTRUSTED (the golden cannot reveal errors).

An entry may carry a condition, `"when": {"engine"|"device"|"mode"|"exporter": value
or [values]}` (conformance/expectations.hpp): a deviation of one of rnnconf's engines,
or of another torch_to_nnef release than the pinned one (`exporter`: release versions,
recorded by `rnnconf exporter-ci --exporter-release`), not of the exporter and tract
that made the goldens. A conditional entry may also expect PASS or FAIL_LOAD (our
loader refuses the export). load() leaves those out (the goldens' verdicts are
unconditional); conditional() lists them, validated.
"""
from __future__ import annotations

import json
import re
from pathlib import Path

PATH = Path(__file__).resolve().parent.parent / "conformance" / "expectations.json"
VERDICTS = ("PASS", "FAIL_EXPORT", "FAIL_TRACT_RUN", "FAIL_NUMERIC", "MISTRUSTED")


RELEASE = re.compile(r"\d+(\.\d+)*")
# key -> accepted values (a set), or a predicate for open-ended keys
CONDITIONS = {"engine": {"cpu", "cpu-literal", "cuda"}, "device": {"cpu", "cuda"}, "mode": {"fused", "literal"},
              "exporter": lambda v: isinstance(v, str) and RELEASE.fullmatch(v) is not None}
# verdicts a conditional entry may also expect
CONDITIONAL_VERDICTS = ("PASS", "FAIL_LOAD")


def _accepts(key: str, value) -> bool:
    accepted = CONDITIONS[key]
    return accepted(value) if callable(accepted) else value in accepted


def _check_when(path: Path, i: int, when) -> None:
    if not isinstance(when, dict) or not when:
        raise ValueError(f"{path}: entry {i}: 'when' must be a non-empty object")
    for key, value in when.items():
        values = [value] if isinstance(value, str) else value
        if key not in CONDITIONS or not isinstance(values, list) or not values \
                or any(not _accepts(key, v) for v in values):
            raise ValueError(f"{path}: entry {i}: bad condition {key!r}: {value!r}")


def _entries(path: Path) -> list[dict]:
    data = json.loads(path.read_text())
    if data.get("version") != 1 or not isinstance(data.get("entries"), list):
        raise ValueError(f"{path}: expected {{'version': 1, 'entries': [...]}}")
    for i, e in enumerate(data["entries"]):
        for key in ("case", "verdict", "reason", "first_seen"):
            if not isinstance(e.get(key), str) or not e[key]:
                raise ValueError(f"{path}: entry {i} lacks a non-empty string {key!r}")
        if "when" in e:
            _check_when(path, i, e["when"])
        if e["verdict"] not in VERDICTS[1:] and not ("when" in e and e["verdict"] in CONDITIONAL_VERDICTS):
            raise ValueError(f"{path}: entry {i} ({e['case']}): unknown verdict {e['verdict']!r}")
    return data["entries"]


def load(path: Path = PATH) -> dict[str, dict]:
    """case name -> unconditional entry; raises ValueError on a malformed file."""
    if not path.exists():
        return {}
    out: dict[str, dict] = {}
    for i, e in enumerate(_entries(path)):
        if "when" in e:
            continue
        if e["case"] in out:
            raise ValueError(f"{path}: entry {i}: duplicate case {e['case']}")
        out[e["case"]] = e
    return out


def conditional(path: Path = PATH) -> list[dict]:
    """The entries with a 'when' condition, in file order."""
    return [e for e in _entries(path) if "when" in e] if path.exists() else []


def expected_verdict(name: str, table: dict[str, dict]) -> str:
    return table[name]["verdict"] if name in table else "PASS"
