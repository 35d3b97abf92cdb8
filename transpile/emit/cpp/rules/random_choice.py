"""`CheckChoiceWeights`: numpy's checks of the weights of a choice without replacement
(`rnd::choice_weights_status` of templates/runtime/random.h.j2, in the reference's order and
words), then p itself as a view (no copy)."""
from transpile.emit.cpp.rules.random import random_constants
from transpile.emit.registry import register_lowering
from transpile.tensor.random.choice import CheckChoiceWeights
from transpile.tensor.random.sampling import CATEGORICAL_TOL


@register_lowering(CheckChoiceWeights)
def lower_check_choice_weights(lc, node):
    p, n, count = node.inputs
    (out,) = node.outputs
    lc.use_runtime("random", **random_constants())
    src = lc.name(p)
    lc.emit(f"const int64_t n_ = static_cast<int64_t>({lc.scalar(n)});",
            f"const int64_t count_ = static_cast<int64_t>({lc.scalar(count)});",
            f"if ({src}.shape[0] != n_) "
            + lc.fail("value", "%s: choice: p must have one entry per element of a: a has %lld elements, p has %lld",
                      lc.label(), "(long long)n_", f"(long long){src}.shape[0]"),
            "double total_ = 0.0;",
            "int64_t nonzero_ = 0;",
            f"switch (rnd::choice_weights_status({src}.data, n_, {src}.strides[0], count_, total_, nonzero_)) {{",
            "case 1: " + lc.fail("value", "%s: choice: p must be non-negative", lc.label()),
            "case 2: " + lc.fail("value", f"%s: choice: p must sum to 1 (within {CATEGORICAL_TOL:g}), got %.17g",
                                 lc.label(), "total_"),
            "case 3: " + lc.fail("value", "%s: choice: fewer non-zero entries in p than size (%lld non-zero, "
                                 "%lld samples)", lc.label(), "(long long)nonzero_", "(long long)count_"),
            "default: break;",
            "}")
    lc.view(out, p, [f"{src}.shape[0]"], [f"{src}.strides[0]"])
