#!/usr/bin/env bash
# run.sh — the GPU acceptance run: proves SwiftBERT's OpenCL backend on a real GPU and measures it, in under 9
# minutes on an H100, with bash and coreutils only (every step under its own `timeout`, all of them within one time
# budget; a failed step is recorded and the run goes on).
#
#   bash run.sh OUT [--allow-cpu-opencl]
#
# From the unpacked kit (Tools/gpu-kit/bundle.sh: bin/, lib/, reference/) or, in a checkout, with
# SWIFTBERT_KIT_BIN naming a folder holding `bert` and `bert-prof`. Everything goes into OUT:
#   1. the vendor's OpenCL driver (libnvidia-opencl.so.1, libamdocl64.so or libigdrcl.so, found under
#      /usr/local/nvidia, /usr/lib*, /opt/rocm* or by `ldconfig -p`; and any /etc/OpenCL/vendors/*.icd) registered
#      in a private ICD folder (OCL_ICD_VENDORS); none found: one line and exit 3;
#   2. devices.log, selfcheck.log: `bert devices`; every op on the best-ranked real GPU (`--device opencl`, as
#      every later step) against the CPU backend; no real GPU: exit 3 (a dry run goes on with the CPU device);
#   3. profile.log, trace.json: `bert-prof profile` of a BERT-Base 8×128 training step, each op against the card's
#      measured peaks, and its Chrome trace;
#   4. bench-*.log: `bert bench` train and infer, base 8×128 and large 8×384 on the GPU, base on the CPU backend;
#   5. plan.log: `bert plan` for BERT-Large SQuAD at 384 in 12 GiB with 2 real steps (measured peak vs plan);
#   6. tune.log, profile-tuned.log: a short CLBlast tuning for the step's GEMM shapes, then the profile again;
#   7. pytorch-*.log: PyTorch CUDA fp32 and bf16 at the bench shapes, when torch with CUDA and transformers import;
#   8. summary.md: one table, every step with its status, time and headline figure.
# --allow-cpu-opencl accepts an OpenCL CPU device (PoCL) and runs everything at tiny sizes: the dry run CI makes
# (under 3 minutes) so the script is known to work before a GPU runs it.
set -uo pipefail

dry=0
target=""
for argument in "$@"; do
    case "$argument" in
        --allow-cpu-opencl) dry=1 ;;
        -*) echo "run.sh: unknown option $argument (usage: bash run.sh OUT [--allow-cpu-opencl])" >&2; exit 2 ;;
        *) target=$argument ;;
    esac
done
if [ -z "$target" ]; then
    echo "usage: bash run.sh OUT [--allow-cpu-opencl]" >&2
    exit 2
fi
out=$(mkdir -p -- "$target" && cd -- "$target" && pwd) || { echo "run.sh: cannot use $target as the output folder" >&2; exit 2; }
kit=$(cd "$(dirname "$0")" && pwd)
bin=${SWIFTBERT_KIT_BIN:-$kit/bin}
bert="$bin/bert"
prof="$bin/bert-prof"
for tool in "$bert" "$prof"; do
    if [ ! -x "$tool" ]; then
        echo "run.sh: $tool is missing (unpack the kit, or set SWIFTBERT_KIT_BIN to a folder with bert and bert-prof)" >&2
        exit 2
    fi
done
[ -d "$kit/lib" ] && export LD_LIBRARY_PATH="$kit/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
started=$(date +%s)

# 1. The vendor's OpenCL driver, in a private ICD folder.
icd="$out/icd"
mkdir -p "$icd"
found=()
searched="libnvidia-opencl.so.1, libamdocl64.so, libigdrcl.so under /usr/local/nvidia, /usr/lib*, /opt/rocm*, ldconfig -p; /etc/OpenCL/vendors/*.icd"
for name in libnvidia-opencl.so.1 libamdocl64.so libigdrcl.so; do
    path=$(find /usr/local/nvidia /usr/lib /usr/lib64 /usr/lib/x86_64-linux-gnu /opt/rocm* -name "$name" 2>/dev/null | head -1)
    [ -z "$path" ] && path=$(ldconfig -p 2>/dev/null | awk -v n="$name" '$1 == n { print $NF; exit }')
    if [ -n "$path" ]; then
        echo "$path" > "$icd/${name%%.so*}.icd"
        found+=("$path")
    fi
