"""The example graphs exported into generated_examples/ (and used by the demo, the benchmark and
the tests): a logistic-regression training step, an MLP classifier with softmax, and a fused
elementwise kernel. Every value is fixed (seeded, explicit dtypes, FAST_RUN), so regenerating
them gives byte-identical projects whatever the caller's flags.
"""
from dataclasses import dataclass, field

import numpy as np

import transpile
from transpile import tensor as T

MODE = "FAST_RUN"


@dataclass
class Example:
    name: str
    function: object                 # the compiled Function (the numbers the exports must match)
    subject: object                  # what export() is given: the function, or outputs
    example_inputs: list             # golden-vector inputs
    kwargs: dict = field(default_factory=dict)   # inputs=/updates= when `subject` is outputs
    description: str = ""

    def export(self, directory):
        return transpile.export(self.subject, directory, self.name, example_inputs=self.example_inputs, **self.kwargs)


def logreg_step(mode=MODE, n_features=20, batch=32):
    """One gradient step of a logistic regression: outputs the cost and the error rate, updates w, b."""
    rng = np.random.default_rng(1)
    X, y = T.dmatrix("X"), T.dvector("y")
    w = transpile.shared(rng.normal(scale=0.1, size=n_features), name="w")
    b = transpile.shared(np.float64(0.0), name="b")
    p = T.nnet.sigmoid(T.dot(X, w) + b)
    cost = T.nnet.binary_crossentropy(p, y).mean()
    error = T.neq(p > 0.5, y > 0.5).mean()
    cost.name, error.name = "cost", "error"
    gw, gb = transpile.grad(cost, [w, b])
    step = transpile.function([X, y], [cost, error], updates=[(w, w - 0.5 * gw), (b, b - 0.5 * gb)], mode=mode,
                              name="logreg_step")
    data = rng.normal(size=(batch, n_features))
    labels = (data @ np.linspace(-1, 1, n_features) > 0).astype("float64")
    return Example("logreg_step", step, step, [data, labels],
                   description="a logistic-regression training step (state: w, b)")


def mlp_classifier(mode=MODE, n_in=64, n_hidden=128, n_classes=10, batch=16):
    """A two-layer perceptron (tanh, softmax) in float32: class probabilities and predictions."""
    rng = np.random.default_rng(2)
    x = T.fmatrix("x")
    W1 = transpile.shared((rng.normal(size=(n_in, n_hidden)) / np.sqrt(n_in)).astype("float32"), name="W1")
    b1 = transpile.shared(np.zeros(n_hidden, dtype="float32"), name="b1")
    W2 = transpile.shared((rng.normal(size=(n_hidden, n_classes)) / np.sqrt(n_hidden)).astype("float32"), name="W2")
    b2 = transpile.shared(np.full(n_classes, 0.01, dtype="float32"), name="b2")
    hidden = T.tanh(T.dot(x, W1) + b1)
    probabilities = T.nnet.softmax(T.dot(hidden, W2) + b2)
    probabilities.name = "probabilities"
    prediction = T.argmax(probabilities, axis=1)
    prediction.name = "prediction"
    predict = transpile.function([x], [probabilities, prediction], mode=mode, name="mlp_classifier")
    return Example("mlp_classifier", predict, predict, [rng.normal(size=(batch, n_in)).astype("float32")],
                   description="an MLP classifier with softmax (float32)")


def fused_kernel(mode=MODE, n=64):
    """y = exp(-x*x)*sin(x) + tanh(0.5*x)*sqrt(abs(x)+1), one fused loop; exported from outputs."""
    x = T.dvector("x")
    y = T.exp(-x * x) * T.sin(x) + T.tanh(0.5 * x) * T.sqrt(abs(x) + 1)
    y.name = "y"
    kernel = transpile.function([x], y, mode=mode, name="fused_kernel")
    values = np.linspace(-4.0, 4.0, n)
    return Example("fused_kernel", kernel, y, [values], kwargs={"inputs": [x]},
                   description="a fused elementwise kernel, exported from its outputs")


ALL = (logreg_step, mlp_classifier, fused_kernel)


def all_examples(mode=MODE):
    return [make(mode) for make in ALL]
