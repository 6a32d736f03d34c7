"""Regenerates the fuzz seed corpus in nnef/fuzz/corpus/ (committed; a few KB).

Usage: RNNCONF_BUILD_DIR=build/dev python nnef/fuzz/make_corpus.py
(needs the `nnef` package and the built nnef/model_tool).
"""
import io, os, subprocess, tarfile, tempfile, numpy as np, nnef, sys
B = os.path.abspath(os.path.join(os.environ["RNNCONF_BUILD_DIR"], "nnef"))
os.chdir(os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus"))
def w(path, arr, quantized=False):
    with open(path, "wb") as f: nnef.write_tensor(f, arr, quantized=quantized)
w("dat/f32_1x1x4.dat", np.array([[[1, -2, 0.5, np.nan]]], dtype=np.float32))
w("dat/f16_3.dat", np.array([1, 65504, -0.0], dtype=np.float16))
w("dat/f64_scalar.dat", np.array(0.1))
w("dat/i32_2x2.dat", np.array([[1, -2], [2**31 - 1, -2**31]], dtype=np.int32))
w("dat/q_i8_4.dat", np.array([-128, 0, 1, 127], dtype=np.int8), quantized=True)
w("dat/u64_2.dat", np.array([0, 2**63 - 1], dtype=np.uint64))
w("dat/bool1_9.dat", np.array([1, 0, 1, 1, 0, 0, 0, 1, 1], dtype=bool))
w("dat/f32_empty.dat", np.zeros((2, 0), dtype=np.float32))
# 8-bit bool as tract writes it
b = bytearray(open("dat/bool1_9.dat", "rb").read()[:128]); b[4:8] = (3).to_bytes(4, "little"); b[44:48] = (8).to_bytes(4, "little")
open("dat/bool8_3.dat", "wb").write(bytes(b) + bytes([0, 1, 2]))
# archives
src = tempfile.mkdtemp(); os.makedirs(src + "/sub")
open(src + "/graph.nnef", "w").write("version 1.0;\ngraph g( x ) -> ( y )\n{\n  x = external(shape = [1]);\n  w = variable(shape = [2], label = 'sub/w');\n  y = add(x, w);\n}\n")
w(src + "/sub/w.dat", np.array([1.5, -2], dtype=np.float32)); w(src + "/l.l0_b.dat", np.array([True, False]))
if os.path.exists("archive/ours.nnef.tgz"): os.remove("archive/ours.nnef.tgz")
subprocess.run([B + "/model_tool", "repack", src, "archive/ours.nnef.tgz"], check=True)
def small_tar(entries, gz):
    bio = io.BytesIO()
    with tarfile.open(fileobj=bio, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name, data, kind in entries:
            ti = tarfile.TarInfo(name); ti.type = kind
            if kind == tarfile.SYMTYPE: ti.linkname = "../etc/passwd"
            ti.size = len(data) if kind == tarfile.REGTYPE else 0
            t.addfile(ti, io.BytesIO(data) if kind == tarfile.REGTYPE else None)
    raw = bio.getvalue().rstrip(b"\0")
    raw += b"\0" * ((-len(raw)) % 512) + b"\0" * 1024
    if gz:
        import gzip; raw = gzip.compress(raw, mtime=0)
    return raw
g = open(src + "/graph.nnef", "rb").read(); wd = open(src + "/sub/w.dat", "rb").read()
open("archive/dotslash.tar", "wb").write(small_tar([("./", b"", tarfile.DIRTYPE), ("./graph.nnef", g, tarfile.REGTYPE), ("./._graph.nnef", b"x", tarfile.REGTYPE), ("./sub/w.dat", wd, tarfile.REGTYPE)], False))
open("archive/slip.tgz", "wb").write(small_tar([("graph.nnef", g, tarfile.REGTYPE), ("../sub/w.dat", wd, tarfile.REGTYPE)], True))
open("archive/symlink.tar", "wb").write(small_tar([("graph.nnef", g, tarfile.REGTYPE), ("w.dat", b"", tarfile.SYMTYPE)], False))
