"""`transpile.compat` and `transpile.compat.python2x`: the names Theano programs import from
`theano.compat` (the seed's slides: `from theano.compat.python2x import OrderedDict`)."""
import collections
import copy
import itertools
import pickle

import pytest

import transpile
from transpile.compat import PY3, DefaultOrderedDict, OrderedDict, ifilter, imap, integer_types, izip, string_types
from transpile.compat import python2x

pytestmark = pytest.mark.single_mode


def test_the_names_are_the_standard_librarys():
    assert transpile.compat.OrderedDict is OrderedDict is python2x.OrderedDict is collections.OrderedDict
    assert (python2x.Counter, python2x.defaultdict, python2x.deque) == (collections.Counter, collections.defaultdict,
                                                                        collections.deque)
    assert python2x.product is itertools.product and python2x.any is any and python2x.all is all
    assert PY3 and list(izip("ab", [1, 2])) == [("a", 1), ("b", 2)]
    assert list(imap(abs, [-1, 2])) == [1, 2] and list(ifilter(None, [0, 3])) == [3]
    assert isinstance("s", string_types) and isinstance(3, integer_types)


def test_default_ordered_dict_fills_missing_keys_in_insertion_order():
    d = DefaultOrderedDict(list)
    d["b"].append(1)
    d["a"]
    d["b"].append(2)
    assert list(d.items()) == [("b", [1, 2]), ("a", [])]
    for twin in (pickle.loads(pickle.dumps(d)), copy.deepcopy(d), d.copy()):
        assert type(twin) is DefaultOrderedDict and list(twin.items()) == list(d.items())
        twin["c"].append(3)
        assert "c" not in d
    with pytest.raises(KeyError):
        DefaultOrderedDict()["missing"]
    with pytest.raises(TypeError, match="default_factory must be callable"):
        DefaultOrderedDict(3)
