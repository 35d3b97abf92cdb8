"""transpile with device=cuda against PyTorch on CUDA: the workloads of issue 10, on a machine with
an NVIDIA GPU.

    python benchmarks/gpu.py [--out FILE] [--runs N] [--only NAME ...] [--compile-only]

Workloads (float32): `fused` (an elementwise chain over 1e8 elements), `softmax` (rows of a
16384x4096 matrix), `mlp` (a 784-500-10 SGD step, batch 1024, parameters in shared variables),
`sgemm` (8192^3) and `overhead` (a 1-element graph). Each is timed two ways:

- `call`: numpy in, numpy out, as a user calls both: transpile's compiled function, and torch
  with `torch.from_numpy(...).cuda()` ... `.cpu().numpy()`. Both pay the copies of the explicit
  inputs and outputs; transpile's shared variables (the MLP's parameters) stay on the GPU
  between calls, as torch's parameters would;
- `device`: data already on the GPU, the bound the issue's targets refer to: torch on GPU
  tensors; transpile with shared variables as inputs (uploaded once) and its result written into
  a shared variable (kept on the GPU), so a call moves nothing between host and GPU.

For `fused` the bytes moved per second are also given, against the device-to-device copy
bandwidth torch measures (`clone()`), the practical peak of the GPU's memory. `--compile-only`
builds every function first (the compile cache keeps them; no GPU work), e.g. beside the tests.
Results are printed and written as JSON (default benchmarks/results/gpu.json). Every result is
first checked against numpy.
"""
import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

import transpile  # noqa: E402
import transpile.tensor as T  # noqa: E402


#: what every transpile function here is compiled with
FLAGS = dict(device="cuda", floatX="float32")


