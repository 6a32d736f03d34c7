"""Layer-export cases for the indexing, padding and dynamic-shape ops (issue #15, H2).

CASES maps a case name to dict(module=callable() -> nn.Module in eval mode,
inputs=callable(torch.Generator) -> {name: tensor} (float32 or int64, in the
module's argument order), optional dynamic_axes (torch_to_nnef's spelling) and
run_inputs=callable(torch.Generator) -> {name: tensor} at other sizes than the
export's for dynamic exports). gen_layer_exports.py exports each with
torch_to_nnef 0.24.12 into reference_cpu/tests/data/layers/<name>/.

Sizes are tiny on purpose: the data is committed. Constants that reach the
output (clamp bounds, fill values) are exact in float32: torch_to_nnef writes
float literals at float32 precision (-0.2 becomes -0.20000000298023224), which
the float64 run would then carry against PyTorch float64's exact -0.2.

Not exported (recorded here, no data generated):
- torch.gather with an index of rank > 1 (x.gather(1, idx) on rank-3 x):
  torch_to_nnef 0.24.12 refuses it at export (survey 2026-12-07).
- F.pad(mode="replicate") IS a case below, although tract 0.23.9 refuses the
  export: torch_to_nnef writes the spec's border = 'replicate' and tract only
  knows 'replicated' ("unsupported padding mode replicate"). The executor
  accepts both spellings (same edge padding); meta.json records tract's refusal.
- x.index_select(-1, idx) (a negative dim): torch_to_nnef 0.24.12 writes
  tract_core_gather(..., axis = -1), which tract 0.23.9 refuses at load
  (Gather::compute_output_shape reads the axis as usize) and the executor
  refuses too ("axis -1 out of range"): an exporter defect, not a layer case.
- torch.clamp(x, min=lo, max=hi) with TENSOR bounds: torch_to_nnef 0.24.12
  crashes in export_model_to_nnef (KeyError on the output name 'output_0');
  scalar bounds are cases below (t2n writes them as max/min).
- negative slice steps (x[:, ::-1]): PyTorch itself refuses them
  ("step must be greater than zero"), so no export can contain one.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F


class Fn(nn.Module):
    """A module whose forward is `fn(*inputs)`; `params` become buffers/parameters it may use."""

    def __init__(self, fn, **params):
        super().__init__()
        self.fn = fn
        for k, v in params.items():
            self.register_buffer(k, v)

    def forward(self, *xs):
        return self.fn(self, *xs)


def _rand(*shape):
    return lambda g: {"x": torch.randn(*shape, generator=g)}


def _fn(fn, **params):
    return lambda: Fn(fn, **params).eval()


def _embedding(padding_idx=None):
    def make():
        torch.manual_seed(15)
        return nn.Embedding(10, 4, padding_idx=padding_idx).eval()
    return make


def _ids(g):
    ids = torch.randint(0, 10, (2, 5), generator=g)
    ids[0, 1] = 0  # the padding index appears at least once
    return {"ids": ids}


def _ids_run(g):
    ids = torch.randint(0, 10, (3, 7), generator=g)
    ids[1, 2] = 0
    return {"ids": ids}


def _time(b, t, f):
    return lambda g: {"x": torch.randn(b, t, f, generator=g)}


_DYN_T = {"x": {1: "T"}}

CASES = {
    # --- gather: Embedding, index_select, tensor indexing
    "idx_embedding": dict(module=_embedding(), inputs=_ids),
    "idx_embedding_padding_idx": dict(module=_embedding(padding_idx=0), inputs=_ids),
    "idx_embedding_dynamic": dict(module=_embedding(), inputs=_ids, run_inputs=_ids_run,
                                  dynamic_axes={"ids": {0: "B", 1: "T"}}),
    "idx_index_select": dict(module=_fn(lambda s, x: x.index_select(1, s.idx), idx=torch.tensor([0, 2, 2, 4])),
                             inputs=_rand(2, 5, 3)),
    "idx_tensor_index": dict(module=_fn(lambda s, x: x[:, s.idx], idx=torch.tensor([3, 0, -1])),
                             inputs=_rand(2, 5, 3)),
    "idx_index_select_last": dict(module=_fn(lambda s, x: x.index_select(2, s.idx), idx=torch.tensor([1, 0, 3])),
                                  inputs=_rand(2, 3, 4)),
    # --- pad (rank 3 and 4; constant, reflect, replicate)
    "idx_pad_constant_r3": dict(module=_fn(lambda s, x: F.pad(x, (1, 2), value=0.5)), inputs=_rand(2, 3, 4)),
    "idx_pad_reflect_r3": dict(module=_fn(lambda s, x: F.pad(x, (2, 3), mode="reflect")), inputs=_rand(2, 3, 4)),
    "idx_pad_replicate_r3": dict(module=_fn(lambda s, x: F.pad(x, (1, 2), mode="replicate")), inputs=_rand(2, 3, 4)),
    "idx_pad_constant_r4": dict(module=_fn(lambda s, x: F.pad(x, (1, 0, 2, 1))), inputs=_rand(1, 2, 3, 4)),
    "idx_pad_reflect_r4": dict(module=_fn(lambda s, x: F.pad(x, (1, 3, 2, 1), mode="reflect")),
                               inputs=_rand(1, 2, 4, 4)),
    "idx_pad_replicate_r4": dict(module=_fn(lambda s, x: F.pad(x, (0, 2, 1, 1), mode="replicate")),
                                 inputs=_rand(1, 2, 3, 4)),
    "idx_pad_time_dynamic": dict(module=_fn(lambda s, x: F.pad(x.transpose(1, 2), (2, 0))), inputs=_time(2, 5, 3),
                                 run_inputs=_time(2, 8, 3), dynamic_axes=_DYN_T),
    # --- torch.where, masked_fill, clamp
    "idx_where_tensor": dict(module=_fn(lambda s, x, other: torch.where(x > other, x, other * 0.5)),
                             inputs=lambda g: {"x": torch.randn(2, 5, generator=g),
                                               "other": torch.randn(2, 5, generator=g)}),
    "idx_where_scalar": dict(module=_fn(lambda s, x: torch.where(x > 0.1, x, 0.0) + torch.where(x < 0, 1.0, x)),
                             inputs=_rand(2, 5)),
    "idx_where_broadcast": dict(module=_fn(lambda s, x, cond: torch.where(cond > 0, x, -x)),
                                inputs=lambda g: {"x": torch.randn(2, 3, 4, generator=g),
                                                  "cond": torch.randn(3, 1, generator=g)}),
    "idx_masked_fill": dict(module=_fn(lambda s, x: x.masked_fill(x < -0.2, -1.0)), inputs=_rand(2, 5)),
    "idx_clamp_both": dict(module=_fn(lambda s, x: x.clamp(-0.25, 0.375)), inputs=_rand(2, 5)),
    "idx_clamp_min": dict(module=_fn(lambda s, x: x.clamp(min=0.125)), inputs=_rand(2, 5)),
    "idx_clamp_max": dict(module=_fn(lambda s, x: torch.clamp(x, max=-0.125)), inputs=_rand(2, 5)),
    # --- layout: flatten, permute, transpose, view/reshape, unsqueeze/squeeze
    "idx_flatten": dict(module=_fn(lambda s, x: x.flatten(1)), inputs=_rand(2, 5, 3)),
    "idx_permute": dict(module=_fn(lambda s, x: x.permute(2, 0, 1)), inputs=_rand(2, 5, 3)),
    "idx_transpose": dict(module=_fn(lambda s, x: x.transpose(1, 2)), inputs=_rand(2, 5, 3)),
    "idx_view_reshape": dict(module=_fn(lambda s, x: x.view(x.shape[0], -1).reshape(-1, 5)), inputs=_rand(2, 5, 3)),
    "idx_view_dynamic": dict(module=_fn(lambda s, x: x.reshape(x.shape[0], -1, 2, 3).sum(2)),
                             inputs=_time(2, 4, 6), run_inputs=_time(2, 6, 6), dynamic_axes=_DYN_T),
    "idx_unsqueeze_squeeze": dict(module=_fn(lambda s, x: x.unsqueeze(1).squeeze(-1) * x.squeeze(2).unsqueeze(-1)[:, None, :, 0]),
                                  inputs=_rand(2, 3, 1)),
    # --- chunk, split, stack, cat, narrow
    "idx_chunk": dict(module=_fn(lambda s, x: torch.cat([c * (k + 1) for k, c in enumerate(x.chunk(3, dim=1))], dim=2)),
                      inputs=_rand(2, 6, 3)),
    "idx_split_equal": dict(module=_fn(lambda s, x: torch.stack(x.split(2, dim=-1), dim=0)), inputs=_rand(2, 3, 6)),
    "idx_split_sizes": dict(module=_fn(lambda s, x: torch.cat(x.split([1, 3, 2], dim=1)[::-1], dim=1)),
                            inputs=_rand(2, 6, 3)),
    "idx_stack": dict(module=_fn(lambda s, x: torch.stack([x, x * 2, -x], dim=1)), inputs=_rand(2, 3)),
    "idx_cat": dict(module=_fn(lambda s, x, other: torch.cat([x, other, x], dim=0)),
                    inputs=lambda g: {"x": torch.randn(2, 3, generator=g), "other": torch.randn(1, 3, generator=g)}),
    "idx_narrow": dict(module=_fn(lambda s, x: x.narrow(1, 1, 3)), inputs=_rand(2, 5, 3)),
    "idx_expand_repeat": dict(module=_fn(lambda s, x: x.expand(2, 4, 3) + x.repeat(1, 4, 1)), inputs=_rand(2, 1, 3)),
    # --- static slicing
    "idx_slice_tail": dict(module=_fn(lambda s, x: x[..., -2:]), inputs=_rand(2, 3, 5)),
    "idx_slice_step": dict(module=_fn(lambda s, x: x[:, 1::2, :-1]), inputs=_rand(2, 7, 3)),
    # --- dynamic slicing over a dynamic time axis (run at another T than the export's)
    "idx_dyn_slice_drop_last": dict(module=_fn(lambda s, x: x[:, : x.shape[1] - 1]), inputs=_time(2, 5, 3),
                                    run_inputs=_time(2, 8, 3), dynamic_axes=_DYN_T),
    "idx_dyn_slice_tail": dict(module=_fn(lambda s, x: x[:, -2:]), inputs=_time(2, 5, 3),
                               run_inputs=_time(2, 7, 3), dynamic_axes=_DYN_T),
    "idx_dyn_slice_step": dict(module=_fn(lambda s, x: x[:, 1: x.shape[1] - 1: 2]), inputs=_time(2, 6, 3),
                               run_inputs=_time(2, 9, 3), dynamic_axes=_DYN_T),
    "idx_dyn_slice_half": dict(module=_fn(lambda s, x: x[:, x.shape[1] // 2:]), inputs=_time(2, 6, 3),
                               run_inputs=_time(2, 9, 3), dynamic_axes=_DYN_T),
    # --- arange-based masks over a dynamic length
    "idx_arange_mask": dict(
        module=_fn(lambda s, x, lengths: x * (torch.arange(x.shape[1]) < lengths[:, None]).unsqueeze(-1).to(x.dtype)),
        inputs=lambda g: {"x": torch.randn(3, 5, 2, generator=g), "lengths": torch.tensor([5, 2, 3])},
        run_inputs=lambda g: {"x": torch.randn(3, 7, 2, generator=g), "lengths": torch.tensor([1, 7, 4])},
        dynamic_axes={"x": {1: "T"}}),
}
