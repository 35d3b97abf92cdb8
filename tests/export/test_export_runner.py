"""The runner of exported projects: same numbers as the source function (state advancing too),
golden vectors through ctest, and clear failures (a message, a non-zero status, never a signal)
on bad files and arguments. Runs with no Python in the environment."""
import subprocess

import numpy as np
import pytest

from tests.export.export_helpers import as_list, assert_same, bench_inputs, run_runner, save_inputs

pytestmark = [pytest.mark.single_mode, pytest.mark.slow]

EXAMPLES = ["logreg_step", "mlp_classifier", "fused_kernel"]


@pytest.mark.parametrize("name", EXAMPLES)
def test_runner_matches_function(built_examples, fresh_example, name, tmp_path):
    _, project = built_examples[name]
    example = fresh_example(name)
    f = example.function
    inputs = bench_inputs(example)
    names = [v.name for v in f.maker.inputs]
    out = run_runner(project, ["--output-dir", tmp_path / "out", "--save-shared",
                               *save_inputs(tmp_path, names, inputs)])
    assert out.returncode == 0, out.stderr
    want = as_list(f(*inputs))
    module = project.load()
    for k, output_name in enumerate(module.output_names):
        assert_same(np.load(tmp_path / "out" / f"{output_name}.npy"), want[k], f"{name} output {output_name}")
    for s in f.maker.shared_inputs:  # after one step
        assert_same(np.load(tmp_path / "out" / f"{s.name}.npy"), s.get_value(), f"{name} shared {s.name}")


def test_runner_state_advances_over_training_steps(built_examples, fresh_example, tmp_path):
    _, project = built_examples["logreg_step"]
    example = fresh_example("logreg_step")
    X, y = bench_inputs(example)
    args = save_inputs(tmp_path, ["X", "y"], [X, y])
    out = run_runner(project, ["--output-dir", tmp_path / "out", "--save-shared", "--repeat", 4, "--time", *args])
    assert out.returncode == 0, out.stderr
    assert '"calls": 4' in out.stdout and '"median_s"' in out.stdout
    for _ in range(4):
        cost, error = example.function(X, y)
    assert_same(np.load(tmp_path / "out" / "cost.npy"), cost, "cost after 4 steps")
    assert_same(np.load(tmp_path / "out" / "w.npy"), example.function.maker.shared_inputs[0].get_value(), "w")
    # --set-shared: start from the saved state, one more step
    saved = tmp_path / "out"
    out2 = run_runner(project, ["--output-dir", tmp_path / "out2", "--save-shared", "--set-shared",
                                f"w={saved / 'w.npy'}", "--set-shared", f"b={saved / 'b.npy'}", *args])
    assert out2.returncode == 0, out2.stderr
    cost, _ = example.function(X, y)
    assert_same(np.load(tmp_path / "out2" / "cost.npy"), cost, "cost of step 5")


@pytest.mark.parametrize("name", EXAMPLES)
def test_ctest_golden_vectors(built_examples, name):
    _, project = built_examples[name]
    out = _ctest(project)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "100% tests passed" in out.stdout


def _ctest(project):
    from transpile.compile.cache import cmake_program
    ctest = cmake_program()[: -len("cmake")] + "ctest"
    return subprocess.run([ctest, "--test-dir", str(project.build_dir), "--output-on-failure"], capture_output=True,
                          text=True, timeout=120)


def test_expect_reports_mismatches(built_examples, tmp_path):
    _, project = built_examples["fused_kernel"]
    golden = project.path / "tests"
    wrong = tmp_path / "expected"
    wrong.mkdir()
    np.save(wrong / "y.npy", np.load(golden / "expected" / "y.npy") + 1e-3)
    out = run_runner(project, ["--output-dir", tmp_path / "out", "--expect", wrong, f"x={golden / 'inputs' / 'x.npy'}"])
    assert out.returncode == 1 and "mismatch" in out.stderr and "elements differ" in out.stderr
    loose = run_runner(project, ["--output-dir", tmp_path / "out", "--expect", wrong, "--atol", "0.01",
                                 f"x={golden / 'inputs' / 'x.npy'}"])
    assert loose.returncode == 0, loose.stderr


def test_written_npy_is_what_numpy_writes(built_examples, tmp_path):
    _, project = built_examples["mlp_classifier"]
    x = project.path / "tests" / "inputs" / "x.npy"
    out = run_runner(project, ["--output-dir", tmp_path, f"x={x}"])
    assert out.returncode == 0, out.stderr
    for name in ("probabilities", "prediction"):
        written = (tmp_path / f"{name}.npy").read_bytes()
        np.save(tmp_path / "again.npy", np.load(tmp_path / f"{name}.npy"))
        assert written == (tmp_path / "again.npy").read_bytes()


