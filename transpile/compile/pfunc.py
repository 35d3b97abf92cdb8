"""Theano's other ways to call the compiler: `pfunc` (the function behind `theano.function`,
its parameters as Theano named them) and `function_dump` (pickles what `function` was given, to
reproduce a compilation elsewhere: `transpile.function(**pickle.load(f))`).
"""
import pickle

from transpile.compile.function import function

__all__ = ["pfunc", "function_dump"]


def pfunc(params, outputs=None, mode=None, updates=None, givens=None, no_default_updates=False,
          accept_inplace=False, name=None, rebuild_strict=True, allow_input_downcast=None, profile=None,
          on_unused_input=None, output_keys=None):
    """`function(params, outputs, ...)` under Theano's name. `accept_inplace` and
    `rebuild_strict` are accepted and change nothing (in-place ops come from rewrites here, and
    givens are always checked for type); `output_keys` (outputs named by a dict) is not
    supported."""
    if output_keys is not None:
        raise NotImplementedError("pfunc: output_keys is not supported; pass outputs as a list")
    return function(params, outputs, updates=updates, givens=givens, mode=mode, name=name,
                    allow_input_downcast=allow_input_downcast, on_unused_input=on_unused_input or "raise",
                    no_default_updates=no_default_updates, profile=profile)


def function_dump(filename, inputs, outputs=None, mode=None, updates=None, givens=None, no_default_updates=False,
                  accept_inplace=False, name=None, rebuild_strict=True, allow_input_downcast=None, profile=None,
                  on_unused_input=None, extra_tag_to_remove=None):
    """Pickle the arguments of a `function` call into `filename` instead of compiling: the graph,
    its shared variables with their values, and the options. `transpile.function(**d)` on the
    loaded dict `d` compiles the same function, in another process too. (`accept_inplace`,
    `rebuild_strict` and `extra_tag_to_remove` are Theano's; they are accepted and not stored.)"""
    dumped = {"inputs": inputs, "outputs": outputs, "mode": mode, "updates": updates, "givens": givens,
              "no_default_updates": no_default_updates, "name": name, "allow_input_downcast": allow_input_downcast,
              "profile": profile, "on_unused_input": on_unused_input or "raise"}
    with open(filename, "wb") as f:
        pickle.dump(dumped, f, protocol=pickle.HIGHEST_PROTOCOL)
