#!/usr/bin/env bash
# Crash test of checkpointing (docs/reliability.md). A real fine-tune of all-MiniLM-L6-v2 (36 steps, a checkpoint
# every 2 with its optimizer state, about 270 MB each) is killed with SIGKILL N times — every third kill the moment
# a checkpoint or model write of that process has begun, the others at a random moment — and after each kill it is
# started again with --resume from its newest checkpoint into the same --output. It checks that
#   - the newest checkpoint after every kill loads (`bert inspect`, and the next run says "resumed from" it);
#   - every run that finishes wrote a model.safetensors byte-identical to that of an uninterrupted run;
#   - no temporary entry (.NAME.tmp-PID-RANDOM, docs/reliability.md) is left once a run finishes.
# A run that finishes before its kill counts as a completed chain, and the next starts afresh.
#
#   bash Tools/crash-test.sh [N]       # N kills (default 30; CI runs 5)
#
# Environment: BERT (the bert binary; default: a release build), SWIFTBERT_MINILM_DIR (default: fetch-minilm.sh),
# CRASH_TEST_WORK (a folder to keep the runs in; default a temporary folder, removed at the end), CRASH_TEST_SEED
# (the kill moments; default the process ID, printed).
set -euo pipefail
cd "$(dirname "$0")/.."

trap 'echo "crash-test: FAILED: unexpected error at line $LINENO" >&2' ERR
kills=${1:-30}
if [ -z "${BERT:-}" ]; then
    swift build -c release --product bert >&2
    BERT=.build/release/bert
fi
model=${SWIFTBERT_MINILM_DIR:-$(bash Tools/fetch-minilm.sh)}
work=${CRASH_TEST_WORK:-$(mktemp -d)}
[ -n "${CRASH_TEST_WORK:-}" ] || trap 'rm -rf "$work"' EXIT
seed=${CRASH_TEST_SEED:-$$}
RANDOM=$seed
mkdir -p "$work"

# 96 rows of eight of the model's own words, two labels.
train="$work/train.tsv"
awk -v rows=96 '
    /^[a-z][a-z][a-z]+$/ && n < 800 { words[n++] = $0 }
    END {
        print "sentence\tlabel"
        for (i = 0; i < rows; i++) {
            line = ""
            for (j = 0; j < 8; j++) line = line (j ? " " : "") words[(i * 37 + j * 101) % n]
            print line "\t" (i % 3 == 0 ? "neg" : "pos")
        }
    }' "$model/vocab.txt" > "$train"

# The fine-tune; --output and --resume are added per run.
finetune=(finetune classify --model "$model" --train "$train" --text-column sentence --label-column label
          --batch-size 8 --max-seq-length 32 --epochs 3 --learning-rate 5e-5 --save-every 2 --keep-checkpoints 2
          --seed 7 --device cpu --threads 2)

newest() {  # the newest finished checkpoint of OUTPUT, or nothing
    local found=""
    for folder in "$1"/checkpoints/step-[0-9][0-9][0-9][0-9][0-9][0-9]; do
        [ -d "$folder" ] && found=$folder
    done
    echo "$found"
}

running() {  # PID is alive and not a zombie waiting to be reaped
    local state
    [ -r "/proc/$1/stat" ] || return 1
    read -r _ _ state _ < "/proc/$1/stat" || return 1
    [ "$state" != Z ]
}

temporaries() {  # the temporary entries under OUTPUT (a staging folder counts once; none when it does not exist yet)
    [ -d "$1" ] || { echo 0; return; }
    find "$1" -name '.*.tmp-*' -prune -print | wc -l
}

fail() {
    echo "crash-test: FAILED: $*" >&2
    exit 1
}

start=$(date +%s)
echo "crash-test: $kills kills, seed $seed, model $model, work $work"
"$BERT" "${finetune[@]}" --output "$work/reference" > "$work/reference.log" 2>&1 || { cat "$work/reference.log" >&2; fail "the uninterrupted run failed"; }
reference="$work/reference/model/model.safetensors"
echo "crash-test: uninterrupted run done in $(( $(date +%s) - start )) s"

