"""Helpers of the export tests: run a built runner, compare with the source function."""
import subprocess

import numpy as np

TOL = {"float32": dict(rtol=1e-5, atol=1e-6), "float64": dict(rtol=1e-10, atol=1e-12),
       "complex64": dict(rtol=1e-5, atol=1e-6), "complex128": dict(rtol=1e-10, atol=1e-12)}
NO_PYTHON_ENV = {"PATH": "/usr/bin:/bin"}


def assert_same(got, want, what=""):
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype, f"{what}: dtype {got.dtype} != {want.dtype}"
    assert got.shape == want.shape, f"{what}: shape {got.shape} != {want.shape}"
    if want.dtype.kind in "fc":
        np.testing.assert_allclose(got, want, err_msg=what, **TOL[want.dtype.name])
    else:
        np.testing.assert_array_equal(got, want, err_msg=what)


def as_list(result):
    return result if isinstance(result, list) else [result]


def run_runner(project, args, env=NO_PYTHON_ENV):
    """Run the project's runner with no Python in its environment."""
    return subprocess.run([str(project.runner), *map(str, args)], capture_output=True, text=True, env=env, timeout=120)


def save_inputs(directory, names, values):
    """Write each input as directory/NAME.npy; the runner arguments."""
    args = []
    for name, value in zip(names, values):
        path = directory / f"{name}.npy"
        np.save(path, value)
        args.append(f"{name}={path}")
    return args


def bench_inputs(example, seed=5):
    """New inputs like the example's (other values, other batch size)."""
    rng = np.random.default_rng(seed)
    values = []
    for v in example.example_inputs:
        shape = (v.shape[0] + 3,) + v.shape[1:]
        if v.dtype.kind == "f" and set(np.unique(v)) <= {0.0, 1.0}:
            values.append((rng.random(shape) > 0.5).astype(v.dtype))
        else:
            values.append(rng.normal(size=shape).astype(v.dtype))
    return values
