#!/usr/bin/env bash
# The bad-input catalogue (docs/reliability.md): every `bert` command fed the bad inputs users really give — every
# file argument missing, empty, a folder, binary, truncated, unreadable, a FIFO and a symbolic-link loop; broken task
# files, model folders, checkpoints, SQuAD files, shards; out-of-range and unknown flags. Each case must
#   - exit non-zero by itself (not by a signal or the 60 s timeout),
#   - print an error of at most 3 lines (from the `Error:` line on), valid UTF-8 with no control bytes,
#   - name its input (the path, the line, the field or the flag: the case's expected text),
#   - print no stack trace, `Fatal error` or raw Foundation/POSIX error text,
#   - leave no finished model (`model/`) in its --output.
# It prints one line per case (PASS/FAIL, name, exit code, the error line) and ends with `N passed, N failed`.
#
#   bash Tools/bad-inputs.sh            # BERT=path/to/bert to use a built binary (default: swift build's debug one)
#   bash Tools/bad-inputs.sh -v         # also print each failing case's whole output
#   bash Tools/bad-inputs.sh --markdown # then the catalogue as a Markdown table (docs/reliability.md)
# Unreadable files are made so by running those cases as user nobody (setpriv) when run as root; where nobody cannot
# run the binary, those cases are skipped and counted.
set -uo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
verbose=${1:-}

if [ -z "${BERT:-}" ]; then
    swift build --product bert >&2 || exit 1
    BERT="$(swift build --show-bin-path)/bert"
fi
BERT=$(cd "$(dirname "$BERT")" && pwd)/$(basename "$BERT")
work=$(mktemp -d /tmp/swiftbert-bad-inputs.XXXXXX)
chmod 755 "$work"
trap 'chmod -R u+rwX "$work" 2>/dev/null; rm -rf "$work"' EXIT
export HOME="$work/home" SWIFTBERT_CACHE_DIR="$work/cache"
mkdir -p "$HOME" "$SWIFTBERT_CACHE_DIR"
chmod 777 "$HOME" "$SWIFTBERT_CACHE_DIR"

passed=0 failed=0 skipped=0
failures=()
table=()
# Can cases run as nobody (root, setpriv, and a binary nobody may run)?
as_nobody=0
if [ "$(id -u)" -ne 0 ]; then as_nobody=1
elif command -v setpriv > /dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups -- "$BERT" --help > /dev/null 2>&1; then
    as_nobody=1
fi

# ---------------------------------------------------------------------------------------------------------------
# Base inputs: a tiny model, a classification set, CoNLL, SQuAD, pre-training text and a shard.
tiny="$root/Tests/BERTTests/Fixtures/hf-tiny"
fixtures="$root/Tests/TasksTests/Fixtures"
base="$work/base"
mkdir -p "$base"
cp -r "$tiny" "$base/model"
words=(the of and to in is it you that he was for on are with as his they be at one have this from or had by hot
       word but what some we can out other were all there when up use your how said an each she which do their time)
{
    printf 'sentence\tlabel\n'
    for i in $(seq 0 31); do
        printf '%s %s %s %s\t%s\n' "${words[$((i % 50))]}" "${words[$(((i * 7) % 50))]}" "${words[$(((i * 3 + 1) % 50))]}" \
            "${words[$(((i * 11 + 5) % 50))]}" "$([ $((i % 2)) -eq 0 ] && echo pos || echo neg)"
    done
} > "$base/train.tsv"
cp "$base/train.tsv" "$base/dev.tsv"
cut -f1 "$base/train.tsv" | tail -n +2 > "$base/texts.txt"
cp "$fixtures/ner/train.txt" "$base/ner.txt"
cp "$fixtures/squad/train-v1.1.json" "$base/squad-v1.1.json"
cp "$fixtures/squad/train-v2.0.json" "$base/squad-v2.0.json"
cp "$fixtures/pretraining/text.txt" "$base/corpus.txt"
cp "$fixtures/pretraining/vocab.txt" "$base/corpus-vocab.txt"
"$BERT" create-pretraining-data --input "$base/corpus.txt" --vocab "$base/corpus-vocab.txt" --output "$base/shards" \
    --max-seq-length 32 --max-predictions-per-seq 5 > "$work/setup.log" 2>&1 || { cat "$work/setup.log"; exit 1; }
