#!/usr/bin/env bash
# bundle.sh — packs the GPU acceptance kit: release `bert` and `bert-prof` with the Swift runtime linked statically
# (--static-swift-stdlib), every shared library they load that a bare Ubuntu lacks (CLBlast, the OpenCL ICD loader,
# OpenBLAS, oneDNN, …: `ldd` tells; glibc and the C++ runtime stay out), Tools/gpu-kit/run.sh, the PyTorch reference
# and docs/gpu.md, as one tar.xz of at most 48 MiB. Then it checks the bundle: unpacked in an empty folder and run
# with `env -i` (no /opt/swift, no PATH), `bert devices` must start.
#
#   bash Tools/gpu-kit/bundle.sh [OUT.tar.xz]      (default: gpu-kit.tar.xz in the current folder)
#
# Built without MPI (one process on the card). SWIFTBERT_DNNL=off leaves oneDNN out if the bundle would not fit.
# The build folder is .build-gpukit (git ignores it). On the GPU machine: tar -xJf gpu-kit.tar.xz &&
# bash swiftbert-gpu-kit/run.sh out (docs/gpu.md).
set -euo pipefail
out=$(realpath -m "${1:-gpu-kit.tar.xz}")
cd "$(dirname "$0")/../.."
limit=$((48 * 1024 * 1024))
scratch=.build-gpukit

for product in bert bert-prof; do
    SWIFTBERT_MPI=off swift build -c release --static-swift-stdlib --scratch-path "$scratch" --product "$product" >&2
done
bin=$(SWIFTBERT_MPI=off swift build -c release --static-swift-stdlib --scratch-path "$scratch" --show-bin-path)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
kit="$work/swiftbert-gpu-kit"
mkdir -p "$kit/bin" "$kit/lib" "$kit/reference"
cp "$bin/bert" "$bin/bert-prof" "$kit/bin/"
strip "$kit/bin/bert" "$kit/bin/bert-prof"
cp Tools/gpu-kit/run.sh "$kit/"
cp Tools/reference/bench_pytorch.py "$kit/reference/"
cp docs/gpu.md "$kit/README.md"

# The libraries to bring: everything ldd resolves except glibc's own and GCC's C++ runtime, which every Ubuntu has
# (apt needs them) in a version at least as new; bringing an older libstdc++ would shadow the one a GPU driver needs.
glibc='^(libc|libm|libdl|libpthread|librt|libresolv|libutil|ld-linux-x86-64|linux-vdso|libstdc\+\+|libgcc_s)\.so'
for binary in "$kit/bin/bert" "$kit/bin/bert-prof"; do
    ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// { print $3 }'
done | sort -u | while read -r library; do
    name=$(basename "$library")
    if [[ "$name" =~ $glibc ]]; then continue; fi
    cp -L "$library" "$kit/lib/$name"
done
# Every library must resolve into the kit or be one the bundle leaves to the system (this machine has them all,
# so "not found" alone would prove nothing).
outside=$(LD_LIBRARY_PATH="$kit/lib" ldd "$kit/bin/bert" "$kit/bin/bert-prof" | awk '$2 == "=>" { print $1 " " $3 }' \
    | while read -r name where; do
        [[ "$name" =~ $glibc ]] && continue
        [[ "$where" == "$kit/lib/"* ]] || echo "$name → $where"
    done)
if [ -n "$outside" ]; then
    echo "bundle.sh: libraries not taken from the bundle: $outside" >&2
    exit 1
fi
strip --strip-unneeded "$kit"/lib/*.so* 2>/dev/null || true

tar -C "$work" -cJf "$out" swiftbert-gpu-kit
size=$(stat -c %s "$out")
echo "bundle.sh: $out is $((size / 1024 / 1024)) MiB ($size bytes): $(ls "$kit/lib" | tr '\n' ' ')" >&2
if [ "$size" -gt "$limit" ]; then
    echo "bundle.sh: over the 48 MiB limit; build with SWIFTBERT_DNNL=off to leave oneDNN out" >&2
    exit 1
fi

# The check: a clean folder, no environment at all but the kit's own library folder and an empty ICD folder.
check="$work/check"
mkdir -p "$check/icd"
tar -C "$check" -xJf "$out"
if ! (cd "$check" && env -i LD_LIBRARY_PATH="$check/swiftbert-gpu-kit/lib" OCL_ICD_VENDORS="$check/icd" HOME="$check" \
        "$check/swiftbert-gpu-kit/bin/bert" devices > "$check/devices.log" 2>&1); then
    echo "bundle.sh: the unpacked bert did not start under env -i:" >&2
    cat "$check/devices.log" >&2
    exit 1
fi
echo "bundle.sh: bert devices starts from the unpacked bundle under env -i" >&2
