"""In / Out: named inputs, defaults (optional arguments), keyword calls, input updates, f[name]."""
import numpy as np
import pytest

import transpile
import transpile.tensor as T
from transpile import In, Out, function, shared


def test_defaults_names_keywords_and_updates(rng):
    x, y, s = T.vector("x"), T.scalar("y"), T.scalar("s")
    m = T.matrix("m")
    # one compiled function covers defaults, a renamed input, a keyword call and an update
    f = function([x, In(y, value=2.0), In(m, name="weights", value=np.eye(3)), In(s, value=0.0, update=s + 1.0)],
                 [Out(T.dot(m, x) * y + s, borrow=True), T.sum(x)])
    a = rng.standard_normal(3)
    w = rng.standard_normal((3, 3))
    out, total = f(a)
    np.testing.assert_allclose(out, a * 2.0 + 0.0)
    np.testing.assert_allclose(total, a.sum())
    out, _ = f(a, 3.0, w)  # s is now 1
    np.testing.assert_allclose(out, w @ a * 3.0 + 1.0)
    out, _ = f(x=a, weights=w)  # keywords, by name; y defaults; s is 2
    np.testing.assert_allclose(out, w @ a * 2.0 + 2.0)
    assert f["s"] == 3.0 and f[s] == 3.0 and f["y"] == 2.0
    f["s"] = 10
    f[y] = -1.0
    out, _ = f(a)
    np.testing.assert_allclose(out, a * -1.0 + 10.0)
    assert f["s"] == 11.0


def test_errors_of_in_and_keyword_calls():
    x, y = T.scalar("x"), T.scalar("y")
    f = function([x, In(y, value=1.0)], x + y)
    assert f(1.0) == 2.0 and f(1.0, y=5.0) == 6.0
    with pytest.raises(TypeError, match="missing 0 \\('x'\\)"):
        f(y=2.0)
    with pytest.raises(TypeError, match="multiple values for argument 'x'"):
        f(1.0, x=2.0)
    with pytest.raises(TypeError, match="unexpected keyword argument 'z'"):
        f(1.0, z=2.0)
    with pytest.raises(KeyError, match="has no default value"):
        f["x"]
    with pytest.raises(KeyError, match="has no input 'nope'"):
        f["nope"]
    with pytest.raises(ValueError, match="needs an initial value"):
        In(x, update=x + 1)
    with pytest.raises(TypeError, match="must be a symbolic variable"):
        In(3.0)
    with pytest.raises(TypeError, match="bad default value"):
        function([In(x, value="text")], x * 2)
    with pytest.raises(TypeError, match="use In"):
        function([Out(x)], x * 2)
    with pytest.raises(TypeError, match="update has type"):
        function([In(x, value=1.0, update=T.vector("v"))], x, on_unused_input="ignore")


def test_two_functions_from_one_in_keep_separate_state():
    s = T.scalar("s")
    state = In(s, value=0.0, update=s + 1.0)
    f, g = function([state], s * 1.0), function([state], s * 1.0)
    f(), f(), f()
    assert f["s"] == 3.0 and g["s"] == 0.0 and g() == 0.0


def test_in_and_shared_updates_together(rng):
    x, acc = T.vector("x"), T.vector("acc")
    w = shared(np.ones(3), "w")
    f = function([x, In(acc, value=np.zeros(3), update=acc + x)], T.dot(w, x), updates={w: w * 2})
    a = rng.standard_normal(3)
    np.testing.assert_allclose(f(a), a.sum())
    np.testing.assert_allclose(f(a), 2 * a.sum())
    np.testing.assert_allclose(f["acc"], 2 * a)
    np.testing.assert_allclose(w.get_value(), 4 * np.ones(3))


def test_in_out_are_reachable_from_the_package():
    assert transpile.In is transpile.compile.In and transpile.Out is transpile.compile.Out


def test_functions_with_input_updates_print_draw_and_refuse_export(tmp_path):
    x, s = T.scalar("x"), T.scalar("s")
    w = shared(1.0, "w")
    f = function([x, In(s, value=0.0, update=s + x)], x * w, updates={w: w + 1.0})
    assert f(2.0) == 2.0 and f(2.0) == 4.0 and f["s"] == 4.0 and w.get_value() == 3.0
    text = transpile.printing.debugprint(f, file="str")
    assert "w [id C] <- Elemwise{add,no_inplace} [id D]" in text.split("Updates:")[1]
    svg = transpile.printing.pydotprint(f)
    assert "update w" in svg and "update s" in svg
    with pytest.raises(TypeError, match="cannot be exported"):
        transpile.export(f, str(tmp_path / "out"), "model")