shard=$(ls "$base"/shards/*.sbpt | head -1)
"$BERT" finetune classify --model "$base/model" --train "$base/train.tsv" --text-column sentence --label-column label \
    --output "$base/run" --batch-size 8 --max-seq-length 16 --epochs 1 --save-every 2 --device cpu --threads 1 \
    > "$work/setup.log" 2>&1 || { cat "$work/setup.log"; exit 1; }
checkpoint="$base/run/checkpoints/step-000002"
finetuned="$base/run/model"

# ---------------------------------------------------------------------------------------------------------------
# The check of one case.
#   case NAME EXPECTED [--as-nobody] [--output-dir DIR] -- bert arguments…
# EXPECTED is text the error must contain (the input's path, line, field or flag).
case_() {
    local name=$1 expected=$2
    shift 2
    local nobody="" output_dir=""
    while [ "$1" != "--" ]; do
        case $1 in
            --as-nobody) nobody=1; shift ;;
            --output-dir) output_dir=$2; shift 2 ;;
            *) echo "bad-inputs: bad case options for $name" >&2; exit 2 ;;
        esac
    done
    shift
    local log="$work/case.log" rc=0 prefix=()
    if [ -n "$nobody" ] && [ "$as_nobody" -eq 0 ]; then
        skipped=$((skipped + 1))
        printf 'SKIP  %-58s      user nobody cannot run %s\n' "$name" "$BERT"
        return
    fi
    if [ -n "$nobody" ] && [ "$(id -u)" -eq 0 ]; then prefix=(setpriv --reuid=65534 --regid=65534 --clear-groups --); fi
    timeout 60 "${prefix[@]}" "$BERT" "$@" > "$log" 2>&1 < /dev/null || rc=$?
    local message problem=""
    message=$(awk '/^Error: / { found = 1 } found' "$log")
    [ -n "$message" ] || message=$(cat "$log")
    if [ "$rc" -eq 0 ]; then problem="exit 0"
    elif [ "$rc" -ge 124 ]; then problem="killed or timed out (exit $rc)"
    elif [ "$(printf '%s\n' "$message" | wc -l)" -gt 3 ]; then problem="error of more than 3 lines"
    elif ! iconv -f UTF-8 -t UTF-8 "$log" > /dev/null 2>&1; then problem="output not valid UTF-8"
    elif LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' "$log" || [ "$(tr -d '\000' < "$log" | wc -c)" -ne "$(wc -c < "$log")" ]; then
        problem="control bytes in the output"
    elif grep -qE 'Fatal error|Error Domain|NSCocoaErrorDomain|NSPOSIXErrorDomain|Stack dump|Backtrace|Current stack trace|Illegal instruction|Segmentation fault|Swift runtime failure|The operation could not be completed' "$log"; then
        problem="a crash or raw Foundation text"
    elif ! grep -qF -- "$expected" "$log"; then problem="does not name '$expected'"
    elif [ -n "$output_dir" ] && [ -e "$output_dir/model" ]; then problem="left a finished model in $output_dir"
    fi
    local line
    line=$(printf '%s' "$message" | head -1 | cut -c1-220)
    local command=$1
    case ${2:-} in -* | /* | "") ;; *) command="$1 $2" ;; esac
    table+=("| $name | \`bert $command\` | $(printf '%s' "$message" | head -1 | sed "s|$work/files/[a-z]*-[0-9]*/||g; s|$work/[a-z]*/||g; s|$work/||g; s|$root/||g; s/|/\\|/g") |")
    if [ -z "$problem" ]; then
        passed=$((passed + 1))
        printf 'PASS  %-58s %3d  %s\n' "$name" "$rc" "$line"
    else
        failed=$((failed + 1))
        failures+=("$name")
        printf 'FAIL  %-58s %3d  %s — %s\n' "$name" "$rc" "$problem" "$line"
        [ "$verbose" = -v ] && sed 's/^/      | /' "$log" | head -20
    fi
}

# A bad version of the file SOURCE, of KIND, at a fresh path ending like SOURCE; prints the path.
bad_file() {
    local kind=$1 source=$2 name
    name=$(basename "$source")
    local dir="$work/files/$kind-$RANDOM$RANDOM"
    mkdir -p "$dir"
    chmod 755 "$dir"
    local path="$dir/$name"
    case $kind in
        missing) ;;
        empty) : > "$path" ;;
        folder) mkdir "$path" ;;
        binary) head -c 3000 "$base/model/model.safetensors" > "$path" ;;
        truncated) head -c $(( $(wc -c < "$source") / 2 )) "$source" > "$path" ;;
        unreadable) cp "$source" "$path"; chmod 000 "$path" ;;
        fifo) mkfifo "$path" ;;
        loop) ln -s "$dir/loop-b" "$path"; ln -s "$path" "$dir/loop-b" ;;
    esac
    echo "$path"
}

kinds=(missing empty folder binary truncated unreadable fifo loop)
nobody_for() { [ "$1" = unreadable ] && echo --as-nobody; }
mkdir -p "$work/out" && chmod 777 "$work/out"
out() { echo "$work/out/$1-$RANDOM$RANDOM"; }
# A text file cut short is still a text file (its rows end earlier): truncation is a case for structured files only.
text_kind() { [ "$1" != truncated ]; }

classify=(--text-column sentence --label-column label --device cpu --threads 1)
train_flags=(--batch-size 8 --max-seq-length 16 --epochs 1)

