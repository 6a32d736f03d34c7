"""Cross-checks of our .dat and model-container code against the Khronos `nnef`
package, torch_to_nnef exports and tract.

Run: ./ci/python -m pytest nnef/tests
with RNNCONF_BUILD_DIR set to a build folder holding nnef/dat_tool and
nnef/model_tool (the lead's test script sets it).
"""
import os
import subprocess
import tarfile
from pathlib import Path

import numpy as np
import pytest

BUILD_DIR = os.environ.get("RNNCONF_BUILD_DIR")
if not BUILD_DIR:
    pytest.skip("RNNCONF_BUILD_DIR is not set: it must name the CMake build folder "
                "holding nnef/dat_tool and nnef/model_tool", allow_module_level=True)

DAT_TOOL = Path(BUILD_DIR) / "nnef" / "dat_tool"
MODEL_TOOL = Path(BUILD_DIR) / "nnef" / "model_tool"
if not DAT_TOOL.exists() or not MODEL_TOOL.exists():
    pytest.skip(f"{DAT_TOOL} or {MODEL_TOOL} not built (ninja dat_tool model_tool)", allow_module_level=True)

nnef = pytest.importorskip("nnef")

SHAPES = [(), (0,), (5,), (2, 3), (1, 1, 4), (2, 0, 3), (1, 2, 1, 2, 1, 2, 1, 2)]


def sample(dtype, shape, seed=0):
    """Values that exercise a dtype: extremes, signed zeros, NaN payloads, subnormals."""
    rng = np.random.RandomState(seed)
    n = int(np.prod(shape, dtype=np.int64))
    dt = np.dtype(dtype)
    if dt == np.bool_:
        v = rng.randint(0, 2, n).astype(bool)
    elif dt.kind == "f":
        v = rng.randn(n).astype(dt)
        uint = {2: np.uint16, 4: np.uint32, 8: np.uint64}[dt.itemsize]
        specials = np.array([0.0, -0.0, np.inf, -np.inf, np.finfo(dt).tiny / 4, np.finfo(dt).max], dtype=dt)
        nan_payload = np.array([{2: 0x7E01, 4: 0x7FC12345, 8: 0x7FF0000000000ABC}[dt.itemsize]], dtype=uint).view(dt)
        specials = np.concatenate([specials, nan_payload])
        v[: min(n, len(specials))] = specials[: min(n, len(specials))]
    else:
        info = np.iinfo(dt)
        v = rng.randint(max(info.min, -1000), min(info.max, 1000), n).astype(dt)
        top = min(int(info.max), int(np.iinfo(np.int64).max))  # our i64 tensors hold no more
        ext = np.array([info.min, top, 0], dtype=dt)
        v[: min(n, 3)] = ext[: min(n, 3)]
    return v.reshape(shape)


def nnef_write(path, array, quantized=False):
    with open(path, "wb") as f:
        nnef.write_tensor(f, array, quantized=quantized)


def nnef_read(path):
    with open(path, "rb") as f:
        return nnef.read_tensor(f)


def ours_read(path):
    """Runs `dat_tool read` and returns (dtype name, shape, list of item strings)."""
    out = subprocess.run([DAT_TOOL, "read", path], capture_output=True, text=True, check=True).stdout.split("\n")
    dtype = out[0].split()[1]
    shape = tuple(int(d) for d in out[1].split()[1:])
    return dtype, shape, [s for s in out[2:] if s]


def ours_as_numpy(path):
    dtype, shape, items = ours_read(path)
    if dtype == "f32":
        arr = np.array([int(s, 16) for s in items], dtype=np.uint32).view(np.float32)
    elif dtype == "f64":
        arr = np.array([int(s, 16) for s in items], dtype=np.uint64).view(np.float64)
    elif dtype == "i64":
        arr = np.array([int(s) for s in items], dtype=np.int64)
    else:
        arr = np.array([s == "1" for s in items], dtype=bool)
    return arr.reshape(shape)


def bits_equal(a, b):
    """Same shape, dtype and bytes (NaN payloads and signed zeros included)."""
    return a.shape == b.shape and a.dtype == b.dtype and a.tobytes() == b.tobytes()


