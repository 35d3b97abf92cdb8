"""`MonitorMode(pre_func, post_func)`: call user hooks around every node of the optimized graph.

Each hook is called as `hook(i, node, fn)`: `i` is the node's position in the toposort, `fn`
its thunk, whose `fn.inputs` and `fn.outputs` are lists of one-element storage lists
(`fn.outputs[k][0]` is the value of output k once the node ran). Nodes run with the numpy
reference executor, whatever linker is asked for.
"""
from transpile.compile.executor import PerformExecutor
from transpile.compile.mode import Mode


class MonitorMode(Mode):
    def __init__(self, pre_func=None, post_func=None, optimizer="fast_run", linker=None, name="MonitorMode"):
        if optimizer == "default":
            optimizer = "fast_run"
        if linker not in (None, "py"):
            raise ValueError(f"MonitorMode runs nodes one by one with the 'py' linker; got linker={linker!r}")
        super().__init__("py", optimizer, name=name)
        for hook, what in ((pre_func, "pre_func"), (post_func, "post_func")):
            if hook is not None and not callable(hook):
                raise TypeError(f"MonitorMode: {what} must be callable as {what}(i, node, fn)")
        self.pre_func = pre_func
        self.post_func = post_func

    def make_executor(self, fgraph):
        return PerformExecutor(fgraph, pre_func=self.pre_func, post_func=self.post_func)
