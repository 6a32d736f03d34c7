# ci/lib.sh: shared definitions for the ci/ scripts (sourced, never run).
# Owns: where the venv lives, the Debian package list, the build presets' dirs.

RNNCONF_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# Debian packages the build and tests need (checked with dpkg, installed with apt-get).
RNNCONF_APT_PACKAGES=(
  cmake ninja-build g++ clang libclang-rt-14-dev pkg-config
  libopenblas-dev libarchive-dev nlohmann-json3-dev libfmt-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev python3-venv
)

# The venv is keyed by the requirements file's hash and kept outside the
# checkout, so a second run (or a fresh clone on the same machine) reuses it.
rnnconf_req_hash() { sha256sum "$RNNCONF_ROOT/ci/requirements.txt" | cut -c1-12; }
RNNCONF_VENV="${RNNCONF_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/rnnconf/venv-$(rnnconf_req_hash)}"
RNNCONF_PYTHON="$RNNCONF_VENV/bin/python"

rnnconf_log() { printf '[rnnconf %s] %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

# The checkout's capture/ tool is installed editable into the shared venv
# (ci/setup.sh, step 3); the stamp names the checkout it points at, so a venv
# last set up from another checkout is re-pointed (ci/python checks it).
RNNCONF_CAPTURE_STAMP="$RNNCONF_VENV/.rnnconf-capture"
rnnconf_capture_want() { echo "$RNNCONF_ROOT/capture $(sha256sum "$RNNCONF_ROOT/capture/pyproject.toml" | cut -c1-12)"; }
