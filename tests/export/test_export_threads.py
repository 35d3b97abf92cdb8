"""The exported C ABI's thread rule, checked under ThreadSanitizer: states are independent, so
threads that each own a state run the same library at once (successful calls and failing calls
mixed) and every thread gets the numbers of a single-threaded run and its own error message.
The project is built with -fsanitize=thread and without OpenMP (libgomp is not instrumented, so
its barriers would be reported falsely); TSan makes the program exit non-zero on any data race."""
import subprocess

import numpy as np
import pytest

from tests.export.export_helpers import NO_PYTHON_ENV
from transpile.export.examples import mlp_classifier

pytestmark = [pytest.mark.single_mode, pytest.mark.slow]

THREADS, CALLS = 6, 30

DRIVER = r"""
#include <cmath>
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>
#include "mlp_classifier.h"

static transpile_tensor view(float* data, int64_t rows, int64_t cols) {
    transpile_tensor t;
    std::memset(&t, 0, sizeof(t));
    t.dtype = TRANSPILE_FLOAT32;
    t.ndim = 2;
    t.shape[0] = rows; t.shape[1] = cols;
    t.strides[0] = cols; t.strides[1] = 1;  // in elements
    t.data = data;
    return t;
}

int main() {
    const int threads = THREADS_, calls = CALLS_;
    std::vector<double> sums(threads, 0.0);
    std::vector<int> failures(threads, 0);
    std::vector<std::thread> pool;
    for (int k = 0; k < threads; ++k) {
        pool.emplace_back([k, calls, &sums, &failures] {
            mlp_classifier_state* s = nullptr;
            if (mlp_classifier_create(&s) != TRANSPILE_OK) { failures[k] = -1000; return; }
            const int64_t rows = 5 + k;
            std::vector<float> x(rows * 64), wrong(rows * 63);
            for (size_t i = 0; i < x.size(); ++i) x[i] = std::sin(0.01f * float(i));
            for (int c = 0; c < calls; ++c) {
                transpile_tensor out[2];
                std::memset(out, 0, sizeof(out));
                if ((c + k) % 4 == 0) {
                    transpile_tensor in = view(wrong.data(), rows, 63);
                    int status = mlp_classifier_run(s, &in, 1, out, 2);
                    char expected[64];
                    std::snprintf(expected, sizeof(expected), "(%lld, 63)", (long long)rows);
                    if (status == TRANSPILE_OK || !std::strstr(mlp_classifier_last_error(s), expected)) failures[k]++;
                    continue;
                }
                transpile_tensor in = view(x.data(), rows, 64);
                if (mlp_classifier_run(s, &in, 1, out, 2) != TRANSPILE_OK) { failures[k]++; continue; }
                const float* p = static_cast<const float*>(out[0].data);
                double total = 0.0;
                for (int64_t i = 0; i < rows * 10; ++i) total += p[i] * double(i % 7 + 1);
                sums[k] = total;
                mlp_classifier_free(out[0].data);
                mlp_classifier_free(out[1].data);
            }
            mlp_classifier_destroy(s);
        });
    }
    for (auto& t : pool) t.join();
    for (int k = 0; k < threads; ++k) std::printf("%d %.9g %d\n", k, sums[k], failures[k]);
    return 0;
}
"""


def test_threads_with_own_states_under_thread_sanitizer(tmp_path):
    example = mlp_classifier()
    project = example.export(tmp_path / "project")
    flags = "-fsanitize=thread -g"
    project.build(tmp_path / "build", python=False, jobs=2,
                  cmake_args=["-DTRANSPILE_OPENMP=OFF", "-DCMAKE_BUILD_TYPE=RelWithDebInfo", f"-DCMAKE_CXX_FLAGS={flags}",
                              f"-DCMAKE_SHARED_LINKER_FLAGS={flags}", f"-DCMAKE_EXE_LINKER_FLAGS={flags}"])
    driver = tmp_path / "driver.cpp"
    driver.write_text(DRIVER.replace("THREADS_", str(THREADS)).replace("CALLS_", str(CALLS)))
    exe = tmp_path / "driver"
    library = project.library
    subprocess.run(["g++", "-std=c++17", "-O1", "-g", "-fsanitize=thread", "-o", str(exe), str(driver),
                    f"-I{project.path / 'include'}", str(library), f"-Wl,-rpath,{library.parent}", "-pthread"],
                   check=True)
    env = dict(NO_PYTHON_ENV, TSAN_OPTIONS="halt_on_error=1 exitcode=66", OPENBLAS_NUM_THREADS="1")
    run = subprocess.run([str(exe)], capture_output=True, text=True, env=env, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr[-4000:]
    assert "ThreadSanitizer" not in run.stderr, run.stderr[-4000:]

    rows = [line.split() for line in run.stdout.splitlines()]
    assert [int(r[2]) for r in rows] == [0] * THREADS, run.stdout
    for k, total, _ in rows:
        n = 5 + int(k)
        x = np.sin(np.float32(0.01) * np.arange(n * 64, dtype=np.float32)).reshape(n, 64)
        probabilities = example.function(x)[0]
        weights = np.arange(n * 10).reshape(n, 10) % 7 + 1
        np.testing.assert_allclose(float(total), (probabilities.astype(np.float64) * weights).sum(), rtol=1e-5)
