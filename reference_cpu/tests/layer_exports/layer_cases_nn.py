"""Layer-export cases of the neural-network ops around RNNs (helper H1's part of
the harness; gen_layer_exports.py documents the CASES format): Linear on
rank 2-4 inputs, Conv1d/Conv2d (stride, padding incl. 'same', dilation,
groups, bias), BatchNorm1d/2d in eval with set running statistics,
LayerNorm, Dropout (eval), the activations, softmax/log-softmax and the
reductions. Small sizes; inputs standard normal from the case's generator.
"""
from __future__ import annotations

import torch
from torch import nn


def randn(gen: torch.Generator, *shape: int) -> torch.Tensor:
    return torch.randn(*shape, generator=gen, dtype=torch.float32)


def one_input(*shape: int, name: str = "x"):
    return lambda gen: {name: randn(gen, *shape)}


class Fn(nn.Module):
    """A module around a function of its inputs (reductions, softmax over a dim)."""

    def __init__(self, fn):
        super().__init__()
        self.fn = fn

    def forward(self, *xs):
        return self.fn(*xs)


def batch_norm(cls, channels: int, eps: float = 1e-3) -> nn.Module:
    """BatchNorm in eval with non-trivial running statistics and affine parameters."""
    m = cls(channels, eps=eps)
    with torch.no_grad():
        m.running_mean.copy_(torch.linspace(-0.5, 0.7, channels))
        m.running_var.copy_(torch.linspace(0.3, 2.1, channels))
        m.weight.copy_(torch.linspace(0.5, 1.5, channels))
        m.bias.copy_(torch.linspace(-0.2, 0.3, channels))
    return m.eval()


def layer_norm(shape, affine: bool) -> nn.Module:
    m = nn.LayerNorm(shape, elementwise_affine=affine)
    if affine:
        with torch.no_grad():
            m.weight.copy_(torch.linspace(0.5, 1.5, m.weight.numel()).reshape(m.weight.shape))
            m.bias.copy_(torch.linspace(-0.3, 0.2, m.bias.numel()).reshape(m.bias.shape))
    return m


