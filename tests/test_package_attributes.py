"""`import transpile` alone makes the subpackages reachable as attributes, as `import theano` did."""
import subprocess
import sys

import pytest

pytestmark = pytest.mark.single_mode


def test_subpackages_are_attributes_after_a_plain_import():
    code = ("import transpile\n"
            "x = transpile.tensor.vector('x')\n"
            "f = transpile.function([x], x * 2, mode='FAST_COMPILE')\n"
            "print(transpile.printing.debugprint(f, file='str').splitlines()[0])\n"
            "print(transpile.compile.get_default_mode(), transpile.gradient.Lop.__name__,\n"
            "      transpile.sparse.csr_matrix.__name__, transpile.In.__name__, transpile.as_op.__name__)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.splitlines()
    assert out[0].startswith("Elemwise{mul,no_inplace}")
    assert out[1].split() == ["FAST_RUN", "Lop", "csr_matrix", "In", "as_op"]