# ---------------------------------------------------------------------------------------------------------------
# 1. Every file argument × every kind of bad file.
for kind in "${kinds[@]}"; do
  if text_kind "$kind"; then
    f=$(bad_file "$kind" "$base/train.tsv"); o=$(out train)
    case_ "finetune classify --train: $kind" "$f" $(nobody_for "$kind") --output-dir "$o" -- \
        finetune classify --model "$base/model" --train "$f" --output "$o" "${classify[@]}" "${train_flags[@]}"
    f=$(bad_file "$kind" "$base/dev.tsv"); o=$(out dev)
    case_ "finetune classify --dev: $kind" "$f" $(nobody_for "$kind") --output-dir "$o" -- \
        finetune classify --model "$base/model" --train "$base/train.tsv" --dev "$f" --output "$o" "${classify[@]}" "${train_flags[@]}"
    f=$(bad_file "$kind" "$base/texts.txt")
    case_ "predict classify --input: $kind" "$f" $(nobody_for "$kind") -- \
        predict classify --model "$finetuned" --input "$f" --output "$(out pred).jsonl" --text-column 0 --format tsv \
        --max-seq-length 16 --device cpu
    f=$(bad_file "$kind" "$base/dev.tsv")
    case_ "evaluate classify --dev: $kind" "$f" $(nobody_for "$kind") -- \
        evaluate classify --model "$finetuned" --dev "$f" "${classify[@]}"
    f=$(bad_file "$kind" "$base/texts.txt")
    case_ "extract-features --input: $kind" "$f" $(nobody_for "$kind") -- \
        extract-features --model "$base/model" --input "$f" --output "$(out features).jsonl" --layers -1 --max-seq-length 16 --device cpu
    f=$(bad_file "$kind" "$base/texts.txt")
    case_ "embed --input: $kind" "$f" $(nobody_for "$kind") -- \
        embed --model "$base/model" --input "$f" --output "$(out embeddings).npy" --max-seq-length 16 --device cpu
    if [ "$kind" != empty ]; then  # no lines in, no lines out, as `cat` does
        f=$(bad_file "$kind" "$base/texts.txt")
        case_ "tokenize --input: $kind" "$f" $(nobody_for "$kind") -- tokenize --model "$base/model" --input "$f"
    fi
    f=$(bad_file "$kind" "$base/model/vocab.txt")
    case_ "tokenize --vocab: $kind" "$f" $(nobody_for "$kind") -- tokenize --vocab "$f" --input "$base/texts.txt"
    f=$(bad_file "$kind" "$base/ner.txt"); o=$(out ner)
    case_ "finetune ner --train: $kind" "$f" $(nobody_for "$kind") --output-dir "$o" -- \
        finetune ner --model "$base/model" --train "$f" --output "$o" --device cpu --threads 1 "${train_flags[@]}"
    f=$(bad_file "$kind" "$base/corpus.txt")
    case_ "create-pretraining-data --input: $kind" "$f" $(nobody_for "$kind") -- \
        create-pretraining-data --input "$f" --vocab "$base/corpus-vocab.txt" --output "$(out shards)" --max-seq-length 32
    f=$(bad_file "$kind" "$base/corpus-vocab.txt")
    case_ "create-pretraining-data --vocab: $kind" "$f" $(nobody_for "$kind") -- \
        create-pretraining-data --input "$base/corpus.txt" --vocab "$f" --output "$(out shards)" --max-seq-length 32
  fi
    # Structured files: truncation too.
    f=$(bad_file "$kind" "$base/model/model.safetensors")
    case_ "inspect a .safetensors file: $kind" "$f" $(nobody_for "$kind") -- inspect "$f"
    f=$(bad_file "$kind" "$base/squad-v1.1.json"); o=$(out squad)
    case_ "finetune squad --train: $kind" "$f" $(nobody_for "$kind") --output-dir "$o" -- \
        finetune squad --model "$base/model" --train "$f" --output "$o" --device cpu --threads 1 --batch-size 8 --max-seq-length 32 \
        --max-query-length 16 --doc-stride 8 --epochs 1
    f=$(bad_file "$kind" "$base/squad-v1.1.json")
    case_ "evaluate squad --data: $kind" "$f" $(nobody_for "$kind") -- evaluate squad --data "$f" --predictions "$base/squad-v1.1.json"
    f=$(bad_file "$kind" "$shard"); o=$(out pretrain)
    case_ "pretrain --train shard: $kind" "$f" $(nobody_for "$kind") --output-dir "$o" -- \
        pretrain --config tiny --vocab "$base/corpus-vocab.txt" --train "$f" --output "$o" --num-train-steps 2 --batch-size 4 --device cpu
    # A model folder whose file is bad.
    for file in config.json vocab.txt model.safetensors; do
        folder="$work/models/$file-$kind"
        mkdir -p "$(dirname "$folder")"
        cp -r "$base/model" "$folder"
        chmod 755 "$folder"
        rm "$folder/$file"
        bad=$(bad_file "$kind" "$base/model/$file")
        if [ "$kind" != missing ]; then mv "$bad" "$folder/$file"; fi
        if [ "$kind" = loop ]; then ln -sfn "$folder/loop-b" "$folder/$file"; ln -sfn "$folder/$file" "$folder/loop-b"; fi
        case_ "model folder, $file: $kind" "$file" $(nobody_for "$kind") -- \
            extract-features --model "$folder" --input "$base/texts.txt" --output "$(out features).jsonl" --layers -1 --max-seq-length 16 \
            --device cpu
    done
done

