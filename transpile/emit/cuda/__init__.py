"""The CUDA target: `placement.py` (which nodes of an optimized graph run on the GPU, and the
transfers), `device.py` (its part of the lowering driver: GPU memory, copies), `printer.py`
(scalar ops as CUDA device expressions), `elementwise.py` (one kernel per elementwise node) and
`rules/` (`@register_lowering(..., target="cuda")`); static CUDA code is in
`transpile/templates/cuda/`."""