def median_time(fn, runs, sync=lambda: None):
    fn()
    sync()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        sync()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def workloads(rng, small=False):
    """name -> (expression maker over input variables, input values, numpy reference, torch
    function). `small`: tiny values of the same dtypes and ranks (the same compiled graphs)."""
    def np_softmax(v):
        e = np.exp(v - v.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    big = rng.standard_normal(10 if small else 10**8).astype("float32")
    rows = rng.standard_normal((3, 5) if small else (16384, 4096)).astype("float32")
    a, b = (rng.standard_normal((4, 4) if small else (8192, 8192)).astype("float32") for _ in range(2))
    return {
        "fused": (lambda x: T.exp(x) * 2 + T.sin(x) * x, [big], lambda v: np.exp(v) * 2 + np.sin(v) * v,
                  lambda torch, t: torch.exp(t) * 2 + torch.sin(t) * t),
        "softmax": (T.nnet.softmax, [rows], np_softmax, lambda torch, t: torch.softmax(t, dim=1)),
        "sgemm": (T.dot, [a, b], lambda p, q: p @ q, lambda torch, p, q: p @ q),
        "overhead": (lambda s: s + 1, [np.ones(1, "float32")], lambda v: v + 1, lambda torch, t: t + 1),
    }


def symbolic_like(value, name):
    return T.tensor(dtype=str(value.dtype), shape=(None,) * value.ndim, name=name)


def transpile_call_and_device(make, values):
    """Two compiled functions of one expression: `call` takes numpy inputs and returns numpy (the
    copies to and from the GPU included); `device` reads shared variables and writes its result
    into one (no copy: what torch's timing on GPU tensors measures). -> (call, device, result)."""
    ins = [symbolic_like(v, f"x{k}") for k, v in enumerate(values)]
    with transpile.config.change_flags(**FLAGS):
        call = transpile.function(ins, make(*ins), mode="FAST_RUN")
        shared_ins = [transpile.shared(v, name=f"s{k}") for k, v in enumerate(values)]
        out = make(*shared_ins)
        result = transpile.shared(np.zeros([1] * out.ndim, out.dtype), name="result")
        device = transpile.function([], [], updates=[(result, out)], mode="FAST_RUN")
    return call, device, result


def compile_all(rng, names=None):
    """Build the functions of the workloads `names` (default all; the compile cache keeps them),
    on tiny values: run beside other work, it leaves the timed run only cache hits."""
    for name, (make, values, _, _) in workloads(rng, small=True).items():
        if not names or name in names:
            transpile_call_and_device(make, values)
    if not names or "mlp" in names:
        mlp(rng, batch=4)


def mlp(rng, batch=1024):
    """The MLP's SGD step compiled twice over the same parameters: `call` takes the batch as
    numpy arrays, `device` reads it from shared variables. -> (call, device, reset the
    parameters, [data, labels], their initial values)."""
    W1 = transpile.shared(rng.normal(scale=0.05, size=(784, 500)).astype("float32"), name="W1")
    b1 = transpile.shared(np.zeros(500, "float32"), name="b1")
    W2 = transpile.shared(rng.normal(scale=0.05, size=(500, 10)).astype("float32"), name="W2")
    b2 = transpile.shared(np.zeros(10, "float32"), name="b2")
    params = [W1, b1, W2, b2]
    init = [p.get_value() for p in params]
    data = rng.standard_normal((batch, 784)).astype("float32")
    labels = rng.integers(0, 10, batch).astype("int32")

    def step_function(x, y, inputs):
        prob = T.nnet.softmax(T.dot(T.tanh(T.dot(x, W1) + b1), W2) + b2)
        cost = T.mean(T.nnet.categorical_crossentropy(prob, y))
        updates = [(p, p - np.float32(0.1) * g) for p, g in zip(params, T.grad(cost, params))]
        with transpile.config.change_flags(**FLAGS):
            return transpile.function(inputs, cost, updates=updates, mode="FAST_RUN")

    def reset():
        for p, v in zip(params, init):
            p.set_value(v)
    x, y = T.fmatrix("x"), T.ivector("y")
    call = step_function(x, y, [x, y])
    device = step_function(transpile.shared(data, name="data"), transpile.shared(labels, name="labels"), [])
    return call, device, reset, [data, labels], init


def torch_mlp(torch, values, init):
    W1, b1, W2, b2 = (torch.tensor(v, device="cuda", requires_grad=True) for v in init)
    data, labels = (torch.from_numpy(v).cuda() for v in values)
    labels = labels.long()

    def step():
        prob = torch.softmax(torch.tanh(data @ W1 + b1) @ W2 + b2, dim=1)
        cost = -torch.log(prob[torch.arange(prob.shape[0], device="cuda"), labels]).mean()
        grads = torch.autograd.grad(cost, [W1, b1, W2, b2])
        with torch.no_grad():
            for p, g in zip([W1, b1, W2, b2], grads):
                p -= 0.1 * g
        return cost
    return step


def copy_bandwidth(torch, runs, n=10**8):
    """GB/s of a device-to-device copy of n float32 (read + write): the practical memory peak."""
    big = torch.empty(n, device="cuda")
    return 2 * n * 4 / median_time(lambda: big.clone(), runs, torch.cuda.synchronize) / 1e9


def measure(name, case, torch, runs):
    """One workload's row: transpile (call, device) and torch (call, device), checked first."""
    sync = torch.cuda.synchronize
    make, values, ref, torch_fn = case
    call, device, result = transpile_call_and_device(make, values)
    want = ref(*values)
    tol = dict(rtol=1e-3, atol=1e-3)
    np.testing.assert_allclose(call(*values), want, **tol, err_msg=f"{name}: call")
    device()
    np.testing.assert_allclose(result.get_value(), want, **tol, err_msg=f"{name}: device")
    row = {"workload": name,
           "transpile_call_s": median_time(lambda: call(*values), runs, sync),
           "transpile_device_s": median_time(device, runs, sync)}
    on_device = [torch.from_numpy(v).cuda() for v in values]
    row["torch_device_s"] = median_time(lambda: torch_fn(torch, *on_device), runs, sync)
    row["torch_call_s"] = median_time(
        lambda: torch_fn(torch, *[torch.from_numpy(v).cuda() for v in values]).cpu().numpy(), runs, sync)
    if name == "fused":
        row["transpile_device_GBps"] = 2 * values[0].nbytes / row["transpile_device_s"] / 1e9
        row["torch_device_GBps"] = 2 * values[0].nbytes / row["torch_device_s"] / 1e9
    if name == "sgemm":
        row["transpile_device_TFLOPs"] = 2 * 8192**3 / row["transpile_device_s"] / 1e12
    return row


def measure_mlp(rng, torch, runs):
    sync = torch.cuda.synchronize
    call, device, reset, values, init = mlp(rng)
    first = float(call(*values))
    costs = [float(device()) for _ in range(3)]
    assert np.isfinite(first) and costs[-1] < costs[0], ("the MLP does not train", first, costs)
    reset()
    row = {"workload": "mlp", "transpile_call_s": median_time(lambda: call(*values), runs, sync),
           "transpile_device_s": median_time(device, runs, sync)}
    row["torch_device_s"] = median_time(torch_mlp(torch, values, init), runs, sync)
    return row


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(HERE / "results" / "gpu.json"))
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--only", nargs="*", help="workloads to run (default: all)")
    parser.add_argument("--compile-only", action="store_true", help="only build the functions (no timing)")
    args = parser.parse_args()
    if args.compile_only:
        compile_all(np.random.default_rng(0), args.only)
        return
    import torch
    if not torch.cuda.is_available():
        sys.exit("benchmarks/gpu.py: torch sees no CUDA GPU here; run it on a machine with one")
    torch.backends.cuda.matmul.allow_tf32 = False  # full float32 products, as transpile's cuBLAS calls
    rng = np.random.default_rng(0)
    results = {"gpu": torch.cuda.get_device_name(0), "date": time.strftime("%Y-%m-%d"), "rows": [], "errors": {}}
    results["copy_bandwidth_GBps"] = copy_bandwidth(torch, args.runs)
    print(f"device-to-device copy: {results['copy_bandwidth_GBps']:.0f} GB/s", flush=True)
    cases = workloads(rng)
    for name in [*cases, "mlp"]:
        if args.only and name not in args.only:
            continue
        started = time.perf_counter()
        try:  # one failing workload must not hide the others' numbers
            row = measure_mlp(rng, torch, args.runs) if name == "mlp" else measure(name, cases[name], torch, args.runs)
        except Exception as err:  # noqa: BLE001 -- recorded, printed and the script goes on
            results["errors"][name] = f"{type(err).__name__}: {err}"
            print(f"{name}: FAILED {results['errors'][name]}", flush=True)
            continue
        row["ratio_device_vs_torch_device"] = row["transpile_device_s"] / row["torch_device_s"]
        row["seconds_taken"] = time.perf_counter() - started
        results["rows"].append(row)
        print(json.dumps(row), flush=True)
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(json.dumps(results, indent=1) + "\n")
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=1) + "\n")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
