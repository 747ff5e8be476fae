#!/usr/bin/env python3
"""Writes tiny HuggingFace-format BERT checkpoints for SwiftBERT's tests.

Tests/BERTTests/Fixtures/hf-tiny/ gets:
  - model.safetensors, config.json, vocab.txt, tokenizer_config.json, special_tokens_map.json: a random
    BertForPreTraining saved by transformers' own save_pretrained (F32, "bert." prefix);
  - variants/f16-noprefix.safetensors: the same tensors in F16, without the "bert." prefix, plus an int64
    embeddings.position_ids buffer;
  - variants/bf16-oldnames.safetensors: BF16, "bert." prefix, old-style LayerNorm.gamma/beta names, the tied
    cls.predictions.decoder.{weight,bias} copies older transformers versions saved, and bert.embeddings.position_ids;
  - expected.json: for each file, a few tensors' canonical names, shapes, first values and float64 sums after
    widening to float32 — what SwiftBERT must read.

Usage: python3 Tools/reference/checkpoint_make_hf_fixtures.py [OUT_DIR]   (needs torch, transformers, safetensors)
"""
import os
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("USE_TF", "0")

import torch  # noqa: E402
from safetensors.torch import save_file  # noqa: E402
from transformers import BertConfig, BertForPreTraining, BertTokenizer  # noqa: E402

from checkpoint_common import REPO_ROOT, expected_entry, write_json  # noqa: E402


EXPECTED_FOR = [
    "embeddings.word_embeddings.weight",
    "embeddings.LayerNorm.weight",
    "encoder.layer.0.attention.self.query.weight",
    "encoder.layer.1.intermediate.dense.bias",
    "encoder.layer.1.output.LayerNorm.bias",
    "pooler.dense.weight",
    "cls.predictions.bias",
    "cls.seq_relationship.weight",
]


def canonical(name):
    if name.startswith("bert."):
        name = name[len("bert."):]
    if name.endswith("LayerNorm.gamma"):
        name = name[: -len("gamma")] + "weight"
    if name.endswith("LayerNorm.beta"):
        name = name[: -len("beta")] + "bias"
    return name


def describe(tensors):
    """expected entries from {canonical name: float32 numpy array}."""
    return [expected_entry(name, tensors[name]) for name in EXPECTED_FOR]


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO_ROOT, "Tests/BERTTests/Fixtures/hf-tiny")
    vocab_source = os.path.join(REPO_ROOT, "Tests/BERTTests/Fixtures/tf-tiny/vocab.txt")
    os.makedirs(os.path.join(out_dir, "variants"), exist_ok=True)
    torch.manual_seed(20200311)
    config = BertConfig(vocab_size=99, hidden_size=16, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=20, max_position_embeddings=32, type_vocab_size=2, hidden_act="gelu")
    model = BertForPreTraining(config).eval()
    with torch.no_grad():
        # Non-trivial LayerNorm and bias values, so a swapped weight/bias or gamma/beta shows.
        for name, parameter in model.named_parameters():
            if name.endswith("LayerNorm.weight"):
                parameter.add_(torch.randn_like(parameter) * 0.1)
            elif name.endswith("bias"):
                parameter.copy_(torch.randn_like(parameter) * 0.02)
    model.save_pretrained(out_dir, safe_serialization=True)
    BertTokenizer(vocab_source, do_lower_case=True).save_pretrained(out_dir)

    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    # The tied copies are not separate parameters.
    params = {canonical(k): v for k, v in state.items() if not k.startswith("cls.predictions.decoder.")}
    expected = {"f32": describe({k: v.numpy() for k, v in params.items()})}

    f16 = {k: v.to(torch.float16).contiguous() for k, v in params.items()}
    f16["embeddings.position_ids"] = torch.arange(32, dtype=torch.int64).unsqueeze(0)
    save_file(f16, os.path.join(out_dir, "variants/f16-noprefix.safetensors"), metadata={"format": "pt"})
    expected["f16"] = describe({k: v.float().numpy() for k, v in f16.items() if k != "embeddings.position_ids"})

    bf16 = {}
    for name, value in params.items():
        stored = name if name.startswith("cls.") else "bert." + name
        stored = stored.replace("LayerNorm.weight", "LayerNorm.gamma").replace("LayerNorm.bias", "LayerNorm.beta")
        bf16[stored] = value.to(torch.bfloat16).contiguous()
    bf16["cls.predictions.decoder.weight"] = bf16["bert.embeddings.word_embeddings.weight"].clone()
    bf16["cls.predictions.decoder.bias"] = bf16["cls.predictions.bias"].clone()
    bf16["bert.embeddings.position_ids"] = torch.arange(32, dtype=torch.int64).unsqueeze(0)
    save_file(bf16, os.path.join(out_dir, "variants/bf16-oldnames.safetensors"), metadata={"format": "pt"})
    expected["bf16"] = describe({canonical(k): v.float().numpy() for k, v in bf16.items()
                                 if not k.startswith("cls.predictions.decoder.") and "position_ids" not in k})
    expected["parameters"] = int(sum(v.numel() for v in params.values()))
    expected["stored_tensors"] = len(state)

    write_json(os.path.join(out_dir, "expected.json"), expected)
    print(f"wrote {out_dir}: {len(params)} parameters tensors, {expected['parameters']} parameters")


if __name__ == "__main__":
    main()
