"""The model tier: composite torch.nn models in the shapes users export, small sizes.

Each ModelCase is one matrix case (tier "model", conformance/make_matrix.py) whose
goldens goldens/generate_models.py writes to goldens/models/<name>/. Seeding as the
small tier (goldens/cases.py): seed = first 8 bytes of sha256(name), little endian,
masked to 63 bits; the module is constructed under torch.manual_seed(seed) (PyTorch's
default initialisation), then `finish` draws what the default leaves trivial
(BatchNorm running statistics) from the same generator, then the inputs are drawn:
the export-size inputs, and for a dynamic export the run-size inputs after them,
each input in graph order, float32 U(-1, 1) as torch.rand(shape) * 2 - 1 (exact in
float32) or int64 token ids torch.randint(0, vocab, shape).

A dynamic export (dynamic_axes, torch_to_nnef's {input: {axis: symbol}}) is run at
run_sizes, which differ from export_sizes in every dynamic axis; a static one is run
at its export sizes.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

import torch
from torch import nn

from cases import case_seed

FLOAT_INPUTS = "U(-1,1) as torch.rand(shape)*2-1"


@dataclass(frozen=True)
class Input:
    """One graph input: its shape in terms of the size symbols (ints or names of
    sizes), float32 U(-1, 1) unless vocab is set (int64 ids in [0, vocab))."""
    name: str
    shape: tuple
    vocab: int = 0

    def concrete(self, sizes: dict[str, int]) -> list[int]:
        return [sizes[d] if isinstance(d, str) else d for d in self.shape]

    def draw(self, sizes: dict[str, int]) -> torch.Tensor:
        shape = self.concrete(sizes)
        if self.vocab:
            return torch.randint(0, self.vocab, shape, dtype=torch.int64)
        return torch.rand(shape) * 2 - 1


@dataclass(frozen=True)
class ModelCase:
    name: str
    description: str
    tags: tuple[str, ...]
    make: Callable[[], nn.Module]
    inputs: tuple[Input, ...]
    outputs: tuple[str, ...]
    export_sizes: dict = field(default_factory=dict)
    run_sizes: dict | None = None          # None: the export sizes (static export)
    dynamic_axes: dict | None = None       # torch_to_nnef's {input: {axis: symbol}}

    @property
    def input_names(self) -> list[str]:
        return [i.name for i in self.inputs]

    @property
    def output_names(self) -> list[str]:
        return list(self.outputs)

    def shapes(self, sizes: dict) -> dict[str, list[int]]:
        return {i.name: i.concrete(sizes) for i in self.inputs}

    @property
    def sizes_run(self) -> dict:
        return self.run_sizes if self.run_sizes is not None else self.export_sizes


def submodules(module: nn.Module) -> list[str]:
    """'path: repr' of every leaf module (the layers the export must carry)."""
    return [f"{n}: {m!r}" for n, m in module.named_modules() if n and not list(m.children())]


def _finish(module: nn.Module) -> None:
    """Non-trivial BatchNorm running statistics (the default mean 0 / var 1 would make
    a wrong normalisation invisible): mean U(-0.5, 0.5), var U(0.5, 1.5)."""
    for m in module.modules():
        if isinstance(m, nn.modules.batchnorm._BatchNorm):
            with torch.no_grad():
                m.running_mean.copy_(torch.rand(m.num_features) - 0.5)
                m.running_var.copy_(torch.rand(m.num_features) + 0.5)


def build(case: ModelCase) -> tuple[nn.Module, dict[str, torch.Tensor], dict[str, torch.Tensor], int]:
    """(module in eval mode, export-size inputs, run-size inputs, seed). For a static
    export the run inputs are the export inputs (the same tensors)."""
    seed = case_seed(case.name)
    state = torch.random.get_rng_state()
    try:
        torch.manual_seed(seed)
        module = case.make()
        _finish(module)
        module.eval()
        export_in = {i.name: i.draw(case.export_sizes) for i in case.inputs}
        run_in = export_in if case.run_sizes is None else \
            {i.name: i.draw(case.run_sizes) for i in case.inputs}
    finally:
        torch.random.set_rng_state(state)
    return module, export_in, run_in, seed


# ---------------------------------------------------------------- the models


class SpeechEncoder(nn.Module):
    """Acoustic model: strided Conv1d front end + BatchNorm1d + ReLU over features
    [B, F, T], a stacked bidirectional LSTM over the subsampled frames, a Linear to
    the token classes and LogSoftmax (CTC-style log-probabilities)."""

    def __init__(self, feats=8, ch=12, hidden=8, classes=10):
        super().__init__()
        self.conv = nn.Conv1d(feats, ch, kernel_size=3, stride=2, padding=1)
        self.bn = nn.BatchNorm1d(ch)
        self.act = nn.ReLU()
        self.rnn = nn.LSTM(ch, hidden, num_layers=2, bidirectional=True, batch_first=True)
        self.out = nn.Linear(2 * hidden, classes)
        self.logsoftmax = nn.LogSoftmax(dim=-1)

    def forward(self, feats):
        x = self.act(self.bn(self.conv(feats)))      # [B, C, T']
        y, _ = self.rnn(x.transpose(1, 2))           # [B, T', 2H]
        return self.logsoftmax(self.out(y))


class LanguageModel(nn.Module):
    """Embedding + GRU + Linear: next-token logits and the final state."""

    def __init__(self, vocab=20, emb=8, hidden=12):
        super().__init__()
        self.embed = nn.Embedding(vocab, emb)
        self.rnn = nn.GRU(emb, hidden, batch_first=True)
        self.head = nn.Linear(hidden, vocab)

    def forward(self, tokens):
        y, hn = self.rnn(self.embed(tokens))
        return self.head(y), hn


class ProjTagger(nn.Module):
    """Sequence tagger: bidirectional LSTM with projection (proj_size) + Linear +
    Softmax over the tags."""

    def __init__(self, feats=8, hidden=12, proj=6, tags=5):
        super().__init__()
        self.rnn = nn.LSTM(feats, hidden, proj_size=proj, bidirectional=True, batch_first=True)
        self.head = nn.Linear(2 * proj, tags)
        self.softmax = nn.Softmax(dim=-1)

    def forward(self, x):
        y, _ = self.rnn(x)
        return self.softmax(self.head(y))


class StreamingEncoder(nn.Module):
    """Streaming LSTM encoder: input Linear + Tanh, LSTM carrying its state from
    chunk to chunk (h0, c0 in, hn, cn out), output Linear; dynamic time axis."""

    def __init__(self, feats=8, hidden=12, out=6):
        super().__init__()
        self.inp = nn.Linear(feats, hidden)
        self.act = nn.Tanh()
        self.rnn = nn.LSTM(hidden, hidden, batch_first=True)
        self.out = nn.Linear(hidden, out)

    def forward(self, x, h0, c0):
        y, (hn, cn) = self.rnn(self.act(self.inp(x)), (h0, c0))
        return self.out(y), hn, cn


class GruDecoder(nn.Module):
    """GRU decoder from a given initial state (e.g. an encoder's summary): GRU with
    h0 + Linear projection to the output features."""

    def __init__(self, feats=6, hidden=10, out=7):
        super().__init__()
        self.rnn = nn.GRU(feats, hidden, num_layers=2, batch_first=True)
        self.out = nn.Linear(hidden, out)

    def forward(self, x, h0):
        y, hn = self.rnn(x, h0)
        return self.out(y), hn


class CellLoop(nn.Module):
    """Two stacked cells stepped in a Python loop over time (time-major x [T, B, I]):
    LSTMCell then GRUCell, zero initial states, outputs stacked per step + Linear."""

    def __init__(self, feats=6, hidden=8, hidden2=10, out=4):
        super().__init__()
        self.hidden, self.hidden2 = hidden, hidden2
        self.cell1 = nn.LSTMCell(feats, hidden)
        self.cell2 = nn.GRUCell(hidden, hidden2)
        self.out = nn.Linear(hidden2, out)

    def forward(self, x):
        b = x.shape[1]
        h = torch.zeros(b, self.hidden, dtype=x.dtype)
        c = torch.zeros(b, self.hidden, dtype=x.dtype)
        g = torch.zeros(b, self.hidden2, dtype=x.dtype)
        steps = []
        for t in range(x.shape[0]):
            h, c = self.cell1(x[t], (h, c))
            g = self.cell2(h, g)
            steps.append(g)
        return self.out(torch.stack(steps)), g


class CellLoopWithState(nn.Module):
    """A streaming step of stacked cells: LSTMCell then GRUCell stepped in a Python
    loop over a chunk (time-major x [T, B, I]) from given states (h0, c0, g0), the
    per-step outputs through a Linear, and the final states returned for the next chunk."""

    def __init__(self, feats=6, hidden=8, hidden2=10, out=4):
        super().__init__()
        self.cell1 = nn.LSTMCell(feats, hidden)
        self.cell2 = nn.GRUCell(hidden, hidden2)
        self.out = nn.Linear(hidden2, out)

    def forward(self, x, h0, c0, g0):
        h, c, g = h0, c0, g0
        steps = []
        for t in range(x.shape[0]):
            h, c = self.cell1(x[t], (h, c))
            g = self.cell2(h, g)
            steps.append(g)
        return self.out(torch.stack(steps)), h, c, g


class LastStepClassifier(nn.Module):
    """LSTM classifier: the last time step's output (x[:, -1]) + Linear; dynamic batch."""

    def __init__(self, feats=8, hidden=12, classes=3):
        super().__init__()
        self.rnn = nn.LSTM(feats, hidden, batch_first=True)
        self.head = nn.Linear(hidden, classes)

    def forward(self, x):
        y, _ = self.rnn(x)
        return self.head(y[:, -1])


class BiGruLayerNormPool(nn.Module):
    """Bidirectional GRU + LayerNorm + mean pooling over time + Linear (an utterance
    embedding / classifier)."""

    def __init__(self, feats=8, hidden=8, out=5):
        super().__init__()
        self.rnn = nn.GRU(feats, hidden, bidirectional=True, batch_first=True)
        self.norm = nn.LayerNorm(2 * hidden)
        self.head = nn.Linear(2 * hidden, out)

    def forward(self, x):
        y, _ = self.rnn(x)
        return self.head(self.norm(y).mean(dim=1))


class RnnHead(nn.Module):
    """Elman RNN (tanh or relu) + Dropout (inactive in eval) + Linear + activation
    (GELU or SiLU) + Linear."""

    def __init__(self, nonlinearity, act, feats=8, hidden=12, mid=10, out=4):
        super().__init__()
        self.rnn = nn.RNN(feats, hidden, num_layers=2, nonlinearity=nonlinearity, batch_first=True)
        self.drop = nn.Dropout(0.25)
        self.fc1 = nn.Linear(hidden, mid)
        self.act = act
        self.fc2 = nn.Linear(mid, out)

    def forward(self, x):
        y, _ = self.rnn(x)
        return self.fc2(self.act(self.fc1(self.drop(y))))


class Conv2dGru(nn.Module):
    """Spectrogram front end: Conv2d over [B, 1, F, T] (stride 2 in frequency) + ReLU,
    permute to [B, T, C, F'] and flatten to [B, T, C*F'], GRU, Linear."""

    def __init__(self, freq=8, ch=3, hidden=10, out=5):
        super().__init__()
        self.conv = nn.Conv2d(1, ch, kernel_size=3, stride=(2, 1), padding=1)
        self.act = nn.ReLU()
        self.rnn = nn.GRU(ch * (freq // 2), hidden, batch_first=True)
        self.head = nn.Linear(hidden, out)

    def forward(self, spec):
        x = self.act(self.conv(spec))                 # [B, C, F/2, T]
        x = x.permute(0, 3, 1, 2).flatten(2)          # [B, T, C*F/2]
        y, _ = self.rnn(x)
        return self.head(y)


class ResidualLstm(nn.Module):
    """Time-major (batch_first=False) 2-layer LSTM after an input Linear projection,
    with a residual add around the LSTM, then a Linear."""

    def __init__(self, feats=6, hidden=10, out=4):
        super().__init__()
        self.proj = nn.Linear(feats, hidden)
        self.rnn = nn.LSTM(hidden, hidden, num_layers=2)
        self.head = nn.Linear(hidden, out)

    def forward(self, x):
        p = self.proj(x)                              # [T, B, H]
        y, _ = self.rnn(p)
        return self.head(y + p)


class Seq2Seq(nn.Module):
    """Encoder-decoder: LSTM encoder over src, its final (h, c) as the initial state
    of the LSTM decoder over tgt (teacher forcing), Linear to the output vocabulary."""

    def __init__(self, src_feats=6, tgt_feats=5, hidden=10, out=7):
        super().__init__()
        self.encoder = nn.LSTM(src_feats, hidden, batch_first=True)
        self.decoder = nn.LSTM(tgt_feats, hidden, batch_first=True)
        self.head = nn.Linear(hidden, out)

    def forward(self, src, tgt):
        _, state = self.encoder(src)
        y, _ = self.decoder(tgt, state)
        return self.head(y)


class AttentionPool(nn.Module):
    """Attention over LSTM outputs: a Linear score per step, softmax over time,
    the weighted sum of the outputs, a Linear classifier; returns the logits and the
    attention weights. Dynamic batch and time."""

    def __init__(self, feats=8, hidden=12, classes=4):
        super().__init__()
        self.rnn = nn.LSTM(feats, hidden, batch_first=True)
        self.score = nn.Linear(hidden, 1)
        self.head = nn.Linear(hidden, classes)

    def forward(self, x):
        y, _ = self.rnn(x)                                    # [B, T, H]
        w = torch.softmax(self.score(y).squeeze(-1), dim=1)   # [B, T]
        ctx = (w.unsqueeze(-1) * y).sum(dim=1)                # [B, H]
        return self.head(ctx), w


class BiLstmTaggerWithState(nn.Module):
    """Bidirectional LSTM tagger resumed from a given state (h0, c0 for both
    directions) + Linear + LogSoftmax."""

    def __init__(self, feats=8, hidden=8, tags=5):
        super().__init__()
        self.rnn = nn.LSTM(feats, hidden, bidirectional=True, batch_first=True)
        self.head = nn.Linear(2 * hidden, tags)
        self.logsoftmax = nn.LogSoftmax(dim=-1)

    def forward(self, x, h0, c0):
        y, _ = self.rnn(x, (h0, c0))
        return self.logsoftmax(self.head(y))


class DeltaGruTagger(nn.Module):
    """Streaming frame tagger on delta features: x[:, 1:] - x[:, :T-1] over a dynamic
    time axis (torch_to_nnef's dyn_slice: int64 shape arithmetic and select), GRU,
    Linear, and the argmax tag of every frame (an int64 output, judged exactly)."""

    def __init__(self, feats=6, hidden=10, tags=5):
        super().__init__()
        self.rnn = nn.GRU(feats, hidden, batch_first=True)
        self.head = nn.Linear(hidden, tags)

    def forward(self, x):
        delta = x[:, 1:] - x[:, : x.shape[1] - 1]
        y, _ = self.rnn(delta)
        logits = self.head(y)
        return logits, logits.argmax(dim=-1)


def _f(name, *shape):
    return Input(name, tuple(shape))


MODELS: list[ModelCase] = [
    ModelCase("model_speech_encoder", SpeechEncoder.__doc__, ("speech", "conv", "bidi", "stacked"),
              SpeechEncoder, (_f("feats", "B", 8, "T"),), ("logprobs",), dict(B=2, T=9)),
    ModelCase("model_language_model", LanguageModel.__doc__, ("lm", "embedding", "dynamic"),
              LanguageModel, (Input("tokens", ("B", "T"), vocab=20),), ("logits", "hn"),
              dict(B=2, T=7), dict(B=3, T=5), {"tokens": {0: "B", 1: "T"}}),
    ModelCase("model_tagger_proj_lstm", ProjTagger.__doc__, ("tagger", "proj", "bidi"),
              ProjTagger, (_f("x", "B", "T", 8),), ("probs",), dict(B=2, T=6)),
    ModelCase("model_streaming_encoder", StreamingEncoder.__doc__, ("streaming", "state", "dynamic"),
              StreamingEncoder, (_f("x", "B", "T", 8), _f("h0", 1, "B", 12), _f("c0", 1, "B", 12)),
              ("y", "hn", "cn"), dict(B=2, T=5), dict(B=2, T=8), {"x": {1: "T"}}),
    ModelCase("model_gru_decoder", GruDecoder.__doc__, ("decoder", "state", "stacked"),
              GruDecoder, (_f("x", "B", "T", 6), _f("h0", 2, "B", 10)), ("y", "hn"), dict(B=3, T=6)),
    ModelCase("model_cell_loop", CellLoop.__doc__, ("cell", "loop"),
              CellLoop, (_f("x", "T", "B", 6),), ("y", "h_last"), dict(B=2, T=5)),
    ModelCase("model_cell_loop_state", CellLoopWithState.__doc__, ("cell", "loop", "state", "streaming"),
              CellLoopWithState, (_f("x", "T", "B", 6), _f("h0", "B", 8), _f("c0", "B", 8), _f("g0", "B", 10)),
              ("y", "hn", "cn", "gn"), dict(B=3, T=6)),
    ModelCase("model_classifier_last_step", LastStepClassifier.__doc__, ("classifier", "dynamic"),
              LastStepClassifier, (_f("x", "B", "T", 8),), ("logits",),
              dict(B=2, T=7), dict(B=3, T=7), {"x": {0: "B"}}),
    ModelCase("model_bigru_layernorm_pool", BiGruLayerNormPool.__doc__, ("bidi", "layernorm", "pool"),
              BiGruLayerNormPool, (_f("x", "B", "T", 8),), ("embedding",), dict(B=3, T=6)),
    ModelCase("model_rnn_tanh_gelu_head", "RNN(tanh): " + RnnHead.__doc__, ("rnn_tanh", "dropout", "gelu"),
              lambda: RnnHead("tanh", nn.GELU()), (_f("x", "B", "T", 8),), ("y",), dict(B=2, T=7)),
    ModelCase("model_rnn_relu_silu_head", "RNN(relu): " + RnnHead.__doc__, ("rnn_relu", "dropout", "silu"),
              lambda: RnnHead("relu", nn.SiLU()), (_f("x", "B", "T", 8),), ("y",), dict(B=3, T=5)),
    ModelCase("model_conv2d_gru", Conv2dGru.__doc__, ("speech", "conv2d", "permute"),
              Conv2dGru, (_f("spec", "B", 1, 8, "T"),), ("y",), dict(B=2, T=8)),
    ModelCase("model_residual_lstm_tm", ResidualLstm.__doc__, ("time_major", "residual", "stacked"),
              ResidualLstm, (_f("x", "T", "B", 6),), ("y",), dict(B=3, T=6)),
    ModelCase("model_seq2seq", Seq2Seq.__doc__, ("encoder_decoder", "state"),
              Seq2Seq, (_f("src", "B", "S", 6), _f("tgt", "B", "T", 5)), ("y",), dict(B=2, S=7, T=5)),
    ModelCase("model_lstm_attention", AttentionPool.__doc__, ("attention", "softmax", "dynamic"),
              AttentionPool, (_f("x", "B", "T", 8),), ("logits", "weights"),
              dict(B=2, T=6), dict(B=3, T=9), {"x": {0: "B", 1: "T"}}),
    ModelCase("model_bilstm_tagger_state", BiLstmTaggerWithState.__doc__, ("tagger", "bidi", "state"),
              BiLstmTaggerWithState, (_f("x", "B", "T", 8), _f("h0", 2, "B", 8), _f("c0", 2, "B", 8)),
              ("logprobs",), dict(B=2, T=6)),
    ModelCase("model_delta_gru_tagger", DeltaGruTagger.__doc__, ("streaming", "dynamic", "dyn_slice", "argmax"),
              DeltaGruTagger, (_f("x", "B", "T", 6),), ("logits", "tags"),
              dict(B=2, T=6), dict(B=2, T=9), {"x": {1: "T"}}),
]

BY_NAME = {m.name: m for m in MODELS}
