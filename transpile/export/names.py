"""Names in an exported project.

The project name becomes C symbols (`NAME_run`), a C++ namespace, CMake targets, a Python
module and file names, so it must already be a plain identifier: `check_project_name` rejects
anything else instead of guessing. User variable names only become identifiers through
`Namer.identifier` (non-identifier characters replaced, keywords suffixed, duplicates numbered,
case-insensitively so that file names never collide), deterministically in the order asked.
Wherever the original text is shown, it goes through `cpp.string_literal` or `cpp.comment`.
"""
import keyword
import re
import sys

_IDENTIFIER = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
MAX_LENGTH = 48

C_KEYWORDS = frozenset("""
alignas alignof and and_eq asm auto bitand bitor bool break case catch char char8_t char16_t char32_t class
compl concept const consteval constexpr constinit const_cast continue co_await co_return co_yield decltype
default delete do double dynamic_cast else enum explicit export extern false float for friend goto if inline
int long mutable namespace new noexcept not not_eq nullptr operator or or_eq private protected public register
reinterpret_cast requires restrict return short signed sizeof static static_assert static_cast struct switch
template this thread_local throw true try typedef typeid typename union unsigned using virtual void volatile
wchar_t while xor xor_eq _Bool _Complex _Imaginary NULL main std
""".split())

#: target names CMake or its generators reserve, and names the generated code itself uses
RESERVED_PROJECT_NAMES = frozenset("""
all clean test install package package_source help edit_cache rebuild_cache list_install_components
ALL_BUILD ZERO_CHECK RUN_TESTS INSTALL PACKAGE tr numpy pybind11 cmake ninja setuptools pip transpile
""".split())


def check_project_name(name):
    """`name` if it can name an exported project, else ValueError saying why."""
    if not isinstance(name, str):
        raise TypeError(f"export: the project name must be a str, got {type(name).__name__}")
    if not _IDENTIFIER.fullmatch(name):  # match() would let "$" accept a trailing newline
        raise ValueError(f"export: project name {name!r} is not a C identifier (a letter, then letters, "
                         "digits or underscores)")
    if len(name) > MAX_LENGTH:
        raise ValueError(f"export: project name {name!r} is longer than {MAX_LENGTH} characters")
    if "__" in name:
        raise ValueError(f"export: project name {name!r} contains '__' (reserved in C and C++)")
    lowered = name.lower()
    if (name in C_KEYWORDS or keyword.iskeyword(name) or name in RESERVED_PROJECT_NAMES
            or lowered.startswith("transpile")):
        raise ValueError(f"export: project name {name!r} is reserved (a C/C++/Python keyword, a CMake "
                         "target name, or a name the generated project uses itself)")
    if name in getattr(sys, "stdlib_module_names", ()):
        raise ValueError(f"export: project name {name!r} is a Python standard module; the built module "
                         "would shadow it")
    return name


def sanitize(text):
    """`text` made an identifier (not yet unique): invalid characters become '_'."""
    body = re.sub(r"[^A-Za-z0-9_]", "_", str(text))
    body = re.sub(r"_{2,}", "_", body).strip("_") or ""
    if body and not body[0].isalpha():
        body = "v" + ("_" if body[0].isdigit() else "") + body
    if body in C_KEYWORDS or keyword.iskeyword(body) or keyword.issoftkeyword(body):
        body += "_"
    return body[:MAX_LENGTH].rstrip("_") if len(body) > MAX_LENGTH else body


class Namer:
    """Unique identifiers for the ports of one project (inputs, shared variables, outputs share
    one namespace: their .npy files live side by side)."""

    def __init__(self):
        self._used = set()

    def identifier(self, text, fallback):
        base = sanitize(text) if text else ""
        base = base or fallback
        candidate, n = base, 1
        while candidate.lower() in self._used:
            n += 1
            candidate = f"{base}_{n}"
        self._used.add(candidate.lower())
        return candidate
