"""The C ABI of a compiled graph, used from C with no Python: introspection, library-allocated
and caller-provided outputs, status codes and messages, and only the ABI exported."""
import subprocess

import numpy as np
import pytest

import transpile
import transpile.tensor as T
from transpile.emit.render import ABI_VERSION

pytestmark = pytest.mark.single_mode

#: symbols GNU gold defines and exports in every shared library it links
LINKER_SYMBOLS = {"_end", "_edata", "__bss_start"}

PROGRAM = r"""
#include <stdio.h>
#include <string.h>
#include "NAME.h"

int main(void) {
    NAME_state* s = NULL;
    if (NAME_create(&s) != TRANSPILE_OK) return 10;
    printf("abi %d inputs %d outputs %d\n", NAME_abi_version(), NAME_num_inputs(), NAME_num_outputs());
    printf("input0 %s dtype %d ndim %d bcast %llu\n", NAME_input_name(0), NAME_input_dtype(0), NAME_input_ndim(0),
           (unsigned long long)NAME_input_broadcastable(1));
    double x[6] = {1, 2, 3, 4, 5, 6}, y[3] = {10, 20, 30};
    transpile_tensor in[2];
    memset(in, 0, sizeof(in));
    in[0].data = x; in[0].dtype = TRANSPILE_FLOAT64; in[0].ndim = 2; in[0].shape[0] = 2; in[0].shape[1] = 3;
    transpile_set_contiguous(&in[0]);
    in[1].data = y; in[1].dtype = TRANSPILE_FLOAT64; in[1].ndim = 2; in[1].shape[0] = 1; in[1].shape[1] = 3;
    transpile_set_contiguous(&in[1]);
    transpile_tensor out[2];
    memset(out, 0, sizeof(out));
    double mine[2];
    out[1].data = mine; out[1].dtype = TRANSPILE_FLOAT64; out[1].ndim = 1; out[1].shape[0] = 2;
    transpile_set_contiguous(&out[1]);
    if (NAME_run(s, in, 2, out, 2) != TRANSPILE_OK) { printf("error %s\n", NAME_last_error(s)); return 11; }
    const double* z = (const double*)out[0].data;
    printf("z %g %g %g %g %g %g shape %lld %lld\n", z[0], z[1], z[2], z[3], z[4], z[5],
           (long long)out[0].shape[0], (long long)out[0].shape[1]);
    printf("sums %g %g\n", mine[0], mine[1]);
    NAME_free(out[0].data);
    in[1].shape[1] = 2;  /* a shape error: a status and a message, never an abort */
    out[0].data = NULL;
    int status = NAME_run(s, in, 2, out, 2);
    printf("status %d data %s\n%s\n", status, out[0].data == NULL ? "NULL" : "set", NAME_last_error(s));
    printf("wrong count %d\n", NAME_run(s, in, 1, out, 2));
    NAME_destroy(s);
    return 0;
}
"""


def test_the_c_abi_from_c(tmp_path):
    x, y = T.matrix("x"), T.row("y")
    z = x * y + 1
    f = transpile.function([x, y], [z, z.sum(axis=1)], mode="NATIVE")
    entry = f.executor.entry
    name = entry.artifact.name[3:-3]  # libNAME.so
    source = tmp_path / "main.c"
    source.write_text(PROGRAM.replace("NAME", name))
    exe = tmp_path / "main"
    subprocess.run(["cc", "-std=c99", "-Wall", "-Werror", "-o", str(exe), str(source), f"-I{entry.project / 'include'}",
                    str(entry.artifact), f"-Wl,-rpath,{entry.artifact.parent}"], check=True)
    out = subprocess.run([str(exe)], capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stdout + out.stderr
    lines = out.stdout.splitlines()
    assert lines[0] == f"abi {ABI_VERSION} inputs 2 outputs 2"
    assert lines[1] == "input0 x dtype 11 ndim 2 bcast 1"
    assert lines[2] == "z 11 41 91 41 101 181 shape 2 3"
    assert lines[3] == "sums 143 323"
    assert lines[4] == "status 4 data NULL"  # TRANSPILE_ERR_SHAPE, the library's output freed
    assert "Input dimension mis-match" in lines[5] and "Apply node that caused the error" in out.stdout
    assert lines[-1] == "wrong count 1"
    exported = subprocess.run(["nm", "-D", "--defined-only", str(entry.artifact)], capture_output=True, text=True).stdout
    # GNU gold (in-process builds link with it where it exists) exports its own three symbols;
    # an exported project's library keeps the default linker (tests/export/test_export_embed.py)
    symbols = {line.split()[-1] for line in exported.splitlines() if line.strip()} - LINKER_SYMBOLS
    assert symbols and all(s.startswith(name + "_") for s in symbols), sorted(symbols)
    assert np.allclose(f(np.arange(1.0, 7.0).reshape(2, 3), np.array([[10.0, 20.0, 30.0]]))[1], [143, 323])