out="$work/run"
killed=0 aimed_at_writes=0 in_writes=0 left_by_kills=0 loaded=0 starts=0 resumed=0 chains=0 identical=0 trial=0
check_finished() {  # a run into $out ended with status 0
    chains=$((chains + 1))
    cmp -s "$out/model/model.safetensors" "$reference" || fail "chain $chains: model.safetensors differs from the uninterrupted run's"
    identical=$((identical + 1))
    [ "$(temporaries "$out")" -eq 0 ] || fail "chain $chains: temporaries left: $(find "$out" -name '.*.tmp-*')"
    rm -rf "$out"
}

while [ "$killed" -lt "$kills" ]; do
    trial=$((trial + 1))
    log="$work/trial-$trial.log"
    checkpoint=$(newest "$out")
    resume=()
    [ -n "$checkpoint" ] && resume=(--resume "$checkpoint") && starts=$((starts + 1))
    # The subshell becomes bert (exec), so the kill below reaches bert itself.
    (exec "$BERT" "${finetune[@]}" --output "$out" "${resume[@]}") > "$log" 2>&1 &
    pid=$!
    if [ $((killed % 3)) -eq 2 ]; then
        # Inside a write: the moment a checkpoint or model staging folder of this process appears.
        while running "$pid"; do
            if compgen -G "$out/checkpoints/.step-*.tmp-$pid-*" > /dev/null || compgen -G "$out/.model.tmp-$pid-*" > /dev/null; then
                sleep "0.0$((RANDOM % 10))"
                break
            fi
            sleep 0.005
        done
        aimed=write
        aimed_at_writes=$((aimed_at_writes + 1))
    else
        sleep "$((RANDOM % 6)).$((RANDOM % 10))"
        aimed=random
    fi
    kill -9 "$pid" 2>/dev/null || true
    status=0
    wait "$pid" 2>/dev/null || status=$?
    if [ "$status" -eq 137 ]; then
        killed=$((killed + 1))
        left=$(temporaries "$out")
        [ "$left" -gt 0 ] && in_writes=$((in_writes + 1))
        left_by_kills=$((left_by_kills + left))
        # This run's resume, if it got that far.
        if [ -n "$checkpoint" ] && grep -q "resumed from $checkpoint at step" "$log"; then resumed=$((resumed + 1)); fi
        after=$(newest "$out")
        if [ -n "$after" ]; then
            "$BERT" inspect "$after" > /dev/null 2>&1 || fail "kill $killed: the newest checkpoint $after does not load"
            loaded=$((loaded + 1))
        fi
        echo "crash-test: kill $killed ($aimed) of trial $trial: newest ${after:-none}, temporaries left $left"
    elif [ "$status" -eq 0 ]; then
        check_finished
        echo "crash-test: trial $trial finished before its kill: chain $chains byte-identical, 0 temporaries"
    else
        cat "$log" >&2
        fail "trial $trial ended with status $status"
    fi
done

# The last chain to the end.
checkpoint=$(newest "$out")
log="$work/final.log"
resume=()
[ -n "$checkpoint" ] && resume=(--resume "$checkpoint") && starts=$((starts + 1))
"$BERT" "${finetune[@]}" --output "$out" "${resume[@]}" > "$log" 2>&1 || { cat "$log" >&2; fail "the final run failed"; }
if [ -n "$checkpoint" ] && grep -q "resumed from $checkpoint at step" "$log"; then resumed=$((resumed + 1)); fi
check_finished

echo "crash-test: $killed kills, $aimed_at_writes of them aimed inside a checkpoint or model write;" \
    "$in_writes kills left temporaries ($left_by_kills entries), every one removed by the next start;" \
    "the newest checkpoint loaded after $loaded kills (after the others there was none yet);" \
    "$starts runs resumed from the newest checkpoint ($resumed said so before their own kill or end);" \
    "$chains runs finished, $identical with a model.safetensors byte-identical to the uninterrupted run's;" \
    "0 temporaries left; $(( $(date +%s) - start )) s"
echo "crash-test: PASSED"
