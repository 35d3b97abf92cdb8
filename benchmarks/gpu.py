"""transpile with device=cuda against PyTorch on CUDA: the workloads of issue 10, on a machine with
an NVIDIA GPU.

    python benchmarks/gpu.py [--out FILE] [--runs N]

Workloads (float32): `fused` (an elementwise chain over 1e8 elements), `softmax` (rows of a
16384x4096 matrix), `mlp` (a 784-500-10 SGD step, batch 1024, parameters in shared variables),
`sgemm` (8192^3) and `overhead` (a 1-element graph). Each is timed two ways:

- `call`: numpy in, numpy out, as a user calls both: transpile's compiled function, and torch
  with `torch.from_numpy(...).cuda()` ... `.cpu().numpy()`. Both pay the copies of the explicit
  inputs and outputs; transpile's shared variables (the MLP's parameters) stay on the GPU
  between calls, as torch's parameters would;
- `device`: torch on tensors already on the GPU (what its kernels take): the bound the issue's
  targets refer to.

For `fused` the bytes moved per second are also given against the device-to-device copy
bandwidth torch measures (`y.copy_(x)`), the practical peak of the GPU's memory. Results are
printed and written as JSON (default benchmarks/results/gpu.json). Every result is first checked
against numpy.
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


def workloads(rng):
    """name -> (inputs, outputs, updates, values, numpy reference, torch on-device function maker)."""
    out = {}
    x = T.fvector("x")
    n = 10**8
    xv = rng.standard_normal(n).astype("float32")
    out["fused"] = ([x], T.exp(x) * 2 + T.sin(x) * x, [], [xv], lambda v: np.exp(v) * 2 + np.sin(v) * v,
                    lambda torch, t: torch.exp(t) * 2 + torch.sin(t) * t)
    m = T.fmatrix("m")
    mv = rng.standard_normal((16384, 4096)).astype("float32")

    def np_softmax(v):
        e = np.exp(v - v.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    out["softmax"] = ([m], T.nnet.softmax(m), [], [mv], np_softmax, lambda torch, t: torch.softmax(t, dim=1))
    a, b = T.fmatrix("a"), T.fmatrix("b")
    av, bv = (rng.standard_normal((8192, 8192)).astype("float32") for _ in range(2))
    out["sgemm"] = ([a, b], T.dot(a, b), [], [av, bv], lambda p, q: p @ q, lambda torch, p, q: p @ q)
    s = T.fvector("s")
    out["overhead"] = ([s], s + 1, [], [np.ones(1, "float32")], lambda v: v + 1, lambda torch, t: t + 1)
    return out


def mlp(rng, batch=1024):
    W1 = transpile.shared(rng.normal(scale=0.05, size=(784, 500)).astype("float32"), name="W1")
    b1 = transpile.shared(np.zeros(500, "float32"), name="b1")
    W2 = transpile.shared(rng.normal(scale=0.05, size=(500, 10)).astype("float32"), name="W2")
    b2 = transpile.shared(np.zeros(10, "float32"), name="b2")
    x, y = T.fmatrix("x"), T.ivector("y")
    prob = T.nnet.softmax(T.dot(T.tanh(T.dot(x, W1) + b1), W2) + b2)
    cost = T.mean(T.nnet.categorical_crossentropy(prob, y))
    params = [W1, b1, W2, b2]
    updates = [(p, p - np.float32(0.1) * g) for p, g in zip(params, T.grad(cost, params))]
    data = rng.standard_normal((batch, 784)).astype("float32")
    labels = rng.integers(0, 10, batch).astype("int32")
    return [x, y], cost, updates, [data, labels], [p.get_value() for p in params]


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


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(HERE / "results" / "gpu.json"))
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    import torch
    if not torch.cuda.is_available():
        sys.exit("benchmarks/gpu.py: torch sees no CUDA GPU here; run it on a machine with one")
    sync = torch.cuda.synchronize
    rng = np.random.default_rng(0)
    results = {"gpu": torch.cuda.get_device_name(0), "date": time.strftime("%Y-%m-%d"), "rows": []}
    results["copy_bandwidth_GBps"] = copy_bandwidth(torch, args.runs)
    cases = workloads(rng)
    inputs, cost, updates, values, init = mlp(rng)
    cases["mlp"] = (inputs, cost, updates, values, None, None)
    for name, (ins, outs, upd, vals, ref, torch_fn) in cases.items():
        with transpile.config.change_flags(device="cuda", floatX="float32"):
            f = transpile.function(ins, outs, updates=upd, mode="FAST_RUN")
        got = f(*vals)
        if ref is not None:
            np.testing.assert_allclose(got, ref(*vals), rtol=1e-3, atol=1e-3)
        row = {"workload": name, "transpile_call_s": median_time(lambda: f(*vals), args.runs)}
        if name == "mlp":
            step = torch_mlp(torch, vals, init)
            row["torch_device_s"] = median_time(step, args.runs, sync)
        else:
            on_device = [torch.from_numpy(v).cuda() for v in vals]
            row["torch_device_s"] = median_time(lambda: torch_fn(torch, *on_device), args.runs, sync)
            row["torch_call_s"] = median_time(
                lambda: torch_fn(torch, *[torch.from_numpy(v).cuda() for v in vals]).cpu().numpy(), args.runs, sync)
        if name == "fused":
            row["transpile_call_GBps"] = 2 * vals[0].nbytes / row["transpile_call_s"] / 1e9
        row["ratio_call_vs_torch_device"] = row["transpile_call_s"] / row["torch_device_s"]
        results["rows"].append(row)
        print(json.dumps(row), flush=True)
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(results, indent=1) + "\n")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
