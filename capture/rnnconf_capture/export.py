"""Optional torch_to_nnef export of the captured module, with the goldens' settings.

TractNNEF(version=TRACT_VERSION, check_io=False, dump_identity_properties=False),
gzip level 9, export_date/export_cmd overwritten with fixed strings
(FIXED_PROPERTIES), as goldens/generate.py's export_module. With check_io=False
torch_to_nnef runs its tract binary only for `tract --version` (and downloads one
when none is given, which fails offline), so a stand-in script that answers that
question and refuses anything else is passed as specific_tract_binary_path.
Fragment order in graph.nnef depends on PYTHONHASHSEED (the CLI re-runs itself
under PYTHONHASHSEED=0 when --export is given). A failure is returned, not raised.
"""
from __future__ import annotations

import stat
import sys
import tempfile
import warnings
from pathlib import Path

TRACT_VERSION = "0.23.9"
FIXED_PROPERTIES = {"export_date": "fixed-by-rnnconf-capture", "export_cmd": "rnnconf-capture"}
SETTINGS = {"target": "TractNNEF", "version": TRACT_VERSION, "check_io": False,
            "dump_identity_properties": False, "compression_level": 9,
            "specific_properties": FIXED_PROPERTIES}

_STAND_IN = """#!{python}
# a `tract` that only answers --version (torch_to_nnef with check_io=False asks nothing else)
import sys
if sys.argv[1:] == ["--version"]:
    print("tract {version}")
    sys.exit(0)
print("ERROR: rnnconf-capture's tract stand-in answers --version only", file=sys.stderr)
sys.exit(2)
"""


def _write_stand_in(folder: Path) -> Path:
    path = folder / "tract"
    path.write_text(_STAND_IN.format(python=sys.executable, version=TRACT_VERSION))
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


def error_text(exc: BaseException, case_dir: Path | None = None) -> str:
    """The exception verbatim (type and message), the case folder written <case_dir>."""
    text = f"{type(exc).__name__}: {exc}"
    return text.replace(str(case_dir), "<case_dir>") if case_dir is not None else text


def export(module, args: tuple, input_names: list[str], output_names: list[str], path: Path) -> dict:
    """Export to `path` (.nnef.tgz); returns {"status": "ok"|"fail", "error", "settings"}."""
    import torch
    result = {"status": "ok", "error": None, "settings": SETTINGS}
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        from torch_to_nnef import export_model_to_nnef
        from torch_to_nnef.inference_target import TractNNEF
        with tempfile.TemporaryDirectory(prefix="rnnconf-capture-tract-") as tmp:
            target = TractNNEF(version=TRACT_VERSION, check_io=False, dump_identity_properties=False,
                               specific_tract_binary_path=_write_stand_in(Path(tmp)),
                               specific_properties=dict(FIXED_PROPERTIES))
            with torch.no_grad(), warnings.catch_warnings():
                warnings.simplefilter("ignore")
                export_model_to_nnef(model=module, args=args, file_path_export=path,
                                     inference_target=target, compression_level=9,
                                     input_names=input_names, output_names=output_names)
        if not path.is_file():
            raise RuntimeError(f"torch_to_nnef returned without writing {path}")
    except Exception as exc:  # the exporter's failure is a result of the capture
        result.update(status="fail", error=error_text(exc, path.parent.parent))
        if path.exists():
            path.unlink()
    return result
