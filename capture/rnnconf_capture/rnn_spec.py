"""The RNN problem descriptor of one RNN submodule call and its canonical name.

Same fields and same name grammar as goldens/rnnspec.py and the C++ RnnSpec
(core/), written here so that the package depends on nothing in the checkout:

  sequence: <kind>_l<L>_<uni|bidi>_<tm|bf>_<bias|nobias>_<h0|noh0>_I<I>H<H>[P<P>]_B<B>T<T>[_f64]
  cell:     <kind>_cell_<bias|nobias>_<h0|noh0>_I<I>H<H>_B<B>[_f64]

The module gives kind, cell, I, H, proj, layers, bidirectional, batch_first, bias
(module_fields); a call gives B, T, state (h0 given) and f64 (the module's own
dtype is float64). A capture never has `_aten` (it hooks modules, not aten ops).
"""
from __future__ import annotations

from torch import nn

# (type, kind); None: rnn_tanh or rnn_relu from the module's nonlinearity
_SEQUENCE = ((nn.LSTM, "lstm"), (nn.GRU, "gru"), (nn.RNN, None))
_CELLS = ((nn.LSTMCell, "lstm"), (nn.GRUCell, "gru"), (nn.RNNCell, None))
RNN_TYPES = tuple(t for t, _ in _SEQUENCE + _CELLS)


def _rnn_kind(module: nn.Module) -> str:
    """rnn_tanh / rnn_relu from nn.RNN's or nn.RNNCell's nonlinearity."""
    return "rnn_" + module.nonlinearity


def module_fields(module: nn.Module) -> dict:
    """The module's RnnSpec fields: kind, cell, I, H, proj, layers, bidirectional,
    batch_first, bias (cells: layers 1, no bidi, time-major, proj 0)."""
    for t, kind in _SEQUENCE:
        if isinstance(module, t):
            return {"kind": kind or _rnn_kind(module), "cell": False,
                    "I": module.input_size, "H": module.hidden_size,
                    "proj": int(getattr(module, "proj_size", 0) or 0),
                    "layers": module.num_layers, "bidirectional": bool(module.bidirectional),
                    "batch_first": bool(module.batch_first), "bias": bool(module.bias)}
    for t, kind in _CELLS:
        if isinstance(module, t):
            return {"kind": kind or _rnn_kind(module), "cell": True,
                    "I": module.input_size, "H": module.hidden_size, "proj": 0,
                    "layers": 1, "bidirectional": False, "batch_first": False,
                    "bias": bool(module.bias)}
    raise TypeError(f"not an RNN module: {type(module).__name__}")


def canonical_name(fields: dict, B: int, T: int, state: bool, f64: bool) -> str:
    """The canonical RnnSpec name of one call (grammar above)."""
    bias = "bias" if fields["bias"] else "nobias"
    st = "h0" if state else "noh0"
    tail = "_f64" if f64 else ""
    if fields["cell"]:
        return f"{fields['kind']}_cell_{bias}_{st}_I{fields['I']}H{fields['H']}_B{B}{tail}"
    d = "bidi" if fields["bidirectional"] else "uni"
    lay = "bf" if fields["batch_first"] else "tm"
    p = f"P{fields['proj']}" if fields["proj"] else ""
    return (f"{fields['kind']}_l{fields['layers']}_{d}_{lay}_{bias}_{st}_"
            f"I{fields['I']}H{fields['H']}{p}_B{B}T{T}{tail}")


def output_names(fields: dict) -> list[str]:
    """The call's outputs, named as the goldens name a case's outputs."""
    if fields["cell"]:
        return ["h1", "c1"] if fields["kind"] == "lstm" else ["h1"]
    return ["y", "hn", "cn"] if fields["kind"] == "lstm" else ["y", "hn"]
