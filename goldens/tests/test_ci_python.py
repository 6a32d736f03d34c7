"""ci/python: the stable way the READMEs reach the project's Python (the venv
ci/setup.sh makes under a requirements-hash name)."""
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WRAPPER = ROOT / "ci" / "python"


def _run(*args, cwd=ROOT):
    return subprocess.run([str(WRAPPER), *args], capture_output=True, text=True, cwd=cwd, timeout=600)


def test_print_path_names_the_venv_of_ci_lib_sh(tmp_path):
    want = subprocess.run(["bash", "-c", f'source "{ROOT}/ci/lib.sh"; printf %s "$RNNCONF_PYTHON"'],
                          capture_output=True, text=True, check=True).stdout
    r = _run("--print-path", cwd=tmp_path)  # from any folder
    assert r.returncode == 0, r.stderr
    assert r.stdout == want + "\n"
    assert Path(want).is_file()


def test_runs_the_pinned_torch():
    r = _run("-c", "import sys, torch; print(sys.executable); print(torch.__version__.split('+')[0])")
    assert r.returncode == 0, r.stderr
    exe, version = r.stdout.split()
    assert exe == _run("--print-path").stdout.strip()
    assert version == (ROOT / "ci" / "requirements.txt").read_text().split("torch==")[1].split()[0]
