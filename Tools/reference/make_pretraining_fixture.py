#!/usr/bin/env python3
"""Golden fixture for `bert create-pretraining-data`: runs Google's ORIGINAL create_pretraining_data.py functions.

Usage (from the repository root; Google's repository checked out or exported at DIR):

    /work/venv/bin/python3 Tools/reference/make_pretraining_fixture.py --google-bert DIR \
        [--build-inputs MINILM_VOCAB] [--fixtures Tests/TasksTests/Fixtures/pretraining]

--build-inputs first (re)writes the fixture's text.txt (Genesis 1-3 from `bible -l0`, one verse per line, one
chapter per document, plus a few hand-written documents exercising the reader) and vocab.txt (the lines of a
real BERT uncased vocabulary kept when they are special tokens, single characters, "##" characters or one of the
text's most frequent words, so rarer words split into pieces for whole-word masking).

Then, for whole-word masking off and on, it calls Google's create_training_instances on text.txt with vocab.txt
(do_lower_case=True), seed 12345, dupe_factor 2, max_seq_length 32, max_predictions_per_seq 5, masked_lm_prob 0.15,
short_seq_prob 0.1, and writes expected.json: the instances as ids, in Google's order. Google's script imports
TensorFlow's TF1 API; a stub `tensorflow` module (gfile.GFile = open, logging, flags from absl) stands in for it.
"""
import argparse
import collections
import importlib
import json
import os
import re
import subprocess
import sys
import types

MAX_SEQ_LENGTH = 32
MAX_PREDICTIONS = 5
DUPE_FACTOR = 2
SEED = 12345

EXTRA_DOCUMENTS = """\
The café served crème brûlée and naïve pastries.
Nobody expected the Spanish Inquisition!
\u00a0\u2003
(The line above holds only Unicode spaces and ends the document.)

  Indented sentences are stripped before tokenizing.\t
\x00\x01
The line above tokenizes to nothing and does not end the document.
Unbelievably, extraordinarily, incomprehensibly long words split into pieces.



Documents may be separated by several blank lines.
A short one.
"""


def stub_tensorflow():
    """A `tensorflow` module with just what create_pretraining_data.py and tokenization.py touch."""
    from absl import flags as absl_flags
    import logging
    tf = types.ModuleType("tensorflow")
    tf.flags = absl_flags
    tf.gfile = types.SimpleNamespace(GFile=open, Glob=lambda pattern: [pattern])
    tf.logging = types.SimpleNamespace(info=logging.info, set_verbosity=lambda *_: None, INFO=logging.INFO)
    tf.app = types.SimpleNamespace(run=lambda *_: None)
    sys.modules["tensorflow"] = tf


def build_inputs(fixtures, minilm_vocab):
    raw = subprocess.run(["bible", "-l0", "Gen1:1-3:24"], check=True, capture_output=True, text=True).stdout
    documents = []
    for line in raw.splitlines():
        verse = re.match(r"^\s+\d+\s+(.*)$", line)
        if verse:
            documents[-1].append(verse.group(1).strip())
        elif line.strip():
            documents.append([])
    text = "\n\n".join("\n".join(d) for d in documents if d) + "\n\n" + EXTRA_DOCUMENTS
    with open(os.path.join(fixtures, "text.txt"), "w", encoding="utf-8") as f:
        f.write(text)
    words = collections.Counter(re.findall(r"[a-z]+", text.lower()))
    frequent = {w for w, _ in words.most_common(120)}
    specials = {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"}
    with open(minilm_vocab, encoding="utf-8") as f:
        real = [line.rstrip("\n") for line in f]
    def keep(token):
        if token in specials or token in frequent:
            return True
        piece = token[2:] if token.startswith("##") else token
        if len(piece) != 1 or not piece.isascii():
            return False
        return piece.isalpha() or (not token.startswith("##") and not piece.isalnum())
    vocab = [t for t in real if keep(t)]
    with open(os.path.join(fixtures, "vocab.txt"), "w", encoding="utf-8") as f:
        f.write("\n".join(vocab) + "\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--google-bert", required=True, help="folder holding Google's create_pretraining_data.py")
    parser.add_argument("--fixtures", default="Tests/TasksTests/Fixtures/pretraining")
    parser.add_argument("--build-inputs", metavar="MINILM_VOCAB", help="rewrite text.txt and vocab.txt first")
    args = parser.parse_args()
    if args.build_inputs:
        build_inputs(args.fixtures, args.build_inputs)
    stub_tensorflow()
    sys.path.insert(0, args.google_bert)
    cpd = importlib.import_module("create_pretraining_data")
    tokenization = importlib.import_module("tokenization")
    cpd.FLAGS(["create_pretraining_data"])
    text_path = os.path.join(args.fixtures, "text.txt")
    tokenizer = tokenization.FullTokenizer(vocab_file=os.path.join(args.fixtures, "vocab.txt"), do_lower_case=True)
    expected = {"max_seq_length": MAX_SEQ_LENGTH, "max_predictions_per_seq": MAX_PREDICTIONS, "dupe_factor": DUPE_FACTOR,
                "masked_lm_prob": 0.15, "short_seq_prob": 0.1, "random_seed": SEED, "do_lower_case": True}
    for name, whole_word in (("instances", False), ("whole_word_instances", True)):
        cpd.FLAGS.do_whole_word_mask = whole_word
        rng = cpd.random.Random(SEED)
        instances = cpd.create_training_instances([text_path], tokenizer, MAX_SEQ_LENGTH, DUPE_FACTOR, 0.1, 0.15,
                                                  MAX_PREDICTIONS, rng)
        expected[name] = [{
            "input_ids": tokenizer.convert_tokens_to_ids(i.tokens),
            "segment_ids": list(i.segment_ids),
            "masked_lm_positions": list(i.masked_lm_positions),
            "masked_lm_ids": tokenizer.convert_tokens_to_ids(i.masked_lm_labels),
            "is_random_next": bool(i.is_random_next),
        } for i in instances]
        print(f"{name}: {len(instances)} instances")
    with open(os.path.join(args.fixtures, "expected.json"), "w", encoding="utf-8") as f:
        json.dump(expected, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