# 2. Folder arguments that are not usable folders.
for kind in missing file fifo loop empty; do
    path="$work/folders/$kind"
    mkdir -p "$work/folders"
    case $kind in
        missing) ;;
        file) cp "$base/train.tsv" "$path" ;;
        fifo) mkfifo "$path" ;;
        loop) ln -s "$work/folders/loop-b" "$path"; ln -s "$path" "$work/folders/loop-b" ;;
        empty) mkdir -p "$path" ;;
    esac
    o=$(out model)
    case_ "finetune --model folder: $kind" "$path" --output-dir "$o" -- \
        finetune classify --model "$path" --train "$base/train.tsv" --output "$o" "${classify[@]}" "${train_flags[@]}"
    o=$(out resume)
    case_ "finetune --resume folder: $kind" "$path" --output-dir "$o" -- \
        finetune classify --model "$base/model" --train "$base/train.tsv" --output "$o" --resume "$path" "${classify[@]}" "${train_flags[@]}"
    case_ "inspect folder: $kind" "$path" -- inspect "$path"
    case_ "convert --from folder: $kind" "$path" -- convert --from "$path" --to "$(out convert)"
done

# 3. Flags out of range, unknown values and unknown flags: refused before any work, naming the flag.
finetune_with() {  # finetune_with NAME EXPECTED EXTRA-FLAGS…
    local name=$1 expected=$2 o
    shift 2
    o=$(out flags)
    case_ "$name" "$expected" --output-dir "$o" -- finetune classify --model "$base/model" --train "$base/train.tsv" \
        --output "$o" --text-column sentence --label-column label --device cpu --threads 1 --max-seq-length 16 \
        --epochs 1 "$@"
}
finetune_with "--batch-size 0" "--batch-size" --batch-size 0
finetune_with "--batch-size -1" "--batch-size" --batch-size -1
finetune_with "--batch-size not a number" "--batch-size" --batch-size eight
finetune_with "--learning-rate 0" "--learning-rate" --learning-rate 0
finetune_with "--learning-rate -1" "--learning-rate" --learning-rate -1
finetune_with "--learning-rate nan" "--learning-rate" --learning-rate nan
finetune_with "--learning-rate inf" "--learning-rate" --learning-rate inf
finetune_with "--epochs 0" "--epochs" --epochs 0
finetune_with "--epochs -1" "--epochs" --epochs -1
finetune_with "--warmup-proportion -0.1" "--warmup-proportion" --warmup-proportion -0.1
finetune_with "--warmup-proportion 1.5" "--warmup-proportion" --warmup-proportion 1.5
finetune_with "--max-seq-length beyond the positions" "max_position_embeddings" --max-seq-length 33
finetune_with "--max-seq-length 100000" "max_position_embeddings" --max-seq-length 100000
finetune_with "--max-seq-length 0" "--max-seq-length" --max-seq-length 0
finetune_with "--max-seq-length 2" "--max-seq-length" --max-seq-length 2
finetune_with "--micro-batch-size not dividing the batch" "--micro-batch-size" --batch-size 8 --micro-batch-size 3
finetune_with "--micro-batch-size 0" "--micro-batch-size" --micro-batch-size 0
finetune_with "--micro-batch-size larger than the batch" "--micro-batch-size" --batch-size 4 --micro-batch-size 8
finetune_with "--device gpu:7" "gpu:7" --device gpu:7
finetune_with "--device unknown" "--device" --device tpu
finetune_with "--device-memory too small for any plan" "--device-memory" --device-memory 1KiB
finetune_with "--device-memory unreadable" "--device-memory" --device-memory lots
finetune_with "--threads 0" "--threads" --threads 0
finetune_with "--optimizer unknown" "--optimizer" --optimizer sgd
finetune_with "--keep-checkpoints 0" "--keep-checkpoints" --keep-checkpoints 0
finetune_with "--save-every 0" "--save-every" --save-every 0
finetune_with "--eval-every 0" "--eval-every" --dev "$base/dev.tsv" --eval-every 0
finetune_with "--log-every 0" "--log-every" --log-every 0
finetune_with "--seed -1" "--seed" --seed -1
finetune_with "--weight-decay -1" "--weight-decay" --weight-decay -1
finetune_with "--max-grad-norm -1" "--max-grad-norm" --max-grad-norm -1
finetune_with "--precision unknown" "--precision" --precision fp8
finetune_with "--cpu-isa unknown" "--cpu-isa" --cpu-isa avx1024
finetune_with "--cpu-gemm unknown" "--cpu-gemm" --cpu-gemm magic
finetune_with "--recompute unknown" "--recompute" --recompute everything
finetune_with "--activations unknown" "--activations" --activations int4
finetune_with "--length-multiple 0" "--length-multiple" --length-multiple 0
finetune_with "--metric-for-best unknown" "--metric-for-best" --dev "$base/dev.tsv" --metric-for-best bleu
finetune_with "--metric-for-best without a dev set" "--dev" --metric-for-best accuracy
finetune_with "--early-stopping-patience 0" "--early-stopping-patience" --dev "$base/dev.tsv" --early-stopping-patience 0
finetune_with "--early-stopping-threshold -1" "--early-stopping-threshold" --dev "$base/dev.tsv" --early-stopping-patience 2 \
    --early-stopping-threshold -1
finetune_with "an unknown flag" "--no-such-flag" --no-such-flag
finetune_with "--task unknown" "--task" --task GLUEY
finetune_with "--format unknown" "--format" --format xml
finetune_with "--text-column that is not in the header" "nosuch" --text-column nosuch
finetune_with "--label-column that is not in the header" "nolabel" --label-column nolabel
finetune_with "--text-column index out of range" "9" --text-column 9
case_ "predict --batch-size 0" "--batch-size" -- predict classify --model "$finetuned" --input "$base/texts.txt" \
    --output "$(out pred).jsonl" --text-column 0 --format tsv --max-seq-length 16 --batch-size 0 --device cpu
