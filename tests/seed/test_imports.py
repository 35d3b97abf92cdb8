"""Every import line of the seed's slides works with `transpile` for `theano` (the slides' own
text; `from theano.compat.python2x import OrderedDict` once failed)."""
import pytest

pytestmark = pytest.mark.single_mode

SEED_IMPORTS = [
    "from theano import tensor as T",
    "from theano import function",
    "from theano import shared",
    "from theano.compat.python2x import OrderedDict",
    "from theano.printing import min_informative_str",
    "from theano import config",
    "from theano.printing import debugprint",
]


@pytest.mark.parametrize("line", SEED_IMPORTS)
def test_the_slides_imports_work(line):
    names = {}
    exec(line.replace("theano", "transpile"), names)  # noqa: S102  the slides' own lines
    imported = line.split(" import ")[1].split(" as ")[-1]
    assert names[imported] is not None
