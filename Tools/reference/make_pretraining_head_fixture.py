#!/usr/bin/env python3
"""Writes the pre-training head fixture (masked LM + next sentence) the BERT tests check against.

Never run by the tests: run it by hand after changing what it produces, and commit the small output.

    HF_HUB_OFFLINE=1 /path/to/venv/bin/python Tools/reference/make_pretraining_head_fixture.py \
        --tiny Tests/BERTTests/Fixtures/encoder/tiny

Reads the tiny random BERT written by make_encoder_fixtures.py (vocab 99, H 32, 2 layers, gelu_new, no dropout),
puts transformers' BertForPreTraining heads on it (random, non-trivial weights; the decoder tied to the word
embeddings as always) and writes tiny/pretraining.safetensors:
  input_ids, token_type_ids, attention_mask [B, S] int32; masked_lm_positions, masked_lm_ids [B, P] int32 and
  masked_lm_weights [B, P] float (the last slots of some rows are padding: position 0, id 0, weight 0, as Google's
  features); next_sentence_labels [B] int32 (0 = real next, 1 = random);
  weights.<name> for every head parameter; mlm_loss, nsp_loss, loss [1]; and grad.<name> for every parameter.
The loss is Google's run_pretraining.py: masked LM = Σ w·nll / (Σ w + 1e-5) over the gathered positions,
next sentence = mean cross-entropy over the batch, total = the sum. (transformers' own loss averages over the
positions whose label is not -100: the same value up to the 1e-5, but it is computed here exactly as Google does.)
"""
import argparse
import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")

import torch
import torch.nn.functional as F
from safetensors.torch import save_file
from transformers import BertForPreTraining, BertModel


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--tiny", required=True, help="the tiny fixture model folder (model.safetensors + config.json)")
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(2024)
    base = BertModel.from_pretrained(args.tiny)
    model = BertForPreTraining(base.config)
    model.bert.load_state_dict(base.state_dict(), strict=False)
    model.eval()   # dropout off; gradients still flow
    head = {k: v for k, v in model.named_parameters() if k.startswith("cls.")}
    with torch.no_grad():
        for name, v in head.items():
            if name == "cls.predictions.decoder.weight":
                continue   # tied to the word embeddings
            if "LayerNorm.weight" in name:
                v.copy_(1 + torch.randn_like(v) * 0.1)
            else:
                v.copy_(torch.randn_like(v) * 0.2)

    batch, seq, predictions, vocab = 3, 11, 4, base.config.vocab_size
    ids = torch.randint(1, vocab, (batch, seq), dtype=torch.int32)
    types = torch.zeros(batch, seq, dtype=torch.int32)
    types[:, 6:] = 1
    mask = torch.ones(batch, seq, dtype=torch.int32)
    mask[2, 8:] = 0
    ids[2, 8:] = 0
    positions = torch.tensor([[1, 3, 4, 9], [2, 5, 0, 0], [1, 2, 7, 0]], dtype=torch.int32)
    weights = torch.tensor([[1, 1, 1, 1], [1, 1, 0, 0], [1, 1, 1, 0]], dtype=torch.float32)
    labels = torch.randint(1, vocab, (batch, predictions), dtype=torch.int32) * (weights > 0).to(torch.int32)
    next_labels = torch.tensor([0, 1, 1], dtype=torch.int32)

    result = model(input_ids=ids.long(), token_type_ids=types.long(), attention_mask=mask.long())
    logits = result.prediction_logits                                        # [B, S, V]
    gathered = torch.gather(logits, 1, positions.long().unsqueeze(-1).expand(-1, -1, vocab))   # [B, P, V]
    nll = -F.log_softmax(gathered, dim=-1).gather(-1, labels.long().unsqueeze(-1)).squeeze(-1)   # [B, P]
    mlm_loss = (weights * nll).sum() / (weights.sum() + 1e-5)
    nsp_loss = F.cross_entropy(result.seq_relationship_logits, next_labels.long())
    loss = mlm_loss + nsp_loss
    loss.backward()

    expected = {"input_ids": ids, "token_type_ids": types, "attention_mask": mask,
                "masked_lm_positions": positions, "masked_lm_ids": labels, "masked_lm_weights": weights,
                "next_sentence_labels": next_labels, "mlm_loss": mlm_loss.detach().reshape(1),
                "nsp_loss": nsp_loss.detach().reshape(1), "loss": loss.detach().reshape(1),
                "predicted_ids": gathered.argmax(-1).to(torch.int32),
                "next_sentence_logits": result.seq_relationship_logits.detach()}
    for name, v in head.items():
        if name != "cls.predictions.decoder.weight":
            expected[f"weights.{name}"] = v.detach().clone()
    for name, v in model.named_parameters():
        if v.grad is not None and name != "cls.predictions.decoder.weight":
            expected[f"grad.{name[5:] if name.startswith('bert.') else name}"] = v.grad
    save_file({k: v.contiguous() for k, v in expected.items()}, os.path.join(args.tiny, "pretraining.safetensors"))
    print(f"pretraining: mlm {mlm_loss.item():.6f}, nsp {nsp_loss.item():.6f}, total {loss.item():.6f}")


if __name__ == "__main__":
    main()
