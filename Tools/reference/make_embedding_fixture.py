#!/usr/bin/env python3
"""The sentence embeddings of the real all-MiniLM-L6-v2 from sentence-transformers, for `bert embed`'s tests.

Loads the folder (from Tools/fetch-minilm.sh) with sentence-transformers, which reads the folder's own modules
(Transformer with sentence_bert_config.json's max_seq_length 256, mean Pooling, Normalize), encodes the sentences
below — short and long, punctuation, accents, CJK, emoji, numbers, an empty and a blank text, and texts longer than
256 word pieces, which sentence-transformers truncates — on the CPU in float32, and writes
Tests/BERTTests/Fixtures/minilm-embeddings.json: the model's max_seq_length, the sentences, and the unit-length
vectors with 8 significant digits (one line each).

    pip install sentence-transformers
    HF_HUB_OFFLINE=1 python Tools/reference/make_embedding_fixture.py [MODEL_DIR]
"""
import os
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import torch  # noqa: E402
from sentence_transformers import SentenceTransformer  # noqa: E402

import json  # noqa: E402

from checkpoint_common import REPO_ROOT  # noqa: E402

LONG = ("The quick brown fox jumps over the lazy dog while the committee debates the budget for the new library, "
        "and nobody remembers who proposed it in the first place. ")

SENTENCES = [
    "A man is eating food.",
    "A man is eating a piece of bread.",
    "The girl is carrying a baby.",
    "A man is riding a horse.",
    "A woman is playing violin.",
    "Two men pushed carts through the woods.",
    "A man is riding a white horse on an enclosed ground.",
    "A monkey is playing drums.",
    "Someone in a gorilla costume is playing a set of drums.",
    "The new movie is awesome",
    "The cat sits outside",
    "The new movie is so great",
    "How do I reset my password?",
    "Where can I change the password of my account?",
    "Café crème, naïve résumé — déjà vu!",
    "東京は日本の首都です。",
    "I love this 😀 so much!!!",
    "Version 3.14.159 was released on 2026-12-08 at 10:30.",
    "UPPER CASE TEXT IS LOWERED BY THE TOKENIZER",
    "tabs\tand  multiple   spaces",
    "",
    "   ",
    "a",
    "?",
    "Bert",
    "https://example.com/path?query=1&other=2",
    "The function returns -1 on error and sets errno to EINVAL.",
    "Sentence embeddings map text to a dense vector space for semantic search and clustering.",
    LONG * 3,
    LONG * 12,
]


def main():
    folder = os.path.expanduser(sys.argv[1] if len(sys.argv) > 1 else "~/.cache/swiftbert/models/all-MiniLM-L6-v2")
    torch.manual_seed(0)
    model = SentenceTransformer(folder, device="cpu")
    vectors = model.encode(SENTENCES, batch_size=8, convert_to_numpy=True, normalize_embeddings=False)
    tokens = [len(model.tokenizer(text, truncation=False)["input_ids"]) for text in SENTENCES]
    path = os.path.join(REPO_ROOT, "Tests/BERTTests/Fixtures/minilm-embeddings.json")
    with open(path, "w") as f:   # one line per vector
        f.write(json.dumps({"max_seq_length": model.max_seq_length, "sentences": SENTENCES, "tokens": tokens})[:-1])
        f.write(',\n "embeddings": [\n')
        f.write(",\n".join(json.dumps([float(f"{v:.8g}") for v in row]) for row in vectors.tolist()))
        f.write("\n]}\n")
    print(f"wrote {path}: {len(SENTENCES)} sentences, {vectors.shape[1]} dimensions, max_seq_length {model.max_seq_length}, "
          f"{sum(t > model.max_seq_length for t in tokens)} truncated")


if __name__ == "__main__":
    main()
