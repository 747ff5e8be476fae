#!/usr/bin/env python3
"""Writes the encoder fixtures the BERT tests check against (PyTorch + transformers on the CPU).

Never run by the tests: run it by hand after changing what it produces, and commit the small outputs.

    HF_HUB_OFFLINE=1 /path/to/venv/bin/python Tools/reference/make_encoder_fixtures.py \
        --minilm ~/.cache/swiftbert/models/all-MiniLM-L6-v2 --out Tests/BERTTests/Fixtures/encoder

Outputs (safetensors, float32 / int32):
  minilm_hidden_states.safetensors  real sentences (single and paired, padded batch) through the packaged
                                    all-MiniLM-L6-v2: input_ids, token_type_ids, attention_mask [B, S] and
                                    hidden_states.N [B, S, H] for N = 0 (embeddings) … 6, pooler_output [B, H]
  tiny/heads.safetensors            the same model with each fine-tuning head (dropout off), the heads' weights
                                    and, per head, its loss (HF's mean over examples / scored tokens) and the
                                    gradient of every parameter: classifier (3 labels, BertForSequenceClassification),
                                    regression (1 output, MSE), tagger (5 labels, BertForTokenClassification, label
                                    -100 = not scored), span (BertForQuestionAnswering), and multilabel (4 labels,
                                    problem_type "multi_label_classification": BCEWithLogitsLoss, the mean over
                                    examples × labels; added by multilabel(), with --multilabel-only to the existing
                                    file without touching its other entries)
  tiny/                             a random BERT (vocab 99, H 32, 2 layers, 4 heads, I 37, gelu_new, no dropout):
                                    model.safetensors + config.json (the weights, with non-trivial LayerNorm and
                                    biases), and expected.safetensors: inputs, the loss
                                    L = Σ last_hidden ⊙ r_hidden + Σ pooled ⊙ r_pooled, last_hidden, pooled,
                                    and grad.<parameter name> for every parameter
"""
import argparse
import json
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch
from safetensors.torch import save_file
from transformers import BertConfig, BertModel, BertTokenizer

SENTENCES = [
    "It was the best of times, it was the worst of times.",
    "Call me Ishmael.",
    "The quick brown fox jumps over the lazy dog!",
    "A film that is funny, moving and beautifully acted.",
]
PAIRS = [
    ("Where is the station?", "The station is two blocks north of the river."),
    ("Tokenization splits text into word pieces.", "Unaffable and unbelievable words become several pieces."),
]


def minilm(folder: str, out: str) -> None:
    tokenizer = BertTokenizer.from_pretrained(folder)
    model = BertModel.from_pretrained(folder).eval()
    first = SENTENCES + [a for a, _ in PAIRS]
    second = [None] * len(SENTENCES) + [b for _, b in PAIRS]
    encoded = [tokenizer(a, b) if b is not None else tokenizer(a) for a, b in zip(first, second)]
    length = max(len(e["input_ids"]) for e in encoded)
    def pad(key, value):
        return torch.tensor([e[key] + [value] * (length - len(e[key])) for e in encoded], dtype=torch.int32)
    ids, types, mask = pad("input_ids", 0), pad("token_type_ids", 0), pad("attention_mask", 0)
    with torch.no_grad():
        result = model(input_ids=ids.long(), token_type_ids=types.long(), attention_mask=mask.long(),
                       output_hidden_states=True)
    tensors = {"input_ids": ids, "token_type_ids": types, "attention_mask": mask,
               "pooler_output": result.pooler_output.contiguous()}
    for n, h in enumerate(result.hidden_states):
        tensors[f"hidden_states.{n}"] = h.contiguous()
    save_file(tensors, os.path.join(out, "minilm_hidden_states.safetensors"))
    print(f"minilm: batch {ids.shape[0]} × seq {length}, {len(result.hidden_states)} hidden states")


def tiny(out: str) -> None:
    torch.manual_seed(1234)
    config = BertConfig(vocab_size=99, hidden_size=32, num_hidden_layers=2, num_attention_heads=4,
                        intermediate_size=37, hidden_act="gelu_new", hidden_dropout_prob=0.0,
                        attention_probs_dropout_prob=0.0, max_position_embeddings=64, type_vocab_size=2,
                        initializer_range=0.02, layer_norm_eps=1e-12)
    model = BertModel(config).eval()
    with torch.no_grad():   # make LayerNorm and biases non-trivial so their gradients are tested
        for name, p in model.named_parameters():
            if name.endswith("bias"):
                p.copy_(torch.randn_like(p) * 0.1)
            elif "LayerNorm.weight" in name:
                p.copy_(1 + torch.randn_like(p) * 0.1)
    folder = os.path.join(out, "tiny")
    os.makedirs(folder, exist_ok=True)
    save_file({k: v.contiguous() for k, v in model.state_dict().items() if "position_ids" not in k},
              os.path.join(folder, "model.safetensors"))
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(json.loads(config.to_json_string()), f, indent=2, sort_keys=True)

    batch, seq = 3, 11
    ids = torch.randint(1, 99, (batch, seq), dtype=torch.int32)
    types = torch.zeros(batch, seq, dtype=torch.int32)
    types[:, 6:] = 1
    mask = torch.ones(batch, seq, dtype=torch.int32)
    mask[1, 8:] = 0          # a padded example
    ids[1, 8:] = 0
    r_hidden = torch.randn(batch, seq, 32)
    r_pooled = torch.randn(batch, 32)
    result = model(input_ids=ids.long(), token_type_ids=types.long(), attention_mask=mask.long())
    loss = (result.last_hidden_state * r_hidden).sum() + (result.pooler_output * r_pooled).sum()
    loss.backward()
    expected = {"input_ids": ids, "token_type_ids": types, "attention_mask": mask, "r_hidden": r_hidden,
                "r_pooled": r_pooled, "loss": loss.detach().reshape(1),
                "last_hidden": result.last_hidden_state.detach().contiguous(),
                "pooled": result.pooler_output.detach().contiguous()}
    for name, p in model.named_parameters():
        expected[f"grad.{name}"] = p.grad.contiguous()
    save_file(expected, os.path.join(folder, "expected.safetensors"))
    print(f"tiny: loss {loss.item():.6f}, {sum(1 for _ in model.parameters())} parameter tensors")


