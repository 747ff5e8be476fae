#!/usr/bin/env python3
"""Single-threaded tokenization throughput: SwiftBERT's `bert tokenize --benchmark` against HuggingFace's
BertTokenizerFast (Rust) and slow BertTokenizer (Python), on the same corpus, in one run.

Every implementation tokenizes every non-empty line of the corpus without [CLS]/[SEP]:
  * swift:        `bert tokenize --model DIR --input CORPUS --benchmark` (one line at a time, release build);
  * hf-fast:      `tokenizer._tokenizer.encode(line, add_special_tokens=False)`, one line at a time;
  * hf-fast-batch: `tokenizer._tokenizer.encode_batch(lines, add_special_tokens=False)` with
                  TOKENIZERS_PARALLELISM=false and RAYON_NUM_THREADS=1 (one thread);
  * hf-slow:      `tokenizer.encode(line, add_special_tokens=False)`, one line at a time.
The median of --repetitions timed passes (after one untimed pass) is reported; token counts must agree.

    swift build -c release --scratch-path .build-tok
    HF_HUB_OFFLINE=1 python Tools/reference/bench_tokenizers.py --model DIR --corpus kjv.txt \
        --bert .build-tok/release/bert
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import time

os.environ["TOKENIZERS_PARALLELISM"] = "false"
os.environ["RAYON_NUM_THREADS"] = "1"
os.environ.setdefault("HF_HUB_OFFLINE", "1")


def timed(passes, function):
    tokens = function()
    seconds = []
    for _ in range(passes):
        start = time.perf_counter()
        function()
        seconds.append(time.perf_counter() - start)
    return tokens, statistics.median(seconds)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", required=True, help="HuggingFace BERT model directory")
    parser.add_argument("--corpus", required=True, help="text file, one text per line")
    parser.add_argument("--bert", required=True, help="the release `bert` executable")
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--slow-repetitions", type=int, default=1)
    args = parser.parse_args()

    import transformers
    from transformers import BertTokenizer, BertTokenizerFast
    transformers.logging.set_verbosity_error()
    with open(args.corpus, encoding="utf-8", errors="ignore") as handle:
        lines = [line.rstrip("\n") for line in handle]
    lines = [line for line in lines if line]
    size = sum(len(line.encode("utf-8")) for line in lines)

    output = subprocess.run([args.bert, "tokenize", "--model", args.model, "--input", args.corpus, "--benchmark",
                             "--repetitions", str(args.repetitions)], check=True, capture_output=True, text=True).stdout
    match = re.search(r"(\d+) lines, (\d+) tokens, .*median ([0-9.]+) s", output)
    if not match:
        sys.exit("unexpected output from bert: " + output)
    results = [("SwiftBERT `bert tokenize --benchmark` (one line at a time)", int(match.group(2)), float(match.group(3)))]

    fast = BertTokenizerFast.from_pretrained(args.model)._tokenizer
    # A model's tokenizer.json may pad and truncate every encoding (all-MiniLM-L6-v2's pads to 128): turn both off.
    fast.no_padding()
    fast.no_truncation()
    results.append(("HF BertTokenizerFast, `encode` one line at a time",
                    *timed(args.repetitions, lambda: sum(len(fast.encode(l, add_special_tokens=False).ids) for l in lines))))
    results.append(("HF BertTokenizerFast, `encode_batch` (1 thread)",
                    *timed(args.repetitions, lambda: sum(len(e.ids) for e in fast.encode_batch(lines, add_special_tokens=False)))))
    slow = BertTokenizer.from_pretrained(args.model)
    results.append(("HF BertTokenizer (slow), `encode` one line at a time",
                    *timed(args.slow_repetitions, lambda: sum(len(slow.encode(l, add_special_tokens=False)) for l in lines))))

    counts = {tokens for _, tokens, _ in results}
    print("corpus: %s, %d lines, %.2f MB; token counts %s" % (args.corpus, len(lines), size / 1e6,
                                                              "agree" if len(counts) == 1 else "DIFFER: %s" % counts))
    swift_rate = results[0][1] / results[0][2]
    print("| tokenizer | tokens | seconds (median) | tokens/s | vs SwiftBERT |")
    print("|---|---|---|---|---|")
    for name, tokens, seconds in results:
        rate = tokens / seconds
        print("| %s | %d | %.3f | %s | %s |" % (name, tokens, seconds, format(int(rate), ","),
                                              "1" if rate == swift_rate else "%.1f× slower" % (swift_rate / rate)))


if __name__ == "__main__":
    main()
