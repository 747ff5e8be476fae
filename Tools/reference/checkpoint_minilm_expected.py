#!/usr/bin/env python3
"""Records a few numbers of the real all-MiniLM-L6-v2 checkpoint for SwiftBERT's tests.

Loads the folder (from Tools/fetch-minilm.sh) with transformers' BertModel and writes
Tests/BERTTests/Fixtures/minilm-expected.json: the parameter count (sum of BertModel parameters, pooler
included), the config values and, for a few tensors, shape, first values, a middle value and the float64 sum.

Usage: python3 Tools/reference/checkpoint_minilm_expected.py [MODEL_DIR]
"""
import os
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("USE_TF", "0")

from transformers import BertModel  # noqa: E402

from checkpoint_common import REPO_ROOT, expected_entry, write_json  # noqa: E402

TENSORS = [
    "embeddings.word_embeddings.weight",
    "embeddings.position_embeddings.weight",
    "embeddings.LayerNorm.weight",
    "encoder.layer.0.attention.self.query.weight",
    "encoder.layer.3.intermediate.dense.bias",
    "encoder.layer.5.output.LayerNorm.weight",
    "pooler.dense.weight",
    "pooler.dense.bias",
]


def main():
    cache = os.environ.get("SWIFTBERT_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "swiftbert")
    folder = sys.argv[1] if len(sys.argv) > 1 else os.path.join(cache, "models/all-MiniLM-L6-v2")
    model = BertModel.from_pretrained(folder)
    state = model.state_dict()
    result = {
        "parameters": int(sum(p.numel() for p in model.parameters())),
        "layers": model.config.num_hidden_layers,
        "hidden": model.config.hidden_size,
        "heads": model.config.num_attention_heads,
        "intermediate": model.config.intermediate_size,
        "vocab": model.config.vocab_size,
        "hidden_act": model.config.hidden_act,
        "tensors": [],
    }
    for name in TENSORS:
        value = state[name].detach().numpy()
        entry = expected_entry(name, value, first=4)
        middle = value.size // 2
        entry.update({"middle_index": middle, "middle": float(value.reshape(-1)[middle])})
        result["tensors"].append(entry)
    path = os.path.join(REPO_ROOT, "Tests/BERTTests/Fixtures/minilm-expected.json")
    write_json(path, result)
    print(f"wrote {path}: {result['parameters']} parameters")


if __name__ == "__main__":
    main()