case_ "extract-features --layers not numbers" "--layers" -- extract-features --model "$base/model" --input "$base/texts.txt" \
    --output "$(out features).jsonl" --layers top --max-seq-length 16 --device cpu
case_ "extract-features --layers out of range" "layer 5" -- extract-features --model "$base/model" --input "$base/texts.txt" \
    --output "$(out features).jsonl" --layers 5 --max-seq-length 16 --device cpu
case_ "extract-features --pooled unknown" "--pooled" -- extract-features --model "$base/model" --input "$base/texts.txt" \
    --output "$(out features).jsonl" --pooled max --max-seq-length 16 --device cpu
case_ "embed --output with another extension" "extension" -- embed --model "$base/model" --input "$base/texts.txt" \
    --output "$(out embeddings).csv" --max-seq-length 16 --device cpu
case_ "embed --pooling unknown" "--pooling" -- embed --model "$base/model" --input "$base/texts.txt" \
    --output "$(out embeddings).npy" --pooling weighted --max-seq-length 16 --device cpu
case_ "embed --output under a file" "train.tsv" -- embed --model "$base/model" --input "$base/texts.txt" \
    --output "$base/train.tsv/embeddings.npy" --max-seq-length 16 --device cpu
case_ "tokenize --compatibility unknown" "--compatibility" -- tokenize --model "$base/model" --compatibility spacy --input "$base/texts.txt"
case_ "tokenize without --model or --vocab" "--model" -- tokenize --input "$base/texts.txt"
for flag in "--masked-lm-prob 0" "--masked-lm-prob 1.5" "--dupe-factor 0" "--max-seq-length 2" "--short-seq-prob 2" \
            "--max-predictions-per-seq 0"; do
    set -- $flag
    case_ "create-pretraining-data $flag" "$1" -- create-pretraining-data --input "$base/corpus.txt" \
        --vocab "$base/corpus-vocab.txt" --output "$(out shards)" --max-seq-length 32 $flag
done
pretrain_with() {  # pretrain_with NAME EXPECTED EXTRA-FLAGS…
    local name=$1 expected=$2 o
    shift 2
    o=$(out pretrain)
    case_ "$name" "$expected" --output-dir "$o" -- pretrain --vocab "$base/corpus-vocab.txt" --train "$shard" --output "$o" \
        --batch-size 4 --device cpu "$@"
}
pretrain_with "pretrain --num-train-steps 0" "--num-train-steps" --config tiny --num-train-steps 0
pretrain_with "pretrain --config unknown size" "--config" --config gigantic --num-train-steps 2
pretrain_with "pretrain --phase garbage" "--phase" --config tiny --phase "steps=two"
pretrain_with "pretrain --micro-batch-size 0" "--micro-batch-size" --config tiny --num-train-steps 2 --micro-batch-size 0
pretrain_with "pretrain --train matching nothing" "nothing-here" --config tiny --num-train-steps 2 --train "$work/nothing-here/*.sbpt"
case_ "plan --task unknown" "--task" -- plan --model "$base/model" --task poetry --max-seq-length 16 --max-predictions-per-seq 5
case_ "bench --mode unknown" "--mode" -- bench --model "$base/model" --mode sprint --device cpu
case_ "selfcheck --gemm unknown" "--gemm" -- selfcheck --gemm magic --device cpu
case_ "an unknown command" "poem" -- poem

# 4. Task files that are files but not the data they should be.
data="$work/data"
mkdir -p "$data"
printf 'sentence\tlabel\n' > "$data/header-only.tsv"
{ cat "$base/train.tsv"; printf 'good movie,pos\n'; } > "$data/mixed-delimiters.tsv"
{ cat "$base/train.tsv"; printf '\tpos\n'; } > "$data/empty-text.tsv"
{ cat "$base/train.tsv"; printf 'the one\tmaybe\n'; } > "$data/unknown-label.tsv"
{ cat "$base/train.tsv"; printf '\001\002\003\tpos\n'; } > "$data/no-tokens.tsv"
printf 'id,review,sentiment\nr1,"unterminated,pos\n' > "$data/unterminated.csv"
printf '{"text": "good", "label": "pos"}\n{"text": "bad", "label": \n' > "$data/broken.jsonl"
printf '{"text": "good", "label": "pos"}\n[1, 2]\n' > "$data/not-an-object.jsonl"
sed 's/\tpos$/\tgreat/; s/\tneg$/\tawful/' "$base/dev.tsv" > "$data/dev-other-labels.tsv"
printf 'sentence\tscore\nthe one\t0.5\nthe two\thigh\n' > "$data/bad-score.tsv"
finetune_on() {  # finetune_on NAME EXPECTED TRAIN EXTRA…
    local name=$1 expected=$2 train=$3 o
    shift 3
    o=$(out data)
    case_ "$name" "$expected" --output-dir "$o" -- finetune classify --model "$base/model" --train "$train" --output "$o" \
        --device cpu --threads 1 --max-seq-length 16 --epochs 1 "$@"
}
finetune_on "task file with a header and no rows" "header-only.tsv" "$data/header-only.tsv" --text-column sentence --label-column label
finetune_on "task file with mixed delimiters" "mixed-delimiters.tsv:34" "$data/mixed-delimiters.tsv" --text-column sentence --label-column label
finetune_on "task file with an empty text" "empty-text.tsv:34" "$data/empty-text.tsv" --text-column sentence --label-column label
finetune_on "task file with a text that tokenizes to nothing" "no-tokens.tsv:34" "$data/no-tokens.tsv" --text-column sentence --label-column label
finetune_on "dev labels not in the training labels" "dev-other-labels.tsv" "$base/train.tsv" --dev "$data/dev-other-labels.tsv" \
    --text-column sentence --label-column label
