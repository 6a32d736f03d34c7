"""The known fragment identities (reference_cpu/known_fragments.json, embedded
in the executor at build time) must be exactly those of the pinned
torch_to_nnef package's fragment files, recomputed by our tool.

Run: ./ci/python -m pytest reference_cpu/tests
with RNNCONF_BUILD_DIR set to a build folder holding reference_cpu/fragment_identity.
"""
import json
import os
import subprocess
from pathlib import Path

import pytest

BUILD_DIR = os.environ.get("RNNCONF_BUILD_DIR")
if not BUILD_DIR:
    pytest.skip("RNNCONF_BUILD_DIR is not set: it must name the CMake build folder "
                "holding reference_cpu/fragment_identity", allow_module_level=True)
TOOL = Path(BUILD_DIR) / "reference_cpu" / "fragment_identity"
if not TOOL.exists():
    pytest.skip(f"{TOOL} not built (ninja fragment_identity)", allow_module_level=True)

t2n = pytest.importorskip("torch_to_nnef")

REPO = Path(__file__).resolve().parents[2]
TABLE = REPO / "reference_cpu" / "known_fragments.json"
PINNED = "0.24.12"
KNOWN_NAMES = ["lstm", "lstm_with_projection", "gru", "rnn_tanh", "rnn_relu", "rnn_bidi_pack",
               "lstm_cell", "gru_cell", "rnn_tanh_cell", "rnn_relu_cell"]


def installed_version():
    from importlib.metadata import version
    return version("torch_to_nnef")


def tool_identities(paths):
    out = subprocess.run([str(TOOL), *map(str, paths)], check=True, capture_output=True, text=True).stdout
    return json.loads(out)["fragments"]


def test_table_matches_the_installed_package():
    if installed_version() != PINNED:
        pytest.skip(f"torch_to_nnef {installed_version()} installed; the table is pinned to {PINNED}")
    frag_dir = Path(t2n.__file__).parent / "op" / "fragment"
    # One file per known fragment, named after it (lstm.nnef holds lstm and lstm_scan_loop).
    computed = {f["name"]: f for f in tool_identities([frag_dir / f"{n}.nnef" for n in KNOWN_NAMES])
                if f["name"] in KNOWN_NAMES}
    table = [e for e in json.loads(TABLE.read_text())["fragments"] if e["source"].startswith("torch_to_nnef")]
    assert sorted(e["name"] for e in table) == sorted(KNOWN_NAMES)
    for entry in table:
        got = computed[entry["name"]]
        assert entry["signature"] == got["signature"], entry["name"]
        assert entry["hash"] == got["hash"], entry["name"]
        assert entry["source"] == f"torch_to_nnef {PINNED} op/fragment/{entry['name']}.nnef"


def test_table_matches_our_fragments():
    """The rnnconf entries are exactly the identities of fragments/*.nnef (ours, written from the equations)."""
    ours_dir = REPO / "fragments"
    computed = {f["name"]: f for f in tool_identities([ours_dir / f"{n}.nnef" for n in KNOWN_NAMES])
                if f["name"] in KNOWN_NAMES}
    table = [e for e in json.loads(TABLE.read_text())["fragments"] if e["source"].startswith("rnnconf ")]
    assert sorted(e["name"] for e in table) == sorted(KNOWN_NAMES)
    for entry in table:
        got = computed[entry["name"]]
        assert entry["signature"] == got["signature"], entry["name"]
        assert entry["hash"] == got["hash"], entry["name"]
        assert entry["source"] == f"rnnconf fragments/{entry['name']}.nnef"


def test_identity_covers_the_scan_body():
    table = {e["name"]: e for e in json.loads(TABLE.read_text())["fragments"] if e["source"].startswith("torch_to_nnef")}
    frag_dir = Path(t2n.__file__).parent / "op" / "fragment"
    lstm = [f for f in tool_identities([frag_dir / "lstm.nnef"]) if f["name"] == "lstm"][0]
    assert lstm["closure"] == ["lstm", "lstm_scan_loop"]
    # lstm_opti_latency.nnef defines another `lstm`: a different identity, not in the table.
    other = [f for f in tool_identities([frag_dir / "lstm_opti_latency.nnef"]) if f["name"] == "lstm"]
    assert other and other[0]["hash"] != table["lstm"]["hash"]


def test_golden_exports_use_known_identities():
    data = REPO / "goldens" / "data"
    exports = sorted(data.glob("*/export/model.nnef.tgz"))
    if not exports:
        pytest.skip("no golden exports in goldens/data")
    table = {e["name"]: e["hash"] for e in json.loads(TABLE.read_text())["fragments"]
             if e["source"].startswith("torch_to_nnef")}
    seen = set()
    for exp in exports[::7]:  # a sample: the C++ sweep checks every export fuses
        for f in tool_identities([exp]):
            if f["name"] in table:
                assert f["hash"] == table[f["name"]], f"{exp}: {f['name']}"
                seen.add(f["name"])
    assert seen, "no known fragment found in the sampled exports"
