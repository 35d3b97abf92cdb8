"""`scan_checkpoints`: Theano's memory-saving scan. An outer loop runs over blocks of
`save_every_N` steps and keeps only the state after each block; an inner loop runs the steps of
a block. The gradient of the outer loop then stores one state per block, and the inner loop's
gradient recomputes the steps of a block from it.

Restrictions, as Theano's: outputs_info without taps (each recurrent output reads its previous
value only; None for an output that is not fed back), sequences of the same length; the result
holds the outputs after steps N, 2N, ... and after the last step (not every step).
"""
import transpile.tensor as T
from transpile.scan_module.basic import scan

__all__ = ["scan_checkpoints"]


def scan_checkpoints(fn, sequences=(), outputs_info=None, non_sequences=(), name="checkpointscan_fn", n_steps=None,
                     save_every_N=10, padding=True):  # noqa: N803  Theano's argument name
    """(outputs, updates) of `scan(fn, sequences, outputs_info, non_sequences, n_steps)` keeping
    each output after every `save_every_N` steps and after the last one. The sequences are
    padded with zeros to whole blocks (`padding=False`: their length must be a multiple of
    save_every_N already; the padded steps never run)."""
    sequences = list(sequences) if isinstance(sequences, (list, tuple)) else [sequences]
    outputs_info = list(outputs_info) if isinstance(outputs_info, (list, tuple)) else [outputs_info]
    non_sequences = list(non_sequences) if isinstance(non_sequences, (list, tuple)) else [non_sequences]
    if any(isinstance(o, dict) and "taps" in o for o in outputs_info):
        raise ValueError("scan_checkpoints: outputs_info with taps are not supported (a recurrent output reads its "
                         "previous value only)")
    if int(save_every_N) < 1:
        raise ValueError(f"scan_checkpoints: save_every_N must be a positive int, got {save_every_N!r}")
    if n_steps is None:
        if not sequences:
            raise ValueError("scan_checkpoints: give sequences or n_steps")
        n_steps = T.as_tensor_variable(sequences[0]).shape[0]
    every = int(save_every_N)
    n_steps = T.as_tensor_variable(n_steps)
    blocks = (n_steps + every - 1) // every
    last = n_steps - (blocks - 1) * every
    block_steps = T.set_subtensor(T.alloc(T.as_tensor_variable(every).astype("int64"), blocks)[-1], last)
    outer_sequences = []
    for s in sequences:
        s = T.as_tensor_variable(s)[:n_steps]
        if padding:
            extra = (every - s.shape[0] % every) % every
            s = T.concatenate([s, T.zeros([extra] + [s.shape[d] for d in range(1, s.ndim)], dtype=s.dtype)])
        outer_sequences.append(s.reshape([-1, every] + [s.shape[d] for d in range(1, s.ndim)], ndim=s.ndim + 1))
    n_seq, n_non = len(outer_sequences), len(non_sequences)
    fed_back = [o is not None for o in outputs_info]

    def block(*args):
        chunks, count = list(args[:n_seq]), args[n_seq]
        previous = list(args[n_seq + 1:len(args) - n_non])
        consts = list(args[len(args) - n_non:])
        inner_info = [previous.pop(0) if fed else None for fed in fed_back]
        results, updates = scan(fn, sequences=chunks, outputs_info=inner_info, non_sequences=consts,
                                n_steps=count, name=f"{name}_inner", return_list=True)
        return [r[-1] for r in results], updates

    return scan(block, sequences=outer_sequences + [block_steps], outputs_info=outputs_info,
                non_sequences=non_sequences, n_steps=blocks, name=f"{name}_outer")