# ---- files written by us are read by nnef.read_tensor bit-exactly ----

@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "bool"])
def test_ours_default_encoding_read_by_nnef(tmp_path, dtype, shape):
    original = sample(dtype, shape)
    src, ours = tmp_path / "src.dat", tmp_path / "ours.dat"
    nnef_write(src, original)
    subprocess.run([DAT_TOOL, "copy", src, ours], check=True)
    back = nnef_read(ours)
    assert bits_equal(np.asarray(back), original), (back, original)


@pytest.mark.parametrize("dtype,encoding", [
    ("float16", "0:16"), ("int8", "4:8"), ("int16", "4:16"), ("int32", "4:32"),
    ("uint8", "1:8"), ("uint16", "1:16"), ("uint32", "1:32"), ("uint64", "1:64"),
])
def test_ours_explicit_encoding_read_by_nnef(tmp_path, dtype, encoding):
    original = sample(dtype, (3, 4))
    src, ours = tmp_path / "src.dat", tmp_path / "ours.dat"
    nnef_write(src, original)
    subprocess.run([DAT_TOOL, "copy", src, ours, encoding], check=True)
    assert bits_equal(np.asarray(nnef_read(ours)), original)


# ---- files written by nnef.write_tensor are read by us bit-exactly ----

@pytest.mark.parametrize("shape", [(), (0,), (7,), (2, 3, 2)], ids=str)
@pytest.mark.parametrize("dtype", ["float16", "float32", "float64", "int8", "int16", "int32", "int64",
                                   "uint8", "uint16", "uint32", "bool"])
def test_nnef_written_read_by_us(tmp_path, dtype, shape):
    original = sample(dtype, shape)
    path = tmp_path / "t.dat"
    nnef_write(path, original)
    ours = ours_as_numpy(path)
    if np.dtype(dtype).kind == "f":
        expected = original.astype(np.float64 if dtype == "float64" else np.float32)
        if dtype == "float16":  # NaN payloads: f16 -> f32 keeps the payload in the top mantissa bits
            nan = np.isnan(original)
            assert np.array_equal(np.isnan(ours), nan)
            widened = (original.view(np.uint16).astype(np.uint32) & 0x3FF) << 13
            assert np.array_equal(ours.view(np.uint32)[nan] & 0x7FFFFF, widened[nan])
            expected[nan] = ours[nan]
    elif dtype == "bool":
        expected = original
    else:
        expected = original.astype(np.int64)
    assert bits_equal(ours, expected)


@pytest.mark.parametrize("dtype", ["int8", "int32", "int64", "uint8", "uint16", "uint64"])
def test_nnef_quantized_codes_read_as_plain_ints(tmp_path, dtype):
    original = sample(dtype, (4, 3))
    path = tmp_path / "q.dat"
    nnef_write(path, original, quantized=True)
    assert bits_equal(ours_as_numpy(path), original.astype(np.int64))


def test_malformed_file_error_names_file_and_offset(tmp_path):
    path = tmp_path / "stray.dat"
    nnef_write(path, np.arange(6, dtype=np.float32).reshape(2, 3))
    with open(path, "ab") as f:
        f.write(b"\0\0\0\0")  # the stray bytes old exporters wrote
    r = subprocess.run([DAT_TOOL, "read", path], capture_output=True, text=True)
    assert r.returncode == 1
    assert f"{path}@152: 4 trailing bytes" in r.stderr


# ---- a real torch_to_nnef export ----

@pytest.fixture(scope="module")
def t2n_export(tmp_path_factory):
    torch = pytest.importorskip("torch")
    t2n = pytest.importorskip("torch_to_nnef")
    d = tmp_path_factory.mktemp("t2n")
    fake_tract = d / "fake_tract"
    fake_tract.write_text("#!/bin/sh\necho 'tract 0.23.9'\n")
    fake_tract.chmod(0o755)
    torch.manual_seed(0)
    model = torch.nn.LSTM(3, 4, batch_first=True)
    x = torch.randn(1, 5, 3)
    path = d / "m.nnef.tgz"
    t2n.export_model_to_nnef(
        model=model, args=(x,), file_path_export=path,
        inference_target=t2n.TractNNEF(version="0.23.9", check_io=False, dump_identity_properties=False,
                                       specific_tract_binary_path=fake_tract),
        input_names=["x"], output_names=["y"])
    return path, x.numpy()


