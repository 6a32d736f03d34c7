"""pytest support shared by every folder's Python tests: locating the C++
tools of the CMake build named by RNNCONF_BUILD_DIR (ci/test.sh sets it)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest


def _built_tool(relative: str) -> Path:
    """The built program at RNNCONF_BUILD_DIR/<relative>: skips the test when
    no build is named, fails it when the named build lacks the program."""
    build_dir = os.environ.get("RNNCONF_BUILD_DIR")
    if not build_dir:
        pytest.skip(f"RNNCONF_BUILD_DIR is not set: point it at the CMake build directory holding {relative}")
    tool = Path(build_dir) / relative
    if not tool.exists():
        pytest.fail(f"{tool} not found: build the {tool.name} target first")
    return tool


@pytest.fixture(scope="session")
def built_tool():
    """Fixture: a function mapping a path inside the build (e.g. "tools/rnnconf")
    to the built program (see _built_tool). A fixture, not an import: several
    test folders have a conftest module of their own."""
    return _built_tool
