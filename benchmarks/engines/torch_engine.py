"""PyTorch on the CPU: eager, and torch.compile (inductor) of the same functions. The RNN and LSTM
are an explicit Python loop over the 100 steps with torch ops (not nn.RNN/nn.LSTM), the gradients
from torch.autograd.grad; torch.compile compiles the whole loop's loss (unrolled; AOTAutograd
compiles its backward)."""
import os

import numpy as np

from engines import NotApplicable, installed
from workloads import ARGS, LR, PARAMS

NAMES = ("torch", "torch.compile")
LIBRARY = "torch"


def available(name):
    return installed("torch")


def configure(name, cachedir):
    if cachedir:
        os.environ["TORCHINDUCTOR_CACHE_DIR"] = cachedir


def make(name, workload, d):
    import torch
    import torch.nn.functional as F
    compiled = name == "torch.compile"
    jit = torch.compile if compiled else (lambda f: f)
    if workload == "fused":
        f = jit(lambda x: torch.exp(-x * x) * torch.sin(x) + torch.tanh(0.5 * x) * torch.sqrt(torch.abs(x) + 1))
        x = torch.from_numpy(d["x"])
        return (lambda: f(x)), (lambda out: [out.numpy()])
    if workload == "softmax":
        f = jit(lambda x: torch.softmax(x, dim=1))
        x = torch.from_numpy(d["x"])
        return (lambda: f(x)), (lambda out: [out.numpy()])
    if workload in ("mlp", "cold"):
        # the usual way: the model's loss compiled (AOTAutograd compiles its backward too), the
        # SGD update eager (torch.func.grad inside torch.compile falls back to eager here)
        X, Y = torch.from_numpy(d["X"]), torch.from_numpy(d["Y"].astype(np.int64))
        params = [torch.from_numpy(d[k].copy()).requires_grad_() for k in PARAMS]

        def loss(W1, b1, W2, b2, X, Y):
            return F.cross_entropy(torch.tanh(X @ W1 + b1) @ W2 + b2, Y)

        loss = jit(loss)

        def run():
            cost = loss(*params, X, Y)
            cost.backward()
            with torch.no_grad():
                torch._foreach_add_(params, [p.grad for p in params], alpha=-float(LR))
            for p in params:
                p.grad = None
            return cost.detach()

        return run, (lambda out: [out.numpy()] + [p.detach().numpy().copy() for p in params])
    if workload == "sgemm":
        f = jit(torch.mm)
        a, b = torch.from_numpy(d["a"]), torch.from_numpy(d["b"])
        return (lambda: f(a, b)), (lambda out: [out.numpy()])
    if workload == "overhead":
        f = jit(lambda x, y: x + y)
        x, y = torch.tensor(float(d["x"]), dtype=torch.float64), torch.tensor(float(d["y"]), dtype=torch.float64)
        return (lambda: f(x, y)), (lambda out: [out.numpy()])
    if workload in ("cholesky", "solve", "inv_batched"):
        args = [torch.from_numpy(d[k]) for k in ARGS[workload]]
        f = jit({"cholesky": torch.linalg.cholesky, "solve": torch.linalg.solve,
                 "inv_batched": torch.linalg.inv}[workload])
        return (lambda: f(*args)), (lambda out: [out.numpy()])
    if workload in ("rnn", "lstm"):
        return rnn(workload, d, jit)
    raise NotApplicable(workload)


def rnn(workload, d, jit):
    import torch
    x, *params = [torch.from_numpy(d[k]) for k in ARGS[workload]]
    params = [p.clone().requires_grad_() for p in params]

    def rnn_loss(x, w, u, b):
        h = x.new_zeros(x.shape[1], u.shape[0])
        for t in range(x.shape[0]):
            h = torch.tanh(x[t] @ w + h @ u + b)
        return (h * h).sum()

    def lstm_loss(x, w, u, b):
        h = c = x.new_zeros(x.shape[1], u.shape[0])
        for t in range(x.shape[0]):
            i, f, g, o = (x[t] @ w + h @ u + b).chunk(4, dim=1)
            c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
            h = torch.sigmoid(o) * torch.tanh(c)
        return (h * h).sum()

    loss = jit(rnn_loss if workload == "rnn" else lstm_loss)

    def run():
        value = loss(x, *params)
        return [value.detach(), *torch.autograd.grad(value, params)]
    return run, (lambda out: [v.numpy() for v in out])
