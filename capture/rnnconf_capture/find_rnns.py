"""Find the RNN submodules of a model by type (nn.LSTM/GRU/RNN and their cells)."""
from __future__ import annotations

from dataclasses import dataclass

from torch import nn

from .errors import CaptureError
from .rnn_spec import RNN_TYPES, module_fields

ROOT_FOLDER = "__root__"   # folder name of the model itself when it is an RNN


@dataclass
class RnnModule:
    path: str          # the named_modules path ("" for the model itself)
    module: nn.Module
    fields: dict       # rnn_spec.module_fields

    @property
    def folder(self) -> str:
        """Folder name under rnn/: the module path with its dots."""
        return self.path or ROOT_FOLDER


def find_rnns(model: nn.Module) -> list[RnnModule]:
    """Every RNN submodule in named_modules order (a module registered under several
    paths is found once, under its first path)."""
    found = [RnnModule(path, m, module_fields(m))
             for path, m in model.named_modules() if isinstance(m, RNN_TYPES)]
    if any(r.path == ROOT_FOLDER for r in found):
        raise CaptureError(f"a submodule is named {ROOT_FOLDER!r}, the folder name reserved for the model itself")
    return found
