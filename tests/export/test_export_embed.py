"""Embedding an exported project: `cmake --install`, then a consumer C++ program built with
find_package(NAME) and run with no Python checks its numbers; the C header compiles as C; the
library and runner do not link libpython and export only the C ABI."""
import subprocess

import numpy as np
import pytest

from tests.export.export_helpers import NO_PYTHON_ENV
from transpile.compile.cache import cmake_program, ninja_program

pytestmark = [pytest.mark.single_mode, pytest.mark.slow]

CONSUMER_CMAKE = """
cmake_minimum_required(VERSION 3.18)
project(consumer LANGUAGES CXX)
find_package(logreg_step REQUIRED)
add_executable(app main.cpp)
target_link_libraries(app PRIVATE logreg_step::logreg_step)
target_compile_features(app PRIVATE cxx_std_17)
"""

CONSUMER_MAIN = r"""
#include <cmath>
#include <cstdio>
#include <vector>
#include "logreg_step.hpp"

int main() {
    std::vector<double> X(6 * 20), y(6);
    for (size_t i = 0; i < X.size(); ++i) X[i] = std::sin(0.1 * double(i));
    for (size_t i = 0; i < y.size(); ++i) y[i] = double(i % 2);
    std::vector<transpile_tensor> inputs = {logreg_step::view(X.data(), {6, 20}), logreg_step::view(y.data(), {6})};
    logreg_step::Model model;
    for (int step = 0; step < 3; ++step) {
        auto out = model.run(inputs);
        std::printf("cost %.17g\n", *out[0].data<double>());
    }
    logreg_step::Tensor w = model.get_shared("w");
    std::printf("w0 %.17g\n", w.data<double>()[0]);
    // caller-provided outputs, after a shape query
    std::vector<transpile_tensor> outputs = model.output_shapes(inputs);
    double cost = 0.0, error = 0.0;
    outputs[0].data = &cost;
    outputs[1].data = &error;
    model.run_into(inputs, outputs);
    std::printf("cost %.17g ndim %d\n", cost, int(outputs[0].ndim));
    // a shape error: an exception carrying the library's status and message, no abort
    std::vector<transpile_tensor> bad = {logreg_step::view(X.data(), {6, 20}), logreg_step::view(y.data(), {5})};
    try {
        model.run(bad);
        std::printf("no error\n");
    } catch (const logreg_step::Error& e) {
        std::printf("error %d %s\n", int(e.status()), std::string(e.what()).substr(0, 30).c_str());
    }
    std::printf("ports %d %d %d %s\n", logreg_step_num_inputs(), logreg_step_num_outputs(), logreg_step_num_shared(),
                logreg_step_shared_name(0));
    return 0;
}
"""

C_PROGRAM = r"""
#include <stdio.h>
#include "logreg_step.h"
int main(void) {
    logreg_step_state* s = NULL;
    transpile_tensor value = {0};
    if (logreg_step_create(&s) != TRANSPILE_OK) return 1;
    if (logreg_step_get_shared(s, "nope", &value) != TRANSPILE_ERR_ARGUMENT) return 2;
    printf("%s\n", logreg_step_last_error(s));
    if (logreg_step_get_shared(s, "b", &value) != TRANSPILE_OK) return 3;
    printf("b %g ndim %d\n", *(double*)value.data, value.ndim);
    logreg_step_free(value.data);
    logreg_step_destroy(s);
    return 0;
}
"""


@pytest.fixture(scope="module")
def installed(built_examples, tmp_path_factory):
    _, project = built_examples["logreg_step"]
    return project, project.install(tmp_path_factory.mktemp("prefix"))


def test_consumer_with_find_package(installed, fresh_example, tmp_path):
    _, prefix = installed
    source = tmp_path / "consumer"
    source.mkdir()
    (source / "CMakeLists.txt").write_text(CONSUMER_CMAKE)
    (source / "main.cpp").write_text(CONSUMER_MAIN)
    build = tmp_path / "build"
    for command in ([cmake_program(), "-S", str(source), "-B", str(build), "-G", "Ninja",
                     f"-DCMAKE_MAKE_PROGRAM={ninja_program()}", f"-DCMAKE_PREFIX_PATH={prefix}"],
                    [cmake_program(), "--build", str(build)]):
        out = subprocess.run(command, capture_output=True, text=True, env=NO_PYTHON_ENV)
        assert out.returncode == 0, out.stdout + out.stderr
    run = subprocess.run([str(build / "app")], capture_output=True, text=True, env=NO_PYTHON_ENV)
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()

    f = fresh_example("logreg_step").function
    X = np.sin(0.1 * np.arange(120.0)).reshape(6, 20)
    y = (np.arange(6) % 2).astype("float64")
    costs = [float(f(X, y)[0]) for _ in range(3)]
    got = [float(line.split()[1]) for line in lines[:3]]
    np.testing.assert_allclose(got, costs, rtol=1e-12)
    np.testing.assert_allclose(float(lines[3].split()[1]), f.maker.shared_inputs[0].get_value()[0], rtol=1e-12)
    np.testing.assert_allclose(float(lines[4].split()[1]), float(f(X, y)[0]), rtol=1e-12)
    assert lines[4].endswith("ndim 0")
    assert lines[5].startswith("error 4 ")  # TRANSPILE_ERR_SHAPE
    assert lines[6] == "ports 2 2 2 w"


def test_header_is_c(installed, tmp_path):
    _, prefix = installed
    (tmp_path / "main.c").write_text(C_PROGRAM)
    exe = tmp_path / "main"
    subprocess.run(["cc", "-std=c99", "-Wall", "-Werror", "-o", str(exe), str(tmp_path / "main.c"),
                    f"-I{prefix / 'include'}", f"-L{prefix / 'lib'}", "-llogreg_step", f"-Wl,-rpath,{prefix / 'lib'}"],
                   check=True)
    out = subprocess.run([str(exe)], capture_output=True, text=True, env=NO_PYTHON_ENV)
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.splitlines() == ["unknown shared variable 'nope'; this graph has: w, b", "b 0 ndim 0"]


def test_installed_runner_runs(installed, tmp_path):
    project, prefix = installed
    runner = prefix / "bin" / "logreg_step_run"
    golden = project.path / "tests"
    out = subprocess.run([str(runner), "--output-dir", str(tmp_path), "--expect", str(golden / "expected"), "--save-shared",
                          f"X={golden / 'inputs' / 'X.npy'}", f"y={golden / 'inputs' / 'y.npy'}"],
                         capture_output=True, text=True, env=NO_PYTHON_ENV)
    assert out.returncode == 0, out.stderr


def test_no_libpython_and_only_the_c_abi_exported(built_examples, installed):
    for _, project in built_examples.values():
        for binary in (project.library, project.runner):
            linked = subprocess.run(["ldd", str(binary)], capture_output=True, text=True).stdout
            assert "libpython" not in linked, linked
            assert "not found" not in linked, linked
        symbols = subprocess.run(["nm", "-D", "--defined-only", str(project.library)], capture_output=True,
                                 text=True).stdout.split()
        exported = [s for s in symbols[2::3]]
        assert exported and all(s.startswith(project.name + "_") for s in exported), exported
        assert f"{project.name}_run" in exported and not any("_impl" in s for s in exported)
    _, prefix = installed
    installed_lib = prefix / "lib" / "liblogreg_step.so"
    assert "libpython" not in subprocess.run(["ldd", str(installed_lib)], capture_output=True, text=True).stdout
