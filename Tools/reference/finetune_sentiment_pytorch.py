#!/usr/bin/env python3
"""The README demo's recipe in PyTorch + transformers, run the way HF users run it, for comparison with `bert demo`.

Same data and split (VADER movie-review snippets: rating > 0 positive, < 0 negative, 0 dropped; ids that are
multiples of 10 are the dev set), same model (all-MiniLM-L6-v2 with a fresh 2-way classifier), same
hyper-parameters (max_seq_length 64, batch 32, 2 epochs, lr 5e-5, warmup 10 %, weight decay 0.01, dropout on,
gradient clipping 1.0), 2 CPU threads — and HF's best practice for short texts: transformers' `Trainer` with its
AdamW and linear schedule, dynamic padding (`DataCollatorWithPadding`: each batch padded to its longest text),
`group_by_length=True` (shuffled megabatches of 50 batches, each sorted by length) and bf16 autocast where the
CPU has bf16 (AVX512-BF16 or AMX; `--precision fp32` for the fp32 row).

    HF_HUB_OFFLINE=1 /path/to/venv/bin/python Tools/reference/finetune_sentiment_pytorch.py \
        --model ~/.cache/swiftbert/models/all-MiniLM-L6-v2 \
        --data ~/.cache/swiftbert/data/vader/movieReviewSnippets_GroundTruth.txt

Prints the training samples/s (training steps × batch / the wall time of `trainer.train`, as `bert` reports it)
and the dev accuracy. `--max-steps N` stops early (a throughput measurement; accuracy is then not the recipe's).
"""
import argparse
import os
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import numpy as np
import torch
from transformers import (AutoTokenizer, BertForSequenceClassification, DataCollatorWithPadding, Trainer,
                          TrainingArguments)

from peer_common import cpu_has_bf16, warmup_and_grouping


def load(path):
    train, dev = [], []
    with open(path, encoding="utf-8") as f:
        for line in f.read().splitlines():
            if not line.strip():
                continue
            id_, rating, text = line.split("\t")
            rating = float(rating)
            text = text.replace("\t", " ").strip()
            if rating == 0 or not text:
                continue
            (dev if int(id_) % 10 == 0 else train).append((text, 1 if rating > 0 else 0))
    return train, dev


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", required=True)
    parser.add_argument("--data", required=True)
    parser.add_argument("--epochs", type=float, default=2)
    parser.add_argument("--batch-size", type=int, default=32)
    parser.add_argument("--learning-rate", type=float, default=5e-5)
    parser.add_argument("--max-seq-length", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--seed", type=int, default=12345)
    parser.add_argument("--precision", choices=["auto", "fp32", "bf16"], default="auto",
                        help="auto: bf16 autocast where the CPU has bf16, else fp32")
    parser.add_argument("--max-steps", type=int, default=-1)
    parser.add_argument("--output", default="/tmp/finetune_sentiment_pytorch")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    bf16 = args.precision == "bf16" or (args.precision == "auto" and cpu_has_bf16())

    train, dev = load(os.path.expanduser(args.data))
    model_path = os.path.expanduser(args.model)
    tokenizer = AutoTokenizer.from_pretrained(model_path)

    def encode(rows):
        enc = tokenizer([t for t, _ in rows], truncation=True, max_length=args.max_seq_length)
        return [{"input_ids": enc["input_ids"][i], "token_type_ids": enc["token_type_ids"][i],
                 "attention_mask": enc["attention_mask"][i], "labels": label} for i, (_, label) in enumerate(rows)]

    train_set, dev_set = encode(train), encode(dev)
    model = BertForSequenceClassification.from_pretrained(model_path, num_labels=2)
    training_args = TrainingArguments(
        output_dir=args.output, per_device_train_batch_size=args.batch_size, per_device_eval_batch_size=64,
        num_train_epochs=args.epochs, max_steps=args.max_steps, learning_rate=args.learning_rate,
        weight_decay=0.01, max_grad_norm=1.0, bf16=bf16, use_cpu=True, seed=args.seed,
        logging_steps=20, save_strategy="no", eval_strategy="no", report_to=[], dataloader_num_workers=0,
        disable_tqdm=True, **warmup_and_grouping(TrainingArguments))

    def accuracy(prediction):
        return {"accuracy": float((np.argmax(prediction.predictions, -1) == prediction.label_ids).mean())}

    trainer = Trainer(model=model, args=training_args, train_dataset=train_set, eval_dataset=dev_set,
                      data_collator=DataCollatorWithPadding(tokenizer), compute_metrics=accuracy)
    start = time.time()
    result = trainer.train()
    train_seconds = time.time() - start
    steps = result.global_step
    metrics = trainer.evaluate()
    print(f"pytorch ({'bf16 autocast' if bf16 else 'fp32'}, dynamic padding, group_by_length): train {len(train)} "
          f"dev {len(dev)}, {steps} steps in {train_seconds:.0f} s, "
          f"{steps * args.batch_size / train_seconds:.1f} samples/s, dev accuracy {metrics['eval_accuracy']:.4f}")


if __name__ == "__main__":
    main()