CASES: dict[str, dict] = {
    # nn.Linear: rank 2 is the spec's linear; ranks 3 and 4 are tract's broadcast.
    "linear_rank2_bias": dict(module=lambda: nn.Linear(8, 5), inputs=one_input(3, 8)),
    "linear_rank2_nobias": dict(module=lambda: nn.Linear(8, 5, bias=False), inputs=one_input(3, 8)),
    "linear_rank3_bias": dict(module=lambda: nn.Linear(8, 10), inputs=one_input(4, 1, 8)),
    "linear_rank3_nobias": dict(module=lambda: nn.Linear(6, 4, bias=False), inputs=one_input(2, 3, 6)),
    "linear_rank4_bias": dict(module=lambda: nn.Linear(5, 3), inputs=one_input(2, 3, 2, 5)),
    "linear_rank3_dynamic_batch": dict(
        module=lambda: nn.Linear(7, 4), inputs=one_input(2, 3, 7),
        dynamic_axes={"x": {0: "B"}}, run_inputs=one_input(5, 3, 7)),
    # Convolutions (NCW / NCHW).
    "conv1d_basic": dict(module=lambda: nn.Conv1d(3, 4, 3), inputs=one_input(2, 3, 11)),
    "conv1d_stride_pad_nobias": dict(module=lambda: nn.Conv1d(3, 5, 4, stride=2, padding=2, bias=False),
                                     inputs=one_input(2, 3, 13)),
    "conv1d_dilation": dict(module=lambda: nn.Conv1d(2, 3, 3, dilation=2, padding=1), inputs=one_input(1, 2, 12)),
    "conv1d_groups": dict(module=lambda: nn.Conv1d(4, 6, 3, groups=2, padding=1), inputs=one_input(2, 4, 9)),
    "conv1d_depthwise": dict(module=lambda: nn.Conv1d(4, 4, 5, groups=4, padding=2), inputs=one_input(2, 4, 10)),
    "conv1d_same": dict(module=lambda: nn.Conv1d(3, 4, 4, padding="same"), inputs=one_input(2, 3, 10)),
    "conv1d_dynamic_batch": dict(
        module=lambda: nn.Conv1d(3, 4, 3, padding=1), inputs=one_input(2, 3, 8),
        dynamic_axes={"x": {0: "B"}}, run_inputs=one_input(3, 3, 8)),
    "conv2d_basic": dict(module=lambda: nn.Conv2d(2, 3, 3), inputs=one_input(2, 2, 7, 6)),
    "conv2d_stride_pad": dict(module=lambda: nn.Conv2d(3, 4, (3, 2), stride=(2, 1), padding=(1, 2)),
                              inputs=one_input(1, 3, 9, 7)),
    "conv2d_dilation_nobias": dict(module=lambda: nn.Conv2d(2, 3, 3, dilation=(2, 1), bias=False),
                                   inputs=one_input(2, 2, 9, 6)),
    "conv2d_groups": dict(module=lambda: nn.Conv2d(4, 8, 3, groups=2, padding=1, stride=2),
                          inputs=one_input(1, 4, 7, 8)),
    "conv2d_same": dict(module=lambda: nn.Conv2d(2, 3, (3, 4), padding="same"), inputs=one_input(1, 2, 6, 7)),
    # Normalizations in eval.
    "batchnorm1d_rank2": dict(module=lambda: batch_norm(nn.BatchNorm1d, 5), inputs=one_input(4, 5)),
    "batchnorm1d_rank3": dict(module=lambda: batch_norm(nn.BatchNorm1d, 4), inputs=one_input(2, 4, 6)),
    # The default eps 1e-05 is written as a variable of shape [] (1e-3 as a literal).
    "batchnorm1d_default_eps": dict(module=lambda: batch_norm(nn.BatchNorm1d, 4, eps=1e-5), inputs=one_input(2, 4, 5)),
    "batchnorm2d": dict(module=lambda: batch_norm(nn.BatchNorm2d, 3), inputs=one_input(2, 3, 4, 5)),
    "layernorm_last_affine": dict(module=lambda: layer_norm(6, True), inputs=one_input(2, 3, 6)),
    "layernorm_last_plain": dict(module=lambda: layer_norm(6, False), inputs=one_input(3, 6)),
    "layernorm_two_dims_affine": dict(module=lambda: layer_norm((3, 4), True), inputs=one_input(2, 3, 4)),
    "dropout_eval": dict(module=lambda: nn.Sequential(nn.Dropout(0.3), nn.Linear(4, 3)), inputs=one_input(2, 4)),
    # Activations.
    "relu": dict(module=nn.ReLU, inputs=one_input(3, 7)),
    "leaky_relu": dict(module=lambda: nn.LeakyReLU(0.07), inputs=one_input(3, 7)),
    "gelu_erf": dict(module=nn.GELU, inputs=one_input(3, 7)),
    # torch_to_nnef's gelu_fast_approx writes sqrt(2/pi) as 0.7978845608 (3.6e-12 relative).
    "gelu_tanh": dict(module=lambda: nn.GELU(approximate="tanh"), inputs=one_input(3, 7),
                      export_formula=lambda i: 0.5 * i["x"] * (1.0 + torch.tanh(
                          i["x"] * 0.7978845608 * (1.0 + 0.044715 * i["x"] * i["x"])))),
    "silu": dict(module=nn.SiLU, inputs=one_input(3, 7)),
    "elu": dict(module=lambda: nn.ELU(alpha=0.8), inputs=one_input(3, 7)),
    "hardtanh": dict(module=lambda: nn.Hardtanh(-0.6, 0.9), inputs=one_input(3, 7)),
    "tanh": dict(module=nn.Tanh, inputs=one_input(3, 7)),
    "sigmoid": dict(module=nn.Sigmoid, inputs=one_input(3, 7)),
    "softplus": dict(module=nn.Softplus, inputs=one_input(3, 7)),
    # nn.Softplus(beta != 1 or threshold != 20) is refused by torch_to_nnef 0.24.12
    # ("would need use of a specific fragment"): no case.
    # Softmax and log-softmax.
    "softmax_last": dict(module=lambda: nn.Softmax(dim=-1), inputs=one_input(2, 3, 5)),
    "softmax_dim1": dict(module=lambda: nn.Softmax(dim=1), inputs=one_input(2, 3, 5)),
    "softmax_dim0": dict(module=lambda: nn.Softmax(dim=0), inputs=one_input(4, 5)),
    "log_softmax_last": dict(module=lambda: nn.LogSoftmax(dim=-1), inputs=one_input(2, 3, 5)),
    "log_softmax_dim1": dict(module=lambda: nn.LogSoftmax(dim=1), inputs=one_input(2, 3, 5)),
    "log_softmax_dynamic_batch": dict(
        module=lambda: nn.Sequential(nn.Linear(6, 5), nn.LogSoftmax(dim=-1)), inputs=one_input(2, 4, 6),
        dynamic_axes={"x": {0: "B", 1: "T"}}, run_inputs=one_input(3, 7, 6)),
    # Reductions.
    "sum_dim1": dict(module=lambda: Fn(lambda x: x.sum(dim=1)), inputs=one_input(2, 3, 4)),
    "sum_dims_keepdim": dict(module=lambda: Fn(lambda x: x.sum(dim=(0, 2), keepdim=True)), inputs=one_input(2, 3, 4)),
    "mean_last": dict(module=lambda: Fn(lambda x: x.mean(dim=-1)), inputs=one_input(2, 3, 4)),
    "mean_dims_keepdim": dict(module=lambda: Fn(lambda x: x.mean(dim=(1, 2), keepdim=True)),
                              inputs=one_input(2, 3, 4)),
    "max_values_indices": dict(module=lambda: Fn(lambda x: tuple(torch.max(x, dim=1))), inputs=one_input(2, 5, 3)),
    "max_values_indices_keepdim": dict(module=lambda: Fn(lambda x: tuple(torch.max(x, dim=-1, keepdim=True))),
                                       inputs=one_input(2, 3, 5)),
    "min_values_indices": dict(module=lambda: Fn(lambda x: tuple(torch.min(x, dim=0))), inputs=one_input(4, 3)),
    "argmax_dim": dict(module=lambda: Fn(lambda x: torch.argmax(x, dim=2)), inputs=one_input(2, 3, 6)),
    "argmax_keepdim": dict(module=lambda: Fn(lambda x: torch.argmax(x, dim=1, keepdim=True)),
                           inputs=one_input(2, 6, 3)),
    "argmin_dim": dict(module=lambda: Fn(lambda x: torch.argmin(x, dim=-1)), inputs=one_input(3, 6)),
    "amax_dims": dict(module=lambda: Fn(lambda x: torch.amax(x, dim=(0, 2))), inputs=one_input(2, 3, 4)),
    "amin_keepdim": dict(module=lambda: Fn(lambda x: torch.amin(x, dim=1, keepdim=True)), inputs=one_input(2, 3, 4)),
    "max_all": dict(module=lambda: Fn(lambda x: torch.max(x)), inputs=one_input(3, 4)),
}
