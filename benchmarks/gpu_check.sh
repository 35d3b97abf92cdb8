#!/usr/bin/env bash
# The one prepared script for a machine with an NVIDIA GPU (issue 10): install, run the `cuda`
# test suite, then the GPU benchmarks; everything is written under $OUT (default ./gpu-out).
#   bash benchmarks/gpu_check.sh
set -uo pipefail
cd "$(dirname "$0")/.."
OUT="${OUT:-gpu-out}"
mkdir -p "$OUT"
nvidia-smi > "$OUT/nvidia-smi.txt" 2>&1
python -m pip install -q --no-deps --no-build-isolation -e . > "$OUT/install.log" 2>&1
python -m pytest -q -m cuda -p no:cacheprovider tests/cuda tests/emit 2>&1 | tee "$OUT/cuda-tests.log" | tail -30
python benchmarks/gpu.py --out "$OUT/gpu.json" 2>&1 | tee "$OUT/gpu-bench.log" | tail -12
