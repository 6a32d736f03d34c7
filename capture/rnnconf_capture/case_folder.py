"""Writing a case folder: .dat tensors (nnef.write_tensor), JSON, and the folder's
replacement (written as DIR.partial, renamed to DIR when complete)."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np

from .errors import CaptureError


def write_dat(path: Path, tensor) -> None:
    """One NNEF .dat file (dtype and shape as the tensor's)."""
    import nnef
    path.parent.mkdir(parents=True, exist_ok=True)
    arr = np.ascontiguousarray(tensor.detach().cpu().numpy() if hasattr(tensor, "detach") else tensor)
    with open(path, "wb") as fh:
        nnef.write_tensor(fh, arr)


def write_json(path: Path, obj) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(obj, indent=1, sort_keys=True) + "\n")


def tensor_info(name: str, t) -> dict:
    return {"name": name, "dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape)}


def partial_dir(out_dir: Path) -> Path:
    """A fresh DIR.partial next to DIR, where the capture is written."""
    tmp = out_dir.with_name(out_dir.name + ".partial")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    return tmp


def _is_capture(folder: Path) -> bool:
    try:
        return "capture_version" in json.loads((folder / "meta.json").read_text())
    except (OSError, ValueError):
        return False


def check_replaceable(out_dir: Path) -> None:
    """DIR may be absent, empty, or an earlier capture; anything else is refused."""
    if out_dir.exists() and (not out_dir.is_dir() or (any(out_dir.iterdir()) and not _is_capture(out_dir))):
        raise CaptureError(f"{out_dir} exists and is not an earlier capture (no meta.json with "
                           "capture_version): refusing to replace it")


def commit(tmp: Path, out_dir: Path) -> Path:
    """Replace DIR by the completed DIR.partial."""
    if out_dir.exists():
        shutil.rmtree(out_dir)
    tmp.rename(out_dir)
    return out_dir
