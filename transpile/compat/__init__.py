"""Theano's `theano.compat`: the names Theano programs import from it, for code written against
Python 2 and 3 at once (`from theano.compat import OrderedDict, izip`). On Python 3 each is the
standard library's own; `transpile.compat.python2x` is the older module the seed's slides use."""
from collections import OrderedDict

from transpile.compat.python2x import DefaultOrderedDict

PY3 = True
izip, imap, ifilter = zip, map, filter
string_types, integer_types = (str,), (int,)

__all__ = ["OrderedDict", "DefaultOrderedDict", "PY3", "izip", "imap", "ifilter", "string_types", "integer_types"]
