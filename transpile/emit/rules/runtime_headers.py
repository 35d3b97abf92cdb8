"""Static C++ the extra-op rules need, read from real headers in templates/runtime/.

Until the project has a mechanism for a rule to request a runtime header (an #include in the
generated project), a rule pastes the header's text into the program as a helper; this is the one
place to change when that mechanism lands.
"""
from pathlib import Path

RUNTIME = Path(__file__).resolve().parent.parent.parent / "templates" / "runtime"
_TEXT = {}


def runtime_header(name):
    """The text of templates/runtime/`name` (read once)."""
    text = _TEXT.get(name)
    if text is None:
        text = _TEXT[name] = (RUNTIME / name).read_text().strip("\n")
    return text


def use_runtime_header(lc, name):
    """Make the declarations of runtime header `name` available to the code of this program."""
    lc.program.add_helper(runtime_header(name))
