#!/usr/bin/env bash
# The CPU backend against PyTorch in one run: for each model and mode, `bert bench` with fp32 and with bf16 GEMMs
# (--precision bf16; its row is skipped on a build without oneDNN), then PyTorch fp32 and bf16 autocast
# (Tools/reference/bench_pytorch.py), one after the other. PYTHON names an interpreter with torch and transformers
# (default python3); BERT a release `bert`; SPECS the "model mode" pairs (default: base, minilm and large, train and
# infer, batch 8 × 128).
#
#   swift build -c release && PYTHON=/path/to/venv/bin/python bash Tools/bench-cpu.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bert=${BERT:-.build/release/bert}
python=${PYTHON:-python3}
repetitions=${REPETITIONS:-3}
specs=${SPECS:-"base:train base:infer minilm:train minilm:infer large:train large:infer"}
for spec in $specs; do
    set -- ${spec/:/ }
    for precision in fp32 bf16; do
        echo "ours $1 $2 $precision: $("$bert" bench --model "$1" --mode "$2" --batch-size 8 --max-seq-length 128 --device cpu \
            --repetitions "$repetitions" --precision "$precision" 2>/dev/null | tail -1)"
    done
    for precision in fp32 bf16; do
        echo "$(HF_HUB_OFFLINE=1 "$python" Tools/reference/bench_pytorch.py --model "$1" --mode "$2" --batch-size 8 \
            --max-seq-length 128 --threads 2 --repetitions "$repetitions" --precision "$precision" | tail -1)"
    done
done
