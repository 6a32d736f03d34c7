"""RnnSpec: the problem descriptor of one conformance case and its canonical name.

The name grammar is shared with the C++ ``RnnSpec`` (core/) and must stay identical:

  sequence: <kind>_l<L>_<uni|bidi>_<tm|bf>_<bias|nobias>_<h0|noh0>_I<I>H<H>[P<P>]_B<B>T<T>[_f64][_aten]
  cell:     <kind>_cell_<bias|nobias>_<h0|noh0>_I<I>H<H>_B<B>[_f64][_aten]

kind is one of lstm, gru, rnn_tanh, rnn_relu; ``P`` appears only for lstm with
proj > 0; sizes are >= 1 written without leading zeros. ``parse(str(s)) == s`` and
``str(parse(n)) == n`` for every valid name; anything else raises ValueError.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

KINDS = ("lstm", "gru", "rnn_tanh", "rnn_relu")

_NUM = r"[1-9][0-9]*"
_SEQ_RE = re.compile(
    rf"^(?P<kind>lstm|gru|rnn_tanh|rnn_relu)_l(?P<layers>{_NUM})_(?P<dir>uni|bidi)_"
    rf"(?P<layout>tm|bf)_(?P<bias>bias|nobias)_(?P<state>h0|noh0)_"
    rf"I(?P<I>{_NUM})H(?P<H>{_NUM})(?:P(?P<P>{_NUM}))?_B(?P<B>{_NUM})T(?P<T>{_NUM})"
    rf"(?P<f64>_f64)?(?P<aten>_aten)?$"
)
_CELL_RE = re.compile(
    rf"^(?P<kind>lstm|gru|rnn_tanh|rnn_relu)_cell_(?P<bias>bias|nobias)_(?P<state>h0|noh0)_"
    rf"I(?P<I>{_NUM})H(?P<H>{_NUM})_B(?P<B>{_NUM})(?P<f64>_f64)?(?P<aten>_aten)?$"
)


@dataclass(frozen=True)
class RnnSpec:
    """One recurrent problem. For cells, layers=1, bidirectional=False, batch_first=False, T=1."""

    kind: str
    cell: bool = False
    I: int = 5
    H: int = 7
    proj: int = 0
    layers: int = 1
    bidirectional: bool = False
    batch_first: bool = False
    bias: bool = True
    state: bool = True
    B: int = 3
    T: int = 4
    f64: bool = False
    aten: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"unknown kind {self.kind!r}; expected one of {KINDS}")
        for field in ("I", "H", "layers", "B", "T"):
            v = getattr(self, field)
            if not isinstance(v, int) or isinstance(v, bool) or v < 1:
                raise ValueError(f"{field} must be an integer >= 1, got {v!r}")
        if not isinstance(self.proj, int) or self.proj < 0:
            raise ValueError(f"proj must be an integer >= 0, got {self.proj!r}")
        if self.proj and self.kind != "lstm":
            raise ValueError("proj > 0 is only valid for lstm")
        if self.proj and self.proj >= self.H:
            raise ValueError(f"proj ({self.proj}) must be smaller than H ({self.H}) as in PyTorch")
        if self.cell and (self.layers != 1 or self.bidirectional or self.batch_first
                          or self.proj or self.T != 1):
            raise ValueError("a cell has layers=1, no bidi, no batch_first, no proj, T=1")

    @property
    def directions(self) -> int:
        return 2 if self.bidirectional else 1

    @property
    def h_out(self) -> int:
        """Size of the hidden output (proj_size when projecting)."""
        return self.proj if self.proj else self.H

    @property
    def gates(self) -> int:
        return {"lstm": 4, "gru": 3}.get(self.kind, 1)

    @property
    def input_names(self) -> list[str]:
        names = ["x"]
        if self.state:
            names.append("h0")
            if self.kind == "lstm":
                names.append("c0")
        return names

    @property
    def output_names(self) -> list[str]:
        if self.cell:
            return ["h1", "c1"] if self.kind == "lstm" else ["h1"]
        return ["y", "hn", "cn"] if self.kind == "lstm" else ["y", "hn"]

    def __str__(self) -> str:
        bias = "bias" if self.bias else "nobias"
        state = "h0" if self.state else "noh0"
        tail = ("_f64" if self.f64 else "") + ("_aten" if self.aten else "")
        if self.cell:
            return f"{self.kind}_cell_{bias}_{state}_I{self.I}H{self.H}_B{self.B}{tail}"
        d = "bidi" if self.bidirectional else "uni"
        lay = "bf" if self.batch_first else "tm"
        p = f"P{self.proj}" if self.proj else ""
        return (f"{self.kind}_l{self.layers}_{d}_{lay}_{bias}_{state}_"
                f"I{self.I}H{self.H}{p}_B{self.B}T{self.T}{tail}")

    @property
    def name(self) -> str:
        return str(self)


def parse(name: str) -> RnnSpec:
    """Parse a canonical name; raise ValueError naming the problem otherwise."""
    if not isinstance(name, str):
        raise ValueError(f"case name must be a string, got {type(name).__name__}")
    m = _CELL_RE.match(name)
    if m:
        spec = RnnSpec(kind=m["kind"], cell=True, I=int(m["I"]), H=int(m["H"]),
                       bias=m["bias"] == "bias", state=m["state"] == "h0", B=int(m["B"]),
                       T=1, f64=bool(m["f64"]), aten=bool(m["aten"]))
    else:
        m = _SEQ_RE.match(name)
        if not m:
            raise ValueError(f"not a canonical RnnSpec name: {name!r}")
        spec = RnnSpec(kind=m["kind"], cell=False, I=int(m["I"]), H=int(m["H"]),
                       proj=int(m["P"]) if m["P"] else 0, layers=int(m["layers"]),
                       bidirectional=m["dir"] == "bidi", batch_first=m["layout"] == "bf",
                       bias=m["bias"] == "bias", state=m["state"] == "h0",
                       B=int(m["B"]), T=int(m["T"]), f64=bool(m["f64"]), aten=bool(m["aten"]))
    if str(spec) != name:  # e.g. P0 or P on a non-lstm kind
        raise ValueError(f"name {name!r} does not round-trip (canonical: {spec})")
    return spec
