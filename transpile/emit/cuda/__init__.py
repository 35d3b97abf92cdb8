"""The CUDA target: for now its scalar printer (`printer.py`); lowering rules will live in
`cuda/rules/` (`@register_lowering(..., target="cuda")`), runtime headers beside the C++ ones."""
