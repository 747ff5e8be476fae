#!/usr/bin/env python3
"""PyTorch + transformers reference for `bert bench`: the same shapes, the same loss, the same timing rule.

    /path/to/venv/bin/python Tools/reference/bench_pytorch.py --model base --batch-size 8 --max-seq-length 128 \
        --mode train --threads 2 [--precision fp32|bf16] [--device cpu|cuda] [--json]

--device cuda runs on the GPU (the GPU kit's reference, Tools/gpu-kit/run.sh): fp32 is strict fp32 (TF32 off),
bf16 is torch.autocast('cuda', torch.bfloat16); each timed run ends with torch.cuda.synchronize().

train = forward + backward of L = Σ last_hidden ⊙ r + Σ pooled ⊙ r (dropout on, model.train());
infer = forward under torch.no_grad() (model.eval()). Random weights (shapes are what matter), random ids.
One warm-up run, then the median of --repetitions runs.
"""
import argparse
import json
import statistics
import time

import torch
from transformers import BertConfig, BertModel

SIZES = {"tiny": (2, 128, 2), "mini": (4, 256, 4), "small": (4, 512, 8), "medium": (8, 512, 8),
         "base": (12, 768, 12), "large": (24, 1024, 16)}


def config_for(name: str) -> BertConfig:
    if name == "minilm":
        return BertConfig(vocab_size=30522, hidden_size=384, num_hidden_layers=6, num_attention_heads=12,
                          intermediate_size=1536, hidden_act="gelu")
    layers, hidden, heads = SIZES[name]
    return BertConfig(vocab_size=30522, hidden_size=hidden, num_hidden_layers=layers, num_attention_heads=heads,
                      intermediate_size=4 * hidden, hidden_act="gelu_new")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", default="base", choices=sorted(SIZES) + ["minilm"])
    parser.add_argument("--batch-size", type=int, default=8)
    parser.add_argument("--max-seq-length", type=int, default=128)
    parser.add_argument("--mode", default="train", choices=["train", "infer"])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--repetitions", type=int, default=5)
    parser.add_argument("--precision", default="fp32", choices=["fp32", "bf16"],
                        help="bf16: torch.autocast('cpu', torch.bfloat16) around the forward, as PyTorch users run mixed precision")
    parser.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    device = torch.device(args.device)
    if args.device == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = False
        torch.backends.cudnn.allow_tf32 = False
    config = config_for(args.model)
    config.attn_implementation = "eager"
    model = BertModel(config).to(device)
    b, s = args.batch_size, args.max_seq_length
    ids = torch.randint(0, config.vocab_size, (b, s), device=device)
    types = torch.zeros(b, s, dtype=torch.long, device=device)
    types[:, s // 2:] = 1
    mask = torch.ones(b, s, dtype=torch.long, device=device)
    r_hidden = torch.rand(b, s, config.hidden_size, device=device) - 0.5
    r_pooled = torch.rand(b, config.hidden_size, device=device) - 0.5

    autocast = torch.autocast(args.device, dtype=torch.bfloat16, enabled=args.precision == "bf16")

    def synchronize() -> None:
        if args.device == "cuda":
            torch.cuda.synchronize()

    def step() -> None:
        if args.mode == "train":
            model.train()
            model.zero_grad(set_to_none=False)
            with autocast:
                out = model(input_ids=ids, token_type_ids=types, attention_mask=mask)
                loss = (out.last_hidden_state * r_hidden).sum() + (out.pooler_output * r_pooled).sum()
            loss.backward()
        else:
            model.eval()
            with torch.no_grad(), autocast:
                model(input_ids=ids, token_type_ids=types, attention_mask=mask)

    step()
    synchronize()
    times = []
    for _ in range(args.repetitions):
        start = time.perf_counter()
        step()
        synchronize()
        times.append(time.perf_counter() - start)
    median = statistics.median(times)
    result = {"model": args.model, "mode": args.mode, "device": args.device, "batch_size": b, "max_seq_length": s,
              "threads": torch.get_num_threads(), "torch": torch.__version__, "precision": args.precision,
              "median_seconds": median,
              "tokens_per_second": b * s / median, "seconds": times}
    if args.json:
        print(json.dumps(result, sort_keys=True))
    else:
        print(f"pytorch {args.model} {args.mode} {args.precision} on {args.device} batch {b} × seq {s}: {b * s / median:.1f} tokens/s "
              f"(median {median:.3f} s of {args.repetitions}, {torch.get_num_threads()} threads, torch {torch.__version__})")


if __name__ == "__main__":
    main()