def heads(out: str) -> None:
    from transformers import (BertForQuestionAnswering, BertForSequenceClassification,
                              BertForTokenClassification)
    folder = os.path.join(out, "tiny")
    expected = {}
    torch.manual_seed(99)
    batch, seq = 3, 11
    base = BertModel.from_pretrained(folder)
    ids = torch.randint(1, 99, (batch, seq), dtype=torch.int32)
    types = torch.zeros(batch, seq, dtype=torch.int32)
    types[:, 6:] = 1
    mask = torch.ones(batch, seq, dtype=torch.int32)
    mask[2, 7:] = 0
    ids[2, 7:] = 0
    expected.update({"input_ids": ids, "token_type_ids": types, "attention_mask": mask})
    inputs = dict(input_ids=ids.long(), token_type_ids=types.long(), attention_mask=mask.long())

    def run(name, model, **targets):
        _run_head(expected, name, model, base, inputs, 0.2, **targets)

    config = base.config
    run("classifier", BertForSequenceClassification(_with(config, num_labels=3)),
        labels=torch.tensor([2, 0, 1]))
    expected["classifier.labels"] = torch.tensor([2, 0, 1], dtype=torch.int32)
    targets = torch.tensor([0.5, -1.25, 3.0])
    run("regression", BertForSequenceClassification(_with(config, num_labels=1, problem_type="regression")),
        labels=targets)
    expected["regression.targets"] = targets
    tags = torch.randint(0, 5, (batch, seq))
    tags[:, 0] = -100
    tags[2, 7:] = -100
    tags[1, 3] = -100
    run("tagger", BertForTokenClassification(_with(config, num_labels=5)), labels=tags)
    expected["tagger.labels"] = tags.to(torch.int32)
    start, end = torch.tensor([3, 1, 5]), torch.tensor([4, 9, 6])
    run("span", BertForQuestionAnswering(_with(config)), start_positions=start, end_positions=end)
    expected["span.start"], expected["span.end"] = start.to(torch.int32), end.to(torch.int32)
    save_file({k: v.contiguous() for k, v in expected.items()}, os.path.join(folder, "heads.safetensors"))
    print("heads: " + ", ".join(f"{n} {expected[n + '.loss'].item():.6f}" for n in ["classifier", "regression", "tagger", "span"]))


def multilabel(out: str) -> None:
    """Adds the multi-label classifier's case to tiny/heads.safetensors (same inputs; its own seed)."""
    from safetensors.torch import load_file
    from transformers import BertForSequenceClassification
    path = os.path.join(out, "tiny", "heads.safetensors")
    expected = load_file(path)
    base = BertModel.from_pretrained(os.path.join(out, "tiny"))
    inputs = dict(input_ids=expected["input_ids"].long(), token_type_ids=expected["token_type_ids"].long(),
                  attention_mask=expected["attention_mask"].long())
    torch.manual_seed(4711)
    model = BertForSequenceClassification(_with(base.config, num_labels=4, problem_type="multi_label_classification"))
    targets = torch.tensor([[1.0, 0.0, 1.0, 0.0], [0.0, 0.0, 0.0, 1.0], [1.0, 1.0, 1.0, 0.0]])
    _run_head(expected, "multilabel", model, base, inputs, 0.5, labels=targets)
    expected["multilabel.targets"] = targets
    save_file({k: v.contiguous() for k, v in expected.items()}, path)
    print(f"multilabel: loss {expected['multilabel.loss'].item():.6f}")


def _run_head(expected, name, model, base, inputs, weight_scale, **targets):
    """One head on the tiny encoder (dropout off): random head weights (× weight_scale), then the loss and every
    parameter's gradient into `expected` under `<name>.weights.*`, `<name>.loss`, `<name>.grad.*`."""
    model.bert.load_state_dict(base.state_dict(), strict=False)
    model.eval()   # dropout off; gradients still flow
    head = {k: v for k, v in model.named_parameters() if not k.startswith("bert.")}
    with torch.no_grad():
        for v in head.values():
            v.copy_(torch.randn_like(v) * weight_scale)
    for k, v in head.items():
        expected[f"{name}.weights.{k}"] = v.detach().clone().contiguous()
    result = model(**inputs, **targets)
    result.loss.backward()
    expected[f"{name}.loss"] = result.loss.detach().reshape(1)
    for k, v in model.named_parameters():
        if v.grad is not None:
            expected[f"{name}.grad.{k[5:] if k.startswith('bert.') else k}"] = v.grad.contiguous()


def _with(config, **changes):
    copy = BertConfig.from_dict(config.to_dict())
    for k, v in changes.items():
        setattr(copy, k, v)
    return copy


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--minilm", required=True, help="the packaged all-MiniLM-L6-v2 folder")
    parser.add_argument("--out", required=True)
    parser.add_argument("--multilabel-only", action="store_true",
                        help="only add the multi-label case to the existing tiny/heads.safetensors")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    torch.set_num_threads(1)
    if not args.multilabel_only:
        minilm(os.path.expanduser(args.minilm), args.out)
        tiny(args.out)
        heads(args.out)
    multilabel(args.out)


if __name__ == "__main__":
    main()
