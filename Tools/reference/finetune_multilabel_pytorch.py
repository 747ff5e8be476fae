#!/usr/bin/env python3
"""Multi-label fine-tuning on the debtags data set in PyTorch + transformers, run the way HF users run it.

Data: the output of Tools/prepare-debtags.py (train.tsv and dev.tsv: package, text, tags joined by ","; an
empty tags field means no labels); the label order is the distinct labels of train.tsv, sorted by code point.
Model: all-MiniLM-L6-v2 with a fresh L-way classifier (`problem_type="multi_label_classification"`: a
sigmoid per label, BCE-with-logits loss on float 0/1 targets). Hyper-parameters: max_seq_length 128, batch 32,
3 epochs, lr 5e-5, warmup 10 %, weight decay 0.01, dropout on, gradient clipping 1.0, seed 42, 2 CPU threads;
transformers' `Trainer` with its AdamW and linear schedule, dynamic padding (`DataCollatorWithPadding`),
`group_by_length=True` and bf16 autocast where the CPU has bf16 (AVX512-BF16 or AMX; `--precision fp32` for
the fp32 row).

    HF_HUB_OFFLINE=1 /work/venv-ref/bin/python Tools/reference/finetune_multilabel_pytorch.py \
        --model ~/.cache/swiftbert/models/all-MiniLM-L6-v2 \
        --data ~/.cache/swiftbert/data/debtags

Prints the training samples/s (training steps × batch / the wall time of `trainer.train`, as `bert` reports it)
and, on dev (sigmoid ≥ --threshold), `micro_f1`, `macro_f1`, `subset_accuracy` (scikit-learn, zero_division=0)
and `dev_loss` (mean BCE over labels and rows). `--max-steps N` stops early (a throughput measurement; the
scores are then not the recipe's). `--json-out FILE` also writes the numbers as JSON.
"""
import argparse
import json
import os
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np
import torch
from sklearn.metrics import accuracy_score, f1_score
from transformers import (AutoTokenizer, BertForSequenceClassification, DataCollatorWithPadding, Trainer,
                          TrainingArguments)

from peer_common import cpu_has_bf16, warmup_and_grouping


def load(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    header = lines[0].split("\t")
    if header != ["package", "text", "tags"]:
        raise SystemExit(f"{path}: expected the header package<TAB>text<TAB>tags, got {header}")
    for line in lines[1:]:
        if not line.strip():
            continue
        package, text, tags = line.split("\t")
        rows.append((text, [t for t in tags.split(",") if t]))
    return rows


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--data", required=True, help="folder with train.tsv and dev.tsv (prepare-debtags.py)")
    parser.add_argument("--epochs", type=float, default=3)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--lr", "--learning-rate", dest="learning_rate", type=float, default=5e-5)
    parser.add_argument("--max-seq-length", type=int, default=128)
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--precision", choices=["auto", "fp32", "bf16"], default="auto",
                        help="auto: bf16 autocast where the CPU has bf16, else fp32")
    parser.add_argument("--max-steps", type=int, default=-1)
    parser.add_argument("--output", default="/tmp/finetune_multilabel_pytorch")
    parser.add_argument("--json-out", help="also write the numbers to this JSON file")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    bf16 = args.precision == "bf16" or (args.precision == "auto" and cpu_has_bf16())

    data = os.path.expanduser(args.data)
    train, dev = load(os.path.join(data, "train.tsv")), load(os.path.join(data, "dev.tsv"))
    labels = sorted({t for _, tags in train for t in tags})
    label2id = {label: i for i, label in enumerate(labels)}
    unknown = sorted({t for _, tags in dev for t in tags} - set(labels))
    if unknown:
        print(f"warning: dev labels not in train, ignored: {', '.join(unknown)}")

    def targets(tags):
        vector = [0.0] * len(labels)
        for t in tags:
            if t in label2id:
                vector[label2id[t]] = 1.0
        return vector

    model_path = os.path.expanduser(args.model)
    tokenizer = AutoTokenizer.from_pretrained(model_path)

    def encode(rows):
        enc = tokenizer([t for t, _ in rows], truncation=True, max_length=args.max_seq_length)
        return [{"input_ids": enc["input_ids"][i], "token_type_ids": enc["token_type_ids"][i],
                 "attention_mask": enc["attention_mask"][i], "labels": targets(tags)}
                for i, (_, tags) in enumerate(rows)]

    train_set, dev_set = encode(train), encode(dev)
    model = BertForSequenceClassification.from_pretrained(
        model_path, num_labels=len(labels), problem_type="multi_label_classification",
        id2label={i: label for i, label in enumerate(labels)}, label2id=label2id)
    training_args = TrainingArguments(
        output_dir=args.output, per_device_train_batch_size=args.batch_size, per_device_eval_batch_size=64,
        num_train_epochs=args.epochs, max_steps=args.max_steps, learning_rate=args.learning_rate,
        weight_decay=0.01, max_grad_norm=1.0, bf16=bf16, use_cpu=True, seed=args.seed,
        logging_steps=20, save_strategy="no", eval_strategy="no", report_to=[], dataloader_num_workers=0,
        disable_tqdm=True, **warmup_and_grouping(TrainingArguments))

    trainer = Trainer(model=model, args=training_args, train_dataset=train_set, eval_dataset=dev_set,
                      data_collator=DataCollatorWithPadding(tokenizer))
    start = time.time()
    result = trainer.train()
    train_seconds = time.time() - start
    steps = result.global_step

    prediction = trainer.predict(dev_set)
    logits = torch.tensor(np.asarray(prediction.predictions), dtype=torch.float32)
    gold = torch.tensor(np.asarray(prediction.label_ids), dtype=torch.float32)
    dev_loss = float(torch.nn.functional.binary_cross_entropy_with_logits(logits, gold))
    predicted = (torch.sigmoid(logits) >= args.threshold).int().numpy()
    gold = gold.int().numpy()
    numbers = {
        "micro_f1": float(f1_score(gold, predicted, average="micro", zero_division=0)),
        "macro_f1": float(f1_score(gold, predicted, average="macro", zero_division=0)),
        "subset_accuracy": float(accuracy_score(gold, predicted)),
        "dev_loss": dev_loss,
        "samples_per_second": steps * args.batch_size / train_seconds,
        "train_rows": len(train), "dev_rows": len(dev), "labels": len(labels), "steps": steps,
        "train_seconds": train_seconds, "precision": "bf16 autocast" if bf16 else "fp32",
        "threshold": args.threshold,
    }
    print(f"pytorch ({numbers['precision']}, dynamic padding, group_by_length): train {len(train)} dev {len(dev)}, "
          f"{len(labels)} labels, {steps} steps in {train_seconds:.0f} s, "
          f"{numbers['samples_per_second']:.1f} samples/s")
    for key in ("micro_f1", "macro_f1", "subset_accuracy", "dev_loss"):
        print(f"{key} {numbers[key]:.4f}")
    if args.json_out:
        with open(os.path.expanduser(args.json_out), "w") as f:
            json.dump(numbers, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