finetune_on "CSV with an unterminated quote" "unterminated.csv" "$data/unterminated.csv" --text-column review --label-column sentiment
finetune_on "JSONL with a broken line" "broken.jsonl:2" "$data/broken.jsonl" --text-column text --label-column label
finetune_on "JSONL with a line that is not an object" "not-an-object.jsonl:2" "$data/not-an-object.jsonl" --text-column text --label-column label
finetune_on "regression with a label that is not a number" "bad-score.tsv:3" "$data/bad-score.tsv" --text-column sentence \
    --label-column score --regression
finetune_on "column names given for a file without a header" "nosuch" "$base/texts.txt" --format tsv --text-column nosuch --label-column label
finetune_on "a GLUE task on a file of another layout" "train.tsv" "$base/train.tsv" --task MRPC

# 5. Model folders whose files are each valid but do not belong together.
model_case() {  # model_case NAME EXPECTED EDIT-COMMAND… (run inside a copy of the tiny model)
    local name=$1 expected=$2 folder
    shift 2
    folder="$work/models/case-$RANDOM$RANDOM"
    cp -r "$base/model" "$folder"
    (cd "$folder" && eval "$*")
    case_ "model folder: $name" "$expected" -- extract-features --model "$folder" --input "$base/texts.txt" \
        --output "$(out features).jsonl" --layers -1 --max-seq-length 16 --device cpu
}
model_case "no files at all" "model.safetensors" 'rm -f ./*'
model_case "a vocab shorter than the embedding" "vocab" 'head -50 vocab.txt > v && mv v vocab.txt'
model_case "a vocab longer than the embedding" "vocab" 'cat vocab.txt vocab.txt > v && mv v vocab.txt'
model_case "config hidden size unlike the weights" "the configuration needs" 'sed -i "s/\"hidden_size\": 16/\"hidden_size\": 32/" config.json'
model_case "config with more layers than the weights" "layer.2" 'sed -i "s/\"num_hidden_layers\": 2/\"num_hidden_layers\": 3/" config.json'
model_case "config heads not dividing the width" "num_attention_heads" 'sed -i "s/\"num_attention_heads\": 2/\"num_attention_heads\": 3/" config.json'
model_case "config that is not JSON" "config.json" 'printf "{hidden_size: 16" > config.json'
model_case "config with a field of the wrong type" "hidden_size" 'sed -i "s/\"hidden_size\": 16/\"hidden_size\": \"sixteen\"/" config.json'
model_case "config with an unknown activation" "hidden_act" 'sed -i "s/\"hidden_act\": \"gelu\"/\"hidden_act\": \"swish\"/" config.json'
model_case "safetensors with an unknown dtype" "F17" 'sed -i "0,/\"F32\"/s//\"F17\"/" model.safetensors'
model_case "safetensors with a shape unlike its bytes" "LayerNorm.bias" 'sed -i "0,/\"shape\":\[16\]/s//\"shape\":\[17\]/" model.safetensors'
model_case "safetensors with overlapping tensors" "overlap" 'sed -i "0,/\[64,128\]/s//[0 ,64 ]/" model.safetensors'
model_case "safetensors with offsets past the end" "model.safetensors" 'sed -i "0,/\[0,64\]/s//[0,99]/" model.safetensors'
model_case "safetensors whose header is not JSON" "model.safetensors" 'sed -i "0,/{\"__metadata__\"/s//[\"__metadata__\"/" model.safetensors'
model_case "safetensors with a 2^60 header length" "model.safetensors" 'printf "\000\000\000\000\000\000\000\020" | dd of=model.safetensors bs=1 count=8 conv=notrunc 2> /dev/null'

# 6. Resuming from a checkpoint that is not this run's, or not whole.
resume_case() {  # resume_case NAME EXPECTED CHECKPOINT-EDIT EXTRA-FLAGS…
    local name=$1 expected=$2 edit=$3 folder o
    shift 3
    folder="$work/checkpoints/case-$RANDOM$RANDOM"
    mkdir -p "$work/checkpoints"
    cp -r "$checkpoint" "$folder"
    (cd "$folder" && eval "$edit")
    o=$(out resume)
    case_ "--resume $name" "$expected" --output-dir "$o" -- finetune classify --model "$base/model" --train "$base/train.tsv" \
        --output "$o" --resume "$folder" "${classify[@]}" "${train_flags[@]}" "$@"
}
resume_case "from a run with another seed" "seed" ':' --seed 99
resume_case "from a run with another batch size" "batch size" ':' --batch-size 4
resume_case "from a model with no training state" "trainer_state.json" 'rm trainer_state.json'
resume_case "with the optimizer state missing" "optimizer" 'rm optimizer.safetensors'
resume_case "with the optimizer state cut short" "optimizer.safetensors" 'head -c 5000 optimizer.safetensors > o && mv o optimizer.safetensors'
resume_case "with a newer state format" "version" 'sed -i "s/\"version\" : 1/\"version\" : 99/; s/\"version\": 1/\"version\": 99/" trainer_state.json'
resume_case "with a state that is not JSON" "trainer_state.json" 'printf "step 2" > trainer_state.json'
resume_case "from another model's checkpoint" "classifier.weight" 'cp "$base/model/model.safetensors" model.safetensors'

