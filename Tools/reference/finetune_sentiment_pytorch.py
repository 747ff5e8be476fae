#!/usr/bin/env python3
"""The README demo's recipe in PyTorch + transformers, for comparison with `bert demo`.

Same data and split (VADER movie-review snippets: rating > 0 positive, < 0 negative, 0 dropped; ids that are
multiples of 10 are the dev set), same model (all-MiniLM-L6-v2 with a fresh 2-way classifier), same
hyper-parameters (max_seq_length 64, batch 32, 2 epochs, lr 5e-5, warmup 10 %, weight decay 0.01, dropout on,
gradient clipping 1.0), HuggingFace's usual optimizer (torch AdamW), 2 CPU threads.

    HF_HUB_OFFLINE=1 /path/to/venv/bin/python Tools/reference/finetune_sentiment_pytorch.py \
        --model ~/.cache/swiftbert/models/all-MiniLM-L6-v2 \
        --data ~/.cache/swiftbert/data/vader/movieReviewSnippets_GroundTruth.txt
"""
import argparse
import os
import random
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch
from transformers import BertForSequenceClassification, BertTokenizer, get_linear_schedule_with_warmup


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
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    random.seed(args.seed)
    train, dev = load(os.path.expanduser(args.data))
    tokenizer = BertTokenizer.from_pretrained(os.path.expanduser(args.model))
    model = BertForSequenceClassification.from_pretrained(os.path.expanduser(args.model), num_labels=2)

    def encode(rows):
        enc = tokenizer([t for t, _ in rows], padding="max_length", truncation=True, max_length=args.max_seq_length,
                        return_tensors="pt")
        return enc, torch.tensor([label for _, label in rows])

    steps = int(len(train) / args.batch_size * args.epochs)
    no_decay = ["bias", "LayerNorm.weight"]
    groups = [{"params": [p for n, p in model.named_parameters() if not any(k in n for k in no_decay)], "weight_decay": 0.01},
              {"params": [p for n, p in model.named_parameters() if any(k in n for k in no_decay)], "weight_decay": 0.0}]
    optimizer = torch.optim.AdamW(groups, lr=args.learning_rate)
    scheduler = get_linear_schedule_with_warmup(optimizer, int(0.1 * steps), steps)
    start = time.time()
    model.train()
    order = []
    for step in range(steps):
        if len(order) < args.batch_size:
            order += random.sample(range(len(train)), len(train))
        batch = [train[i] for i in order[:args.batch_size]]
        order = order[args.batch_size:]
        enc, labels = encode(batch)
        loss = model(**enc, labels=labels).loss
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad()
        if (step + 1) % 20 == 0 or step + 1 == steps:
            print(f"step {step + 1}/{steps} loss {loss.item():.4f} {time.time() - start:.0f}s", flush=True)
    train_seconds = time.time() - start
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(dev), 64):
            enc, labels = encode(dev[i:i + 64])
            correct += (model(**enc).logits.argmax(-1) == labels).sum().item()
    print(f"pytorch: train {len(train)} dev {len(dev)}, {steps} steps in {train_seconds:.0f} s, "
          f"dev accuracy {correct / len(dev):.4f}")


if __name__ == "__main__":
    main()
