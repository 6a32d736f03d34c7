"""Generate conformance/matrix.json, the one list of conformance cases.

Run: python conformance/make_matrix.py  (rewrites matrix.json next to this file).
Each case is a canonical RnnSpec name (goldens/rnnspec.py), a tier ("small" is
committed with its goldens, "large" is generated on demand only) and free-text tags;
the "model" tier lists the composite models of goldens/models.py (name model_<snake>,
"kind": "model", goldens committed under goldens/models/).
To add a case: append it in one of the builders below and rerun; never edit the JSON
by hand (the test suite checks that the file equals this script's output).
"""
from __future__ import annotations

import itertools
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "goldens"))
from rnnspec import KINDS, RnnSpec  # noqa: E402

# Small defaults for the big cross-product: I != H, both odd-ish and tiny.
DEF = dict(I=5, H=7, B=3, T=4)


def _cross_product():
    for kind, layers, bidi, bf, bias, state in itertools.product(
            KINDS, (1, 2, 3), (False, True), (False, True), (True, False), (True, False)):
        yield RnnSpec(kind=kind, layers=layers, bidirectional=bidi, batch_first=bf,
                      bias=bias, state=state, **DEF), ["cross"]


def _projection():
    for layers, bidi, bf in itertools.product((1, 2), (False, True), (False, True)):
        for bias, state in ((True, True), (False, False)):
            yield RnnSpec(kind="lstm", proj=3, layers=layers, bidirectional=bidi,
                          batch_first=bf, bias=bias, state=state, **DEF), ["proj"]


def _cells():
    for kind, bias, state in itertools.product(KINDS, (True, False), (True, False)):
        yield RnnSpec(kind=kind, cell=True, bias=bias, state=state, I=5, H=7, B=3, T=1), ["cell"]


# (tag, size overrides) for sequence edge shapes; each runs for every kind,
# once uni/time-major with state and once bidi/batch-first without state.
_EDGES = [
    ("edge:T1", dict(T=1)),
    ("edge:B1", dict(B=1)),
    ("edge:I1", dict(I=1)),
    ("edge:H1", dict(H=1)),
    ("edge:I>H,odd", dict(I=37, H=13, B=5, T=9)),
    ("edge:I<H,odd", dict(I=13, H=37, B=2, T=16)),
    ("edge:H64T16", dict(I=16, H=64, B=4, T=16)),
]


def _edges():
    for kind, (tag, sizes) in itertools.product(KINDS, _EDGES):
        d = dict(DEF, **sizes)
        yield RnnSpec(kind=kind, layers=1, **d), [tag]
        yield RnnSpec(kind=kind, layers=2, bidirectional=True, batch_first=True,
                      state=False, **d), [tag]
    for kind, (tag, sizes) in itertools.product(KINDS, [
            ("edge:B1", dict(B=1)), ("edge:I1", dict(I=1)), ("edge:H1", dict(H=1)),
            ("edge:I>H,odd", dict(I=37, H=13)), ("edge:I<H,odd", dict(I=13, H=37))]):
        d = dict(dict(I=5, H=7, B=3), **sizes)
        yield RnnSpec(kind=kind, cell=True, T=1, **d), [tag, "cell"]
    # projection edges: smallest projection and an odd one
    yield RnnSpec(kind="lstm", proj=1, I=5, H=7, B=3, T=4), ["edge:P1", "proj"]
    yield RnnSpec(kind="lstm", proj=13, layers=2, bidirectional=True, I=37, H=37, B=2, T=9), \
        ["edge:odd", "proj"]


def _aten():
    """The same weights through the functional/aten op with the flat parameter list."""
    for kind in KINDS:
        for layers, bidi, bf, bias, state in ((1, False, False, True, True),
                                              (2, True, True, False, False),
                                              (2, True, False, True, True),
                                              (3, False, True, True, False),
                                              (2, False, True, True, True)):
            yield RnnSpec(kind=kind, layers=layers, bidirectional=bidi, batch_first=bf,
                          bias=bias, state=state, aten=True, **DEF), ["aten"]
        for bias, state in ((True, True), (False, False), (True, False)):
            yield RnnSpec(kind=kind, cell=True, bias=bias, state=state, I=5, H=7, B=3, T=1,
                          aten=True), ["aten", "cell"]
    for layers, bidi in ((1, False), (2, True)):
        yield RnnSpec(kind="lstm", proj=3, layers=layers, bidirectional=bidi, aten=True,
                      **DEF), ["aten", "proj"]


def _large():
    """Stress/benchmark tier: generated on demand, never committed."""
    for kind in KINDS:
        for I, H, B, T, layers, bidi in ((256, 256, 16, 100, 1, False),
                                         (512, 512, 32, 200, 2, True),
                                         (1024, 1024, 64, 200, 1, False),
                                         (1024, 1024, 1, 200, 3, False)):
            yield RnnSpec(kind=kind, layers=layers, bidirectional=bidi, I=I, H=H, B=B, T=T), \
                ["large"]
        yield RnnSpec(kind=kind, cell=True, I=1024, H=1024, B=64, T=1), ["large", "cell"]
    yield RnnSpec(kind="lstm", proj=256, layers=2, bidirectional=True,
                  I=512, H=1024, B=16, T=200), ["large", "proj"]


def _models():
    """The model tier: one entry per goldens/models.py model, tags ["model", ...]."""
    import models
    for m in models.MODELS:
        yield {"name": m.name, "tier": "model", "kind": "model", "tags": ["model", *m.tags]}


def build() -> dict:
    cases: dict[str, dict] = {}

    def add(spec: RnnSpec, tags, tier):
        name = str(spec)
        if name in cases:  # the same problem reached by two builders: merge tags
            cases[name]["tags"] = sorted(set(cases[name]["tags"]) | set(tags))
            return
        cases[name] = {"name": name, "tier": tier, "tags": sorted(set(tags))}

    for gen in (_cross_product, _projection, _cells, _edges, _aten):
        for spec, tags in gen():
            add(spec, tags, "small")
    for spec, tags in _large():
        add(spec, tags, "large")
    for entry in _models():
        if entry["name"] in cases:
            raise ValueError(f"model {entry['name']} named twice")
        cases[entry["name"]] = entry
    return {"version": 1, "cases": list(cases.values())}


def render() -> str:
    """One case per line, so that diffs of the matrix read case by case."""
    m = build()
    lines = [json.dumps(c, sort_keys=False) for c in m["cases"]]
    return '{"version": %d, "cases": [\n' % m["version"] + ",\n".join(lines) + "\n]}\n"


if __name__ == "__main__":
    out = Path(__file__).resolve().parent / "matrix.json"
    out.write_text(render())
    m = build()
    tiers = {t: sum(c["tier"] == t for c in m["cases"]) for t in ("small", "large", "model")}
    print(f"wrote {out}: {len(m['cases'])} cases (" + ", ".join(f"{v} {k}" for k, v in tiers.items()) + ")")
