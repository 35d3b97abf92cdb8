"""What the indexing rules (subtensor*.py) share besides the `index` runtime header."""


def int_format(dtype):
    """printf conversion and cast for an index value of `dtype`."""
    if dtype.startswith("uint"):
        return "%llu", "(unsigned long long)"
    return "%lld", "(long long)"
