#!/usr/bin/env bash
# oclgrind-check.sh — every OpenCL kernel variant run on Oclgrind, a strict OpenCL simulator, with its data-race
# check on (OCLGRIND_DATA_RACES=1) and its invalid-access and barrier-divergence checks (always on):
#   1. `bert selfcheck --launch-variants`: the double-precision references and every op of the op catalogue (each
#      op in each of its variants: dropout and masks on and off, residual LayerNorm, every GELU form and loss,
#      fp32 ↔ half conversion), then every op that has a launch shape again under each shape the device allows
#      (row work-groups 16…1024, flash-attention work-groups × K/V tiles, element-wise local sizes), each
#      against its CPU twin;
#   2. a whole tiny training step (2 layers, H 128, batch 2 × seq 8, dropout on) with layer recompute and
#      half-stored activations (every recompute path's kernels are the ones it runs), and a forward pass
#      (inference attention).
# A step fails when `bert` fails (a kernel disagrees with its CPU twin) or when Oclgrind reports anything. Prints
# every check with its time, then "N passed, N failed"; exits 1 on any failure.
#
# Takes about 3 minutes on a 2-core machine (measured 2026-12-07, AMD EPYC: 43 s + 113 s + 29 s). Needs
# `apt-get install oclgrind`; builds `bert` (debug) when BERT does not name one. SWIFTBERT_OCLGRIND_UNINITIALIZED=1
# adds Oclgrind's uninitialised-value check (OCLGRIND_UNINITIALIZED=1) for a newer Oclgrind: 21.10's reports data
# the host wrote at an offset into a buffer as uninitialised (Tools/oclgrind/uninitialized-write-offset.py), so
# with it the run fails on reports that are not bugs (docs/kernels.md).
set -euo pipefail
cd "$(dirname "$0")/.."

icd=/usr/lib/oclgrind/liboclgrind-rt-icd.so
if [ ! -e "$icd" ]; then
    echo "oclgrind-check: Oclgrind is not installed ($icd missing; apt-get install oclgrind)" >&2
    exit 2
fi
bert=${BERT:-}
if [ -z "$bert" ]; then
    swift build --product bert >&2
    bert="$(swift build --show-bin-path)/bert"
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Only Oclgrind is visible, so it is opencl:0.
echo "$icd" > "$work/oclgrind.icd"
export OCL_ICD_VENDORS="$work"
export OCLGRIND_DATA_RACES=1
# Oclgrind writes its reports to standard error. (OCLGRIND_LOG is no use here: every new context — selfcheck
# reopens the device for each launch shape — starts the file afresh.) Each report names its kernel on a
# "Kernel:" line; fatal errors and unsupported instructions are reported without one.
report='^[[:space:]]+Kernel: |OCLGRIND|data race|Invalid (read|write)|divergence|Uninitiali[sz]ed|Unsupported instruction'
if [ "${SWIFTBERT_OCLGRIND_UNINITIALIZED:-0}" = 1 ]; then export OCLGRIND_UNINITIALIZED=1; fi

passed=0
failed=0
start_all=$(date +%s)

# run NAME COMMAND…: runs a step, prints its lines and time, and counts its checks (selfcheck's "ok"/"FAIL" lines,
# else the step as one check); any Oclgrind report on its standard error fails the step.
run() {
    local name=$1
    shift
    local start status=0
    start=$(date +%s)
    timeout 900 "$@" > "$work/out" 2>&1 || status=$?   # a hang on the simulator fails the step, not CI
    grep -E '^(ok|FAIL) ' "$work/out" || true
    local ok fail
    ok=$(grep -c '^ok ' "$work/out" || true)
    fail=$(grep -c '^FAIL ' "$work/out" || true)
    if [ "$ok" -eq 0 ] && [ "$fail" -eq 0 ]; then
        if [ "$status" -eq 0 ]; then ok=1; else fail=1; fi
    elif [ "$status" -ne 0 ] && [ "$fail" -eq 0 ]; then
        fail=1
    fi
    local reports
    reports=$(grep -v -E '^(ok|FAIL) |^device: ' "$work/out" | grep -c -E "$report" || true)
    if [ "$reports" -gt 0 ]; then
        echo "Oclgrind reported, during '$name' ($reports report lines; the first ones):"
        grep -v -E '^(ok|FAIL) |^device: ' "$work/out" | grep -E -B2 -A8 "$report" | head -60 | sed 's/^/    /' || true
        fail=$((fail + 1))
    fi
    if [ "$status" -ne 0 ]; then
        echo "'$name' exited with status $status:"
        tail -20 "$work/out" | sed 's/^/    /' || true
    fi
    passed=$((passed + ok))
    failed=$((failed + fail))
    echo "== $name: $ok passed, $fail failed, $(( $(date +%s) - start )) s"
}

run "catalogue and launch variants" "$bert" selfcheck --device opencl:0 --launch-variants --no-timing
step=(bench --device opencl:0 --model tiny --batch-size 2 --max-seq-length 8 --repetitions 1 --warmup 0)
run "training step, layer recompute, half activations" "$bert" "${step[@]}" --mode train --recompute layer --activations half
run "forward pass (inference attention)" "$bert" "${step[@]}" --mode infer

echo "oclgrind-check: $(( $(date +%s) - start_all )) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