def test_t2n_dat_members_read_like_nnef(t2n_export, tmp_path):
    path, _ = t2n_export
    count = 0
    with tarfile.open(path) as tar:
        for member in tar.getmembers():
            if not member.name.endswith(".dat"):
                continue
            data = tar.extractfile(member).read()
            file = tmp_path / member.name.replace("/", "_")
            file.write_bytes(data)
            expected = nnef_read(file)
            ours = ours_as_numpy(file)
            if expected.dtype.kind == "f" and expected.dtype != np.float64:
                expected = expected.astype(np.float32)
            elif expected.dtype.kind in "iu":
                expected = expected.astype(np.int64)
            assert bits_equal(ours, np.asarray(expected)), member.name
            count += 1
    assert count >= 8  # LSTM: per-gate weights, biases, initial states
    listing = subprocess.run([MODEL_TOOL, "list", path], capture_output=True, text=True, check=True).stdout
    assert f"graph {path}!graph.nnef" in listing
    assert len([line for line in listing.splitlines() if ".dat f32 [" in line]) == count


def tract_outputs(path, x):
    tract = pytest.importorskip("tract")
    runnable = tract.nnef().load(str(path)).into_runnable()
    return [o.to_numpy() for o in runnable.run([x])]


@pytest.mark.parametrize("name", ["re.nnef.tgz", "re.tar", "re_folder"])
def test_repacked_export_runs_identically_in_tract(t2n_export, tmp_path, name):
    path, x = t2n_export
    out = tmp_path / name
    subprocess.run([MODEL_TOOL, "repack", path, out], check=True)
    expected = tract_outputs(path, x)
    got = tract_outputs(out, x)
    assert len(got) == len(expected) >= 2
    for g, e in zip(got, expected):
        assert bits_equal(g, e)


def test_write_model_is_deterministic(t2n_export, tmp_path):
    path, _ = t2n_export
    for ext in ["nnef.tgz", "tar"]:
        a, b = tmp_path / f"a.{ext}", tmp_path / f"b.{ext}"
        subprocess.run([MODEL_TOOL, "repack", path, a], check=True)
        subprocess.run([MODEL_TOOL, "repack", path, b], check=True)
        assert a.read_bytes() == b.read_bytes(), ext
    with tarfile.open(tmp_path / "a.tar") as tar:
        members = tar.getmembers()
        names = [m.name for m in members]
        assert names == sorted(names) and "graph.nnef" in names
        for m in members:
            assert (m.mtime, m.uid, m.gid, m.uname, m.gname, m.mode, m.type) == (0, 0, 0, "", "", 0o644, tarfile.REGTYPE)
            assert not m.pax_headers


def test_tract_reads_our_default_encodings(tmp_path):
    """Variables of every dtype, written by our writer, come out of tract unchanged."""
    src = tmp_path / "src"
    (src / "sub").mkdir(parents=True)
    (src / "graph.nnef").write_text(
        "version 1.0;\n"
        "graph g( x ) -> ( y, b, i, d, f )\n{\n"
        "  x = external<scalar>(shape = [1]);\n  y = copy(x);\n"
        "  b = variable<logical>(shape = [10], label = 'sub/b');\n"
        "  i = variable<integer>(shape = [2, 2], label = 'i');\n"
        "  d = variable<scalar>(shape = [2], label = 'd');\n"
        "  f = variable<scalar>(shape = [], label = 'f');\n}\n")
    values = {"sub/b": sample("bool", (10,)), "i": sample("int64", (2, 2)),
              "d": np.array([0.1, -2.5]), "f": np.array(3.25, dtype=np.float32)}
    for label, v in values.items():
        nnef_write(src / f"{label}.dat", v)
    out = tmp_path / "ours.nnef.tgz"
    subprocess.run([MODEL_TOOL, "repack", src, out], check=True)
    got = tract_outputs(out, np.array([1.0], dtype=np.float32))
    for g, label in zip(got[1:], ["sub/b", "i", "d", "f"]):
        assert bits_equal(np.asarray(g), values[label]), label
