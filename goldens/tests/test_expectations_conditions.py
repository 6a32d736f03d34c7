"""Conditional expectation entries ("when": engine/device/mode): left out of the
goldens' verdict table, listed by conditional(), validated like the C++ reader."""
import json

import pytest

import expectations


def _write(tmp_path, entries):
    p = tmp_path / "expectations.json"
    p.write_text(json.dumps({"version": 1, "entries": entries}))
    return p


BASE = {"case": "a", "verdict": "FAIL_NUMERIC", "reason": "r", "first_seen": "v"}


def test_conditional_entries_stay_out_of_the_goldens_table(tmp_path):
    cuda = {**BASE, "verdict": "MISTRUSTED", "when": {"engine": "cuda"}}
    lit = {**BASE, "case": "b", "when": {"device": "cuda", "mode": ["fused", "literal"]}}
    p = _write(tmp_path, [BASE, cuda, lit])
    assert expectations.load(p) == {"a": BASE}
    assert expectations.conditional(p) == [cuda, lit]
    assert expectations.expected_verdict("b", expectations.load(p)) == "PASS"


@pytest.mark.parametrize("when", [{}, "cuda", {"gpu": "h100"}, {"device": "tpu"}, {"mode": []}, {"mode": [3]}])
def test_bad_conditions_are_refused(tmp_path, when):
    with pytest.raises(ValueError, match="entry 1"):
        expectations.load(_write(tmp_path, [BASE, {**BASE, "when": when}]))


def test_committed_file_conditions_are_valid():
    for e in expectations.conditional():
        assert set(e["when"]) <= set(expectations.CONDITIONS), e