# 7. SQuAD files that parse but are not SQuAD.
squad_case() {  # squad_case NAME EXPECTED JSON
    local file o
    file="$work/data/squad-$RANDOM.json"
    printf '%s' "$3" > "$file"
    o=$(out squad)
    case_ "SQuAD: $1" "$2" --output-dir "$o" -- finetune squad --model "$base/model" --train "$file" --output "$o" \
        --device cpu --threads 1 --batch-size 8 --max-seq-length 32 --max-query-length 16 --doc-stride 8 --epochs 1
}
squad_case "empty data" "data" '{"version": "1.1", "data": []}'
squad_case "no data field" "data" '{"version": "1.1"}'
squad_case "an answer outside its context" "answer_start" '{"version": "1.1", "data": [{"title": "t", "paragraphs": [{"context": "a short text", "qas": [{"id": "q1", "question": "what", "answers": [{"text": "short", "answer_start": 40}]}]}]}]}'
squad_case "an answer unlike the context at its start" "answer" '{"version": "1.1", "data": [{"title": "t", "paragraphs": [{"context": "a short text", "qas": [{"id": "q1", "question": "what", "answers": [{"text": "long", "answer_start": 2}]}]}]}]}'
squad_case "a question without answers in v1.1" "exactly one answer" '{"version": "1.1", "data": [{"title": "t", "paragraphs": [{"context": "a short text", "qas": [{"id": "q1", "question": "what", "answers": []}]}]}]}'
squad_case "a top level that is a list" "squad" '[1, 2, 3]'

squad_flags() {  # squad_flags NAME EXPECTED FLAGS… (after the defaults, so they win)
    local name=$1 expected=$2 o
    shift 2
    o=$(out squad)
    case_ "SQuAD $name" "$expected" --output-dir "$o" -- finetune squad --model "$base/model" --train "$base/squad-v1.1.json" \
        --output "$o" --device cpu --threads 1 --batch-size 8 --epochs 1 --max-seq-length 32 --max-query-length 16 --doc-stride 8 "$@"
}
squad_flags "--max-seq-length below the question's room" "--max-seq-length" --max-seq-length 12
squad_flags "--max-query-length 0" "--max-query-length" --max-query-length 0
squad_flags "--doc-stride 0" "--doc-stride" --doc-stride 0
squad_flags "--n-best-size 0" "--n-best-size" --n-best-size 0
squad_flags "--max-answer-length 0" "--max-answer-length" --max-answer-length 0
squad_flags "--null-score-diff-threshold nan" "--null-score-diff-threshold" --null-score-diff-threshold nan

# 8. Pre-training shards that are not whole or not for this model.
shard_case() {  # shard_case NAME EXPECTED EDIT (on a copy of the shard, $s) EXTRA…
    local name=$1 expected=$2 edit=$3 s o
    shift 3
    s="$work/shards-$RANDOM.sbpt"
    cp "$shard" "$s"
    eval "$edit"
    o=$(out pretrain)
    case_ "shard: $name" "$expected" --output-dir "$o" -- pretrain --config tiny --train "$s" --output "$o" --num-train-steps 2 \
        --batch-size 4 --device cpu "$@"
}
shard_case "a corrupt byte (checksum)" "checksum" 'printf "\377" | dd of="$s" bs=1 seek=4000 count=1 conv=notrunc 2> /dev/null' --vocab "$base/corpus-vocab.txt"
shard_case "made with another vocabulary" "vocab" ':' --vocab "$base/model/vocab.txt"
shard_case "cut short" "sbpt" 'head -c 3000 "$s" > "$s.cut" && mv "$s.cut" "$s"' --vocab "$base/corpus-vocab.txt"
shard_case "not a shard" "sbpt" 'cp "$base/corpus.txt" "$s"' --vocab "$base/corpus-vocab.txt"

# 9. Outputs that cannot be written, and the remaining inputs: tokenizer files, NER tags, SQuAD scoring, pre-training.
mkdir -p "$work/readonly" && chmod 555 "$work/readonly"
case_ "predict --output is a folder" "$work/out" -- predict classify --model "$finetuned" --input "$base/texts.txt" \
    --output "$work/out" --format tsv --text-column 0 --max-seq-length 16 --device cpu
case_ "predict --output under /proc" "/proc/swiftbert" -- predict classify --model "$finetuned" --input "$base/texts.txt" \
    --output /proc/swiftbert/preds.jsonl --format tsv --text-column 0 --max-seq-length 16 --device cpu
case_ "predict --output in a read-only folder" "readonly" --as-nobody -- predict classify --model "$finetuned" \
    --input "$base/texts.txt" --output "$work/readonly/preds.jsonl" --format tsv --text-column 0 --max-seq-length 16 --device cpu
