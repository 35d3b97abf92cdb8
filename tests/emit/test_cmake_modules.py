"""Where the cmake/ modules copied into every project come from, in a checkout and installed."""
import pytest

from transpile.emit import render

pytestmark = pytest.mark.single_mode


def _layout(root, package_modules, top_modules):
    """A site-packages-like tree: transpile/templates, transpile/cmake and a top-level cmake/."""
    (root / "transpile" / "templates").mkdir(parents=True)
    for folder, modules in ((root / "transpile" / "cmake", package_modules), (root / "cmake", top_modules)):
        folder.mkdir(parents=True, exist_ok=True)
        for name in modules:
            (folder / name).write_text("# module\n")
    return root / "transpile" / "templates"


def test_an_installed_package_uses_its_own_modules_not_the_pypi_cmake_package(tmp_path, monkeypatch):
    # installed: site-packages/cmake is the PyPI cmake package (no transpile modules in it)
    monkeypatch.setattr(render, "TEMPLATES", _layout(tmp_path, ["TranspileFlags.cmake"], ["__init__.py"]))
    assert render.cmake_modules_dir() == tmp_path / "transpile" / "cmake"


def test_a_checkout_uses_the_top_level_modules(tmp_path, monkeypatch):
    monkeypatch.setattr(render, "TEMPLATES", _layout(tmp_path, [], ["TranspileFlags.cmake"]))
    assert render.cmake_modules_dir() == tmp_path / "cmake"


def test_no_modules_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setattr(render, "TEMPLATES", _layout(tmp_path, [], ["__init__.py"]))
    with pytest.raises(FileNotFoundError, match="cmake/ modules directory is missing"):
        render.cmake_modules_dir()


def test_every_project_gets_the_modules():
    files = render.cmake_files("tg_probe", "", set())
    assert "cmake/TranspileFlags.cmake" in files and "cmake/FindTranspileBLAS.cmake" in files
