#!/usr/bin/env bash
# The main job on a fresh machine: install system packages, build `bert` (release), list the devices and
# self-check the CPU backend and the OpenCL device (GELU, element-wise ops, GEMM; GEMM timed against OpenBLAS).
set -euo pipefail
cd "$(dirname "$0")/.."

bash Tools/install-system-deps.sh
swift build -c release --product bert
bert=".build/release/bert"

"$bert" devices
echo
"$bert" selfcheck --device cpu
echo
"$bert" selfcheck --device opencl
