#!/usr/bin/env bash
# The one prepared script for a machine with an NVIDIA GPU (issue 10): the `cuda` test suite (the
# benchmarks' functions are built beside it), the GPU benchmarks, then a few `cuda` tests again
# under compute-sanitizer's memcheck. Everything is written under $OUT (default ./gpu-out); each
# step has its own time limit, so one that hangs leaves the others' results.
#   bash benchmarks/gpu_check.sh
# Narrower: TESTS (paths), TEST_FILTER (-k), BENCH_ONLY (workloads), MEMCHECK=0, *_TIMEOUT (seconds).
# Such a machine may have no package registry: the project runs from this checkout (PYTHONPATH),
# and wheels found in .whl/ (e.g. scipy-openblas32, carried there) are installed into /tmp/site.
set -uo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-gpu-out}"
mkdir -p "$OUT"
export PYTHONUNBUFFERED=1
PY="${PYTHON:-python3}"
{ nvidia-smi; nvcc --version; $PY --version; g++ --version | head -1; cmake --version | head -1
  command -v compute-sanitizer; } > "$OUT/machine.txt" 2>&1
if ls .whl/*.whl > /dev/null 2>&1; then
    $PY -m pip install -q --no-index --no-deps --no-compile --no-cache-dir --upgrade --target /tmp/site .whl/*.whl \
        && export PYTHONPATH=/tmp/site
fi
export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
export TRANSPILE_TEST_COMPILEDIR="${TRANSPILE_TEST_COMPILEDIR:-/tmp/transpile-gpu-cache}"  # shared by the steps
mkdir -p "$TRANSPILE_TEST_COMPILEDIR"

# the benchmarks' functions are built beside the tests (CPU work only, one process per workload),
# so their timed run finds them in the compile cache
WORKLOADS="${BENCH_ONLY:-fused softmax sgemm overhead mlp}"
(for w in $WORKLOADS; do $PY benchmarks/gpu.py --compile-only --only "$w" & done; wait) > "$OUT/gpu-compile.log" 2>&1 &
COMPILING=$!

echo "== cuda tests"
PER_TEST=$($PY -c "import pytest_timeout" 2> /dev/null && echo "--timeout 200")  # a hung test fails alone
timeout "${TEST_TIMEOUT:-240}" $PY -m pytest -v -m cuda -n "${WORKERS:-12}" -p no:cacheprovider $PER_TEST -rfE --durations=15 \
    --junitxml "$OUT/cuda-tests.xml" ${TESTS:-tests/cuda tests/emit/test_cuda_kernels.py} ${TEST_FILTER:+-k "$TEST_FILTER"} \
    > "$OUT/cuda-tests.log" 2>&1
echo "exit $?"
grep -E "passed|failed|error" "$OUT/cuda-tests.log" | tail -3

echo "== benchmarks"
wait $COMPILING
echo "compile-only: exit $?"
timeout "${BENCH_TIMEOUT:-170}" $PY benchmarks/gpu.py --out "$OUT/gpu.json" ${BENCH_ONLY:+--only $BENCH_ONLY} \
    > "$OUT/gpu-bench.log" 2>&1
echo "exit $?"
cat "$OUT/gpu-bench.log" | tail -12

echo "== memcheck"
if [ "${MEMCHECK:-1}" = 1 ] && command -v compute-sanitizer > /dev/null; then
    timeout "${SANITIZER_TIMEOUT:-60}" compute-sanitizer --tool memcheck --error-exitcode 9 $PY -m pytest -q -m cuda \
        -p no:cacheprovider -x tests/cuda/test_cuda_ops.py \
        -k "${SANITIZED:-reductions_over or argmax or gathers_and_scatters or row_scatters or sorts or cumsum}" \
        > "$OUT/memcheck.log" 2>&1
    echo "exit $?"
    tail -5 "$OUT/memcheck.log"
fi