def _corrupt_files(directory, good):
    """name -> (path, expected message fragment) of broken or unsuitable .npy files."""
    raw = good.read_bytes()
    header_end = raw.index(b"\n") + 1
    cases = {
        "missing": (directory / "missing.npy", "cannot open"),
        "empty": (b"", "not a .npy file"),
        "text": (b"hello, world\n", "not a .npy file"),
        "truncated": (raw[:-5], "truncated file"),
        "trailing": (raw + b"\0\0\0\0\0\0\0\0", "trailing bytes"),
        "version3": (raw[:6] + b"\x03\x00" + raw[8:], "unsupported .npy format version 3.0"),
        "bad_header": (raw[:10] + raw[10:header_end].replace(b"'shape'", b"'shope'"), "malformed header"),
        "huge_shape": (raw[:10] + raw[10:header_end].replace(b"(67,)", b"(99999999999999999999,)"),
                       "malformed header"),
    }
    fortran = directory / "fortran_src.npy"
    np.save(fortran, np.asfortranarray(np.ones((3, 4))))
    files = {}
    for name, (content, message) in cases.items():
        if isinstance(content, bytes):
            path = directory / f"{name}.npy"
            path.write_bytes(content)
        else:
            path = content
        files[name] = (path, message)
    big = directory / "big_endian.npy"
    np.save(big, np.linspace(0, 1, 67).astype(">f8"))
    files["big_endian"] = (big, "big-endian")
    files["fortran"] = (fortran, "Fortran-order")
    return files


def test_runner_rejects_bad_files(built_examples, tmp_path):
    _, project = built_examples["fused_kernel"]
    good = tmp_path / "good.npy"
    np.save(good, np.linspace(-1, 1, 67))
    for case, (path, message) in _corrupt_files(tmp_path, good).items():
        out = run_runner(project, ["--output-dir", tmp_path / "out", f"x={path}"])
        assert out.returncode == 2, (case, out.returncode, out.stderr)
        assert message in out.stderr, (case, out.stderr)
    assert run_runner(project, ["--output-dir", tmp_path / "out", f"x={good}"]).returncode == 0


def test_runner_rejects_wrong_dtype_rank_and_shape(built_examples, tmp_path):
    _, project = built_examples["logreg_step"]
    X = np.ones((4, 20))
    cases = [
        ([X.astype("float32"), np.ones(4)], 2, "holds float32 data, expected float64"),
        ([np.ones(20), np.ones(4)], 2, "expected 2 dims"),
        ([np.ones((4, 7)), np.ones(4)], 3, "not aligned"),      # the library's shape check
        ([X, np.ones(5)], 3, "mis-match"),
    ]
    for k, (values, status, message) in enumerate(cases):
        args = save_inputs(tmp_path, [f"X{k}", f"y{k}"], values)
        args = [a.replace(f"X{k}=", "X=").replace(f"y{k}=", "y=") for a in args]
        out = run_runner(project, ["--output-dir", tmp_path / "out", *args])
        assert out.returncode == status, (k, out.returncode, out.stderr)
        assert message in out.stderr, (k, out.stderr)


@pytest.mark.parametrize("args, message", [
    ([], "--output-dir DIR is required"),
    (["--output-dir"], "--output-dir expects a value"),
    (["--output-dir", "OUT", "--bogus"], "unknown option '--bogus'"),
    (["--output-dir", "OUT", "--repeat", "0", "X=a.npy", "y=b.npy"], "--repeat expects a positive integer"),
    (["--output-dir", "OUT", "--repeat", "x"], "--repeat expects a positive integer"),
    (["--output-dir", "OUT", "--rtol", "-1"], "--rtol expects a non-negative number"),
    (["--output-dir", "OUT", "X"], "must look like NAME=FILE.npy"),
    (["--output-dir", "OUT", "Z=a.npy"], "unknown input 'Z'; the inputs are: X, y"),
    (["--output-dir", "OUT", "X=GOOD"], "missing input(s): y"),
    (["--output-dir", "OUT", "X=GOOD", "X=GOOD"], "input 'X' is given twice"),
    (["--output-dir", "OUT", "--set-shared", "v=GOOD", "X=GOOD", "y=GOODY"], "unknown shared variable 'v'"),
    (["--output-dir", "OUT", "--set-shared", "b=GOOD", "X=GOOD", "y=GOODY"], "expected 0 dims"),
])
def test_runner_rejects_bad_arguments(built_examples, tmp_path, args, message):
    _, project = built_examples["logreg_step"]
    np.save(tmp_path / "good.npy", np.ones((3, 20)))
    np.save(tmp_path / "goody.npy", np.ones(3))
    args = [a.replace("OUT", str(tmp_path / "out")).replace("GOODY", str(tmp_path / "goody.npy"))
            .replace("GOOD", str(tmp_path / "good.npy")) for a in args]
    out = run_runner(project, args)
    assert out.returncode == 2, (out.returncode, out.stderr)
    assert message in out.stderr, out.stderr
    assert "--help" in out.stderr


def test_runner_help_and_list(built_examples):
    _, project = built_examples["mlp_classifier"]
    help_ = run_runner(project, ["--help"])
    assert help_.returncode == 0 and "usage: mlp_classifier_run --output-dir DIR" in help_.stdout
    listing = run_runner(project, ["--list"])
    assert listing.returncode == 0
    assert "input  x: float32, 2-d" in listing.stdout and "shared W1: float32, 2-d" in listing.stdout
    assert "output prediction: int64, 1-d" in listing.stdout