case_ "extract-features --output under a file" "train.tsv" -- extract-features --model "$base/model" --input "$base/texts.txt" \
    --output "$base/train.tsv/features.jsonl" --layers -1 --max-seq-length 16 --device cpu
case_ "evaluate --output under a file" "train.tsv" -- evaluate classify --model "$finetuned" --dev "$base/dev.tsv" \
    --output "$base/train.tsv/metrics.json" "${classify[@]}" --max-seq-length 16
o=$(out readonly)
case_ "finetune --output in a read-only folder" "readonly" --as-nobody --output-dir "$work/readonly/run" -- finetune classify \
    --model "$base/model" --train "$base/train.tsv" --output "$work/readonly/run" "${classify[@]}" "${train_flags[@]}"
case_ "create-pretraining-data --output is a file" "train.tsv" -- create-pretraining-data --input "$base/corpus.txt" \
    --vocab "$base/corpus-vocab.txt" --output "$base/train.tsv" --max-seq-length 32
case_ "convert --to is a file" "train.tsv" -- convert --from "$base/model" --to "$base/train.tsv"
case_ "convert --to an existing model" "model" -- convert --from "$base/model" --to "$finetuned"
# (tokenizer_config.json's added tokens would supply them, as in transformers; so it goes too.)
model_case "a vocab without [CLS]" "[CLS]" 'sed -i "s/^\[CLS\]$/[CLX]/" vocab.txt; rm tokenizer_config.json special_tokens_map.json'
model_case "a vocab without [UNK]" "[UNK]" 'sed -i "s/^\[UNK\]$/[UNX]/" vocab.txt; rm tokenizer_config.json special_tokens_map.json'
model_case "tokenizer_config.json that is not JSON" "tokenizer_config.json" 'printf "do_lower_case = true" > tokenizer_config.json'
model_case "tokenizer_config.json with do_lower_case a string" "do_lower_case" 'printf "{\"do_lower_case\": \"yes\"}" > tokenizer_config.json'
ner_case() {  # ner_case NAME EXPECTED TRAIN [DEV]
    local o
    o=$(out ner)
    case_ "NER: $1" "$2" --output-dir "$o" -- finetune ner --model "$base/model" --train "$3" ${4:+--dev "$4"} --output "$o" \
        --device cpu --threads 1 --batch-size 8 --max-seq-length 16 --epochs 1
}
ner_case "one column, no tags" "one-column.txt" "$fixtures/ner/one-column.txt"
ner_case "a tag outside BIO" "bad-tag.txt" "$fixtures/ner/bad-tag.txt"
ner_case "a dev tag not in training" "unknown-tag.txt" "$base/ner.txt" "$fixtures/ner/unknown-tag.txt"
ner_case "only -DOCSTART-" "docstart-only.txt" "$fixtures/ner/docstart-only.txt"
printf '{"q-who": "John"' > "$data/predictions-broken.json"
case_ "evaluate squad --predictions not JSON" "predictions-broken.json" -- evaluate squad --data "$base/squad-v1.1.json" \
    --predictions "$data/predictions-broken.json"
case_ "evaluate squad --predictions missing" "none.json" -- evaluate squad --data "$base/squad-v1.1.json" --predictions "$data/none.json"
case_ "evaluate squad with neither --predictions nor --model" "--predictions" -- evaluate squad --data "$base/squad-v1.1.json"
printf '{}' > "$data/predictions-empty.json"
case_ "evaluate squad --na-probabilities missing" "none-odds.json" -- evaluate squad --data "$base/squad-v2.0.json" \
    --predictions "$data/predictions-empty.json" --na-probabilities "$data/none-odds.json"
o=$(out pretrain)
case_ "pretrain --init-checkpoint missing" "no-model" --output-dir "$o" -- pretrain --init-checkpoint "$work/no-model" \
    --train "$shard" --output "$o" --num-train-steps 2 --batch-size 4 --device cpu
printf '{"hidden_size": 16' > "$data/config-broken.json"
o=$(out pretrain)
case_ "pretrain --config a broken config.json" "config-broken.json" --output-dir "$o" -- pretrain --config "$data/config-broken.json" \
    --vocab "$base/corpus-vocab.txt" --train "$shard" --output "$o" --num-train-steps 2 --batch-size 4 --device cpu
o=$(out pretrain)
case_ "pretrain without --config or --init-checkpoint" "--config" --output-dir "$o" -- pretrain --vocab "$base/corpus-vocab.txt" \
    --train "$shard" --output "$o" --num-train-steps 2 --batch-size 4 --device cpu
case_ "plan --model missing" "no-model" -- plan --model "$work/no-model" --task classify --max-seq-length 16 \
    --max-predictions-per-seq 5
case_ "bench --model missing" "no-model" -- bench --model "$work/no-model" --device cpu

if [ "$verbose" = --markdown ]; then
    echo
    echo "| case | command | what the user sees |"
    echo "|---|---|---|"
    printf '%s\n' "${table[@]}"
fi
echo
echo "$passed passed, $failed failed$([ "$skipped" -gt 0 ] && echo ", $skipped skipped")"
[ "$failed" -eq 0 ]
