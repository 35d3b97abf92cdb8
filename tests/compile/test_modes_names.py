"""Mode names as Theano spelled them, Theano linker and optimizer names, get_default_mode."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from transpile import config, function
from transpile.compile import DebugMode, Mode, get_default_mode, get_mode
from transpile.compile.mode import LINKER_ALIASES

pytestmark = pytest.mark.single_mode


def test_theano_mode_names():
    assert isinstance(get_mode("DebugMode"), DebugMode) and isinstance(get_mode("DEBUG_MODE"), DebugMode)
    assert get_mode("FAST_RUN").linker == "native" and get_mode("FAST_COMPILE").linker == "py"
    with config.change_flags(mode="FAST_COMPILE"):
        assert get_default_mode() is get_mode("FAST_COMPILE")
    with config.change_flags(mode="Mode", linker="py", optimizer="fast_compile"):
        m = get_default_mode()
        assert (m.linker, m.optimizer) == ("py", "fast_compile")
    with pytest.raises(ValueError, match="unknown mode 'FAST_WALK'"):
        get_mode("FAST_WALK")


def test_linker_and_optimizer_names(rng):
    x = T.vector("x")
    a = rng.standard_normal(4)
    assert {LINKER_ALIASES[k] for k in ("c", "c|py", "cvm", "vm", "cvm_nogc", "vm_nogc", "c|py_nogc")} == {"native"}
    combinations = [("py", o) for o in ("fast_run", "fast_compile", "merge", None)]
    combinations += [("c|py", "fast_run"), ("cvm", None)]  # native builds: few
    for linker, optimizer in combinations:
        m = Mode(linker=linker, optimizer=optimizer)
        assert m.linker == LINKER_ALIASES[linker] and m.optimizer == optimizer
        np.testing.assert_allclose(function([x], T.exp(x) * 2 + 1, mode=m)(a), np.exp(a) * 2 + 1)
    with config.change_flags(linker="py", optimizer="merge"):
        m = Mode(linker=None, optimizer="default")
        assert (m.linker, m.optimizer) == ("py", "merge")
    with pytest.raises(ValueError, match="unknown optimizer 'o9'"):
        Mode(optimizer="o9")
    with pytest.raises(ValueError, match="unknown linker 'gpu'"):
        function([x], x * 2, mode=Mode(linker="gpu"))
    assert transpile.compile.get_default_mode is get_default_mode
