"""goldens/tract_cli.py stands in for the tract binary, check_io included."""
import subprocess
import sys
from pathlib import Path

import pytest
import torch

import cases
import generate
from rnnspec import parse

HERE = Path(__file__).resolve().parents[1]


def test_version():
    out = subprocess.run([sys.executable, str(HERE / "tract_cli.py"), "--version"],
                         capture_output=True, text=True, check=True).stdout
    assert out.strip() == f"tract {generate.PINNED['tract']}"


def test_unknown_command_line_is_refused():
    r = subprocess.run([sys.executable, str(HERE / "tract_cli.py"), "m.nnef.tgz", "--bogus"],
                       capture_output=True, text=True)
    assert r.returncode == 2 and "unsupported" in r.stderr


def _export_with_check_io(name, tmp_path):
    from torch_to_nnef import export_model_to_nnef
    from torch_to_nnef.inference_target import TractNNEF
    spec = parse(name)
    module, inputs, _ = cases.build(spec)
    target = TractNNEF(version=generate.PINNED["tract"], check_io=True,
                       dump_identity_properties=False,
                       specific_tract_binary_path=generate.write_tracer(tmp_path))
    with torch.no_grad():
        export_model_to_nnef(model=cases.wrapper(spec, module),
                             args=tuple(inputs[n] for n in spec.input_names),
                             file_path_export=tmp_path / "m.nnef.tgz", inference_target=target,
                             input_names=spec.input_names, output_names=spec.output_names)


def test_check_io_passes_on_a_correct_export(tmp_path):
    _export_with_check_io("lstm_l2_uni_tm_bias_h0_I5H7_B3T4", tmp_path)  # raises on mismatch
    assert (tmp_path / "m.nnef.tgz").stat().st_size > 0


def test_check_io_catches_the_bidi_state_bug(tmp_path):
    from torch_to_nnef.exceptions import T2NErrorIOPytorchTractNotISO
    with pytest.raises(T2NErrorIOPytorchTractNotISO):
        _export_with_check_io("gru_l1_bidi_tm_bias_h0_I5H7_B3T4", tmp_path)