done
for file in /etc/OpenCL/vendors/*.icd; do
    [ -e "$file" ] || continue
    case "$(basename "$file")" in
        pocl*) [ "$dry" = 1 ] || continue ;;
    esac
    # A driver found above is registered once.
    library=$(head -1 "$file")
    duplicate=0
    for path in "${found[@]}"; do [ "$(basename "$path")" = "$(basename "$library")" ] && duplicate=1; done
    [ "$duplicate" = 1 ] && continue
    cp "$file" "$icd/" && found+=("$file")
done
if [ ${#found[@]} -eq 0 ]; then
    echo "run.sh: no OpenCL GPU driver found (looked for $searched)"
    exit 3
fi
export OCL_ICD_VENDORS="$icd"
echo "OpenCL drivers: ${found[*]}" | tee "$out/drivers.txt"

if [ "$dry" = 1 ]; then
    # A cache of its own (seeded with this machine's compiled kernels), so the tuning step does not touch the
    # CLBlast parameters this machine's runs use.
    user_cache="${SWIFTBERT_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/swiftbert}"
    export SWIFTBERT_CACHE_DIR="$out/cache"
    mkdir -p "$SWIFTBERT_CACHE_DIR"
    [ -d "$user_cache/opencl-programs" ] && cp -r "$user_cache/opencl-programs" "$SWIFTBERT_CACHE_DIR/"
    [ -d "$user_cache/cpu-gemm" ] && cp -r "$user_cache/cpu-gemm" "$SWIFTBERT_CACHE_DIR/"
    base=(--model tiny --batch-size 2 --max-seq-length 16) large=(--model mini --batch-size 2 --max-seq-length 32)
    profile=(--model tiny --batch 2 --seq 16) plan=(--model tiny --task squad --max-seq-length 64 --device-memory 1GiB)
    tune_seconds=15 reps=(--repetitions 2 --warmup 1)
else
    base=(--model base --batch-size 8 --max-seq-length 128) large=(--model large --batch-size 8 --max-seq-length 384)
    profile=(--model base --batch 8 --seq 128) plan=(--model large --task squad --max-seq-length 384 --device-memory 12GiB)
    tune_seconds=90 reps=(--repetitions 5 --warmup 1)
fi

: > "$out/steps.tsv"
# step NAME SECONDS COMMAND…: runs COMMAND under `timeout`, output in OUT/NAME.log, one line in steps.tsv.
# A step gets at most what is left of the whole run's budget (SWIFTBERT_KIT_SECONDS, default 530: a GPU machine's
# 10-minute command limit less unpacking), and is skipped when under 10 s are left.
deadline=$((started + ${SWIFTBERT_KIT_SECONDS:-530}))
step() {
    local name=$1 limit=$2 start status left
    shift 2
    start=$(date +%s)
    left=$((deadline - start))
    if [ "$left" -lt 10 ]; then
        printf '%s\t%s\t0\n' "$name" "skipped: the run's time budget is spent" >> "$out/steps.tsv"
        echo "[$(( start - started )) s] $name: skipped (time budget spent)"
        return
    fi
    [ "$limit" -gt "$left" ] && limit=$left
    timeout "$limit" "$@" > "$out/$name.log" 2>&1
    status=$?
    local verdict=ok
    [ "$status" -eq 124 ] && verdict="timed out after ${limit} s"
    [ "$status" -ne 0 ] && [ "$status" -ne 124 ] && verdict="failed ($status)"
    printf '%s\t%s\t%s\n' "$name" "$verdict" "$(( $(date +%s) - start ))" >> "$out/steps.tsv"
    echo "[$(( $(date +%s) - started )) s] $name: $verdict"
}

step devices 60 "$bert" devices
# Every later step uses `--device opencl`: the best-ranked real GPU (AutoDeviceRule). Without one, only a dry run goes on.
if [ "$dry" = 0 ] && ! grep -q -- '--device auto → opencl:' "$out/devices.log"; then
    echo "run.sh: the drivers found give no usable OpenCL GPU (bert devices:)"
    sed 's/^/    /' "$out/devices.log"
    exit 3
fi
step selfcheck 240 "$bert" selfcheck --device opencl --repetitions 3
step profile 240 "$prof" profile --device opencl "${profile[@]}" --no-sweep --trace "$out/trace.json"
for mode in train infer; do
    step "bench-gpu-base-$mode" 120 "$bert" bench --device opencl "${base[@]}" --mode "$mode" "${reps[@]}"
    step "bench-gpu-large-$mode" 150 "$bert" bench --device opencl "${large[@]}" --mode "$mode" "${reps[@]}"
    step "bench-cpu-base-$mode" 120 "$bert" bench --device cpu "${base[@]}" --mode "$mode" --repetitions 3 --warmup 1
done
step plan 240 "$bert" plan --device opencl "${plan[@]}" --run-steps 2
step tune $((tune_seconds + 60)) "$prof" tune --device opencl "${profile[@]}" --max-seconds "$tune_seconds"
step profile-tuned 240 "$prof" profile --device opencl "${profile[@]}" --no-sweep

# 7. PyTorch on the same card, when it is there.
reference="$kit/reference/bench_pytorch.py"
[ -e "$reference" ] || reference="$kit/../reference/bench_pytorch.py"
if [ "$dry" = 0 ] && [ -e "$reference" ] && [ $(( $(date +%s) + 60 )) -lt "$deadline" ] && timeout 60 python3 -c "import torch, transformers; assert torch.cuda.is_available()" 2>/dev/null; then
    for precision in fp32 bf16; do
        for mode in train infer; do
            step "pytorch-base-$mode-$precision" 120 python3 "$reference" --device cuda "${base[@]}" --mode "$mode" --precision "$precision"
            step "pytorch-large-$mode-$precision" 150 python3 "$reference" --device cuda "${large[@]}" --mode "$mode" --precision "$precision"
        done
    done
else
    echo "PyTorch with CUDA and transformers not available (or a dry run): no PyTorch reference" | tee "$out/pytorch.txt"
fi

# 8. summary.md: every step, its status and time, and the figure that matters from its log.
figure() {
    local log="$out/$1.log"
    case "$1" in
        devices) grep -m1 -- '--device auto' "$log" ;;
        selfcheck) grep -m1 -E '^[0-9]+ passed, [0-9]+ failed' "$log" ;;
        profile|profile-tuned) { grep -m1 '^trace ' "$log" | sed 's/^trace [^:]*: //'; grep -m1 '^Σ' "$log"; } | cut -c1-120 | paste -sd ';' ;;
        bench-*) grep -m1 -oE '[0-9.]+ tokens/s.*' "$log" | cut -c1-120 ;;
        plan) grep -m1 'measured peak' "$log" | sed 's/^.*: measured/measured/' | cut -c1-160 ;;
        tune) grep -m1 '^database:' "$log" | cut -c1-160 ;;
        pytorch-*) grep -m1 -oE '[0-9.]+ tokens/s' "$log" ;;
    esac 2>/dev/null | tr '|' '/'
}
{
    echo "# GPU kit run"
    echo
    echo "$(date -u +%Y-%m-%dT%H:%M:%SZ); $(uname -srm); drivers: ${found[*]}"
    [ "$dry" = 1 ] && echo && echo "Dry run (--allow-cpu-opencl): tiny sizes on an OpenCL CPU device; no figure here is a GPU's."
    echo
    echo "| step | status | seconds | figure |"
    echo "|---|---|---|---|"
    while IFS=$'\t' read -r name verdict seconds; do
        echo "| $name | $verdict | $seconds | $(figure "$name") |"
    done < "$out/steps.tsv"
    echo
    echo "Total: $(( $(date +%s) - started )) s. Logs: one per step in this folder; trace.json opens in chrome://tracing."
} > "$out/summary.md"
cat "$out/summary.md"
failures=$(awk -F'\t' '$2 != "ok"' "$out/steps.tsv" | wc -l)
[ "$failures" -eq 0 ]
