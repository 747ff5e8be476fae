#!/usr/bin/env python3
"""Writes a genuine Google-style BERT TensorFlow checkpoint for a tiny config, for SwiftBERT's tests.

TensorFlow's own tf.compat.v1.train.Saver writes bert_model.ckpt.{index,data-00000-of-00001} with Google's
exact variable names (bert/..., cls/...), plus the optimizer variables a pre-training checkpoint carries
(adam_m/adam_v slots and global_step) that a loader must skip. Beside it: bert_config.json (hidden_act
"gelu", which in a Google config means the tanh approximation) and a matching 99-line vocab.txt.

expected.json records, for a few tensors, the canonical (HF) name, the shape after mapping (kernels
transposed to [out, in]), the float64 sum and the first values — computed here from the TF variables.

Usage: python3 Tools/reference/make_tf_checkpoint_fixture.py [OUT_DIR]
       (default Tests/BERTTests/Fixtures/tf-tiny; needs tensorflow-cpu and numpy)
"""
import json
import os
import sys

import numpy as np

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import tensorflow as tf  # noqa: E402

from checkpoint_common import expected_entry, google_to_canonical, write_json  # noqa: E402

CONFIG = {
    "attention_probs_dropout_prob": 0.1,
    "hidden_act": "gelu",
    "hidden_dropout_prob": 0.1,
    "hidden_size": 32,
    "initializer_range": 0.02,
    "intermediate_size": 37,
    "max_position_embeddings": 64,
    "num_attention_heads": 4,
    "num_hidden_layers": 2,
    "type_vocab_size": 2,
    "vocab_size": 99,
}

# Optimizer slots for these variables only (a real pre-training checkpoint has them for every variable; a
# few are enough to prove they are skipped, and keep the fixture small).
ADAM_FOR = [
    "bert/embeddings/word_embeddings",
    "bert/encoder/layer_0/attention/self/query/kernel",
    "bert/encoder/layer_1/output/LayerNorm/gamma",
    "cls/seq_relationship/output_weights",
]

EXPECTED_FOR = [
    "bert/embeddings/word_embeddings",
    "bert/embeddings/position_embeddings",
    "bert/embeddings/LayerNorm/gamma",
    "bert/encoder/layer_0/attention/self/query/kernel",
    "bert/encoder/layer_1/intermediate/dense/kernel",
    "bert/encoder/layer_1/output/dense/kernel",
    "bert/encoder/layer_1/output/LayerNorm/beta",
    "bert/pooler/dense/kernel",
    "cls/predictions/transform/dense/kernel",
    "cls/predictions/output_bias",
    "cls/seq_relationship/output_weights",
    "cls/seq_relationship/output_bias",
]


def vocabulary(size):
    special = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
    words = ["the", "of", "and", "to", "a", "in", "is", "it", "you", "that", "he", "was", "for", "on",
             "are", "with", "as", "i", "his", "they", "be", "at", "one", "have", "this", "from", "or",
             "had", "by", "hot", "word", "but", "what", "some", "we", "can", "out", "other", "were",
             "all", "there", "when", "up", "use", "your", "how", "said", "an", "each", "she", "which",
             "do", "their", "time", "if", "will", "way", "about", "many", "then", "them", "write",
             "would", "like", "so", "these", "her", "long", "make", "thing", "see", "him", "two", "has",
             "look", "more", "day", "could", "go", "come", "did", "number", "sound", "no", "most",
             "people", "my", "over", "know", "water", "than", "call", "first", "who", "may", "down"]
    pieces = ["##s", "##ed", "##ing", "##ly", ",", ".", "!", "?"]
    tokens = special + pieces + words
    return tokens[:size]


def variable_shapes(config):
    h, i, v = config["hidden_size"], config["intermediate_size"], config["vocab_size"]
    shapes = {
        "bert/embeddings/word_embeddings": [v, h],
        "bert/embeddings/token_type_embeddings": [config["type_vocab_size"], h],
        "bert/embeddings/position_embeddings": [config["max_position_embeddings"], h],
        "bert/embeddings/LayerNorm/gamma": [h],
        "bert/embeddings/LayerNorm/beta": [h],
    }
    for n in range(config["num_hidden_layers"]):
        p = f"bert/encoder/layer_{n}"
        for part in ["query", "key", "value"]:
            shapes[f"{p}/attention/self/{part}/kernel"] = [h, h]
            shapes[f"{p}/attention/self/{part}/bias"] = [h]
        shapes[f"{p}/attention/output/dense/kernel"] = [h, h]
        shapes[f"{p}/attention/output/dense/bias"] = [h]
        shapes[f"{p}/attention/output/LayerNorm/gamma"] = [h]
        shapes[f"{p}/attention/output/LayerNorm/beta"] = [h]
        shapes[f"{p}/intermediate/dense/kernel"] = [h, i]
        shapes[f"{p}/intermediate/dense/bias"] = [i]
        shapes[f"{p}/output/dense/kernel"] = [i, h]
        shapes[f"{p}/output/dense/bias"] = [h]
        shapes[f"{p}/output/LayerNorm/gamma"] = [h]
        shapes[f"{p}/output/LayerNorm/beta"] = [h]
    shapes["bert/pooler/dense/kernel"] = [h, h]
    shapes["bert/pooler/dense/bias"] = [h]
    shapes["cls/predictions/transform/dense/kernel"] = [h, h]
    shapes["cls/predictions/transform/dense/bias"] = [h]
    shapes["cls/predictions/transform/LayerNorm/gamma"] = [h]
    shapes["cls/predictions/transform/LayerNorm/beta"] = [h]
    shapes["cls/predictions/output_bias"] = [v]
    shapes["cls/seq_relationship/output_weights"] = [2, h]
    shapes["cls/seq_relationship/output_bias"] = [2]
    return shapes


def initial_values(shapes, seed=20181011):
    """Distinct, non-symmetric values everywhere, so a missed or wrong transpose shows."""
    rng = np.random.default_rng(seed)
    values = {}
    for name, shape in shapes.items():
        x = rng.standard_normal(shape).astype(np.float32) * np.float32(0.02)
        if name.endswith("/gamma"):
            x = x + np.float32(1.0)
        values[name] = x.astype(np.float32)
    return values


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else "Tests/BERTTests/Fixtures/tf-tiny"
    os.makedirs(out_dir, exist_ok=True)
    shapes = variable_shapes(CONFIG)
    values = initial_values(shapes)
    rng = np.random.default_rng(7)

    tf.compat.v1.disable_eager_execution()
    graph = tf.Graph()
    with graph.as_default():
        variables = []
        for name, value in values.items():
            variables.append(tf.compat.v1.get_variable(name, initializer=tf.constant(value), dtype=tf.float32))
        for name in ADAM_FOR:
            for slot in ("adam_m", "adam_v"):
                slot_value = (np.abs(rng.standard_normal(shapes[name])) * 1e-3).astype(np.float32)
                variables.append(tf.compat.v1.get_variable(f"{name}/{slot}", initializer=tf.constant(slot_value),
                                                           trainable=False))
        global_step = tf.compat.v1.train.get_or_create_global_step()
        assign_step = tf.compat.v1.assign(global_step, 1234)
        saver = tf.compat.v1.train.Saver()
        with tf.compat.v1.Session() as session:
            session.run(tf.compat.v1.global_variables_initializer())
            session.run(assign_step)
            prefix = os.path.join(out_dir, "bert_model.ckpt")
            saver.save(session, prefix, write_meta_graph=False, write_state=False)

    with open(os.path.join(out_dir, "bert_config.json"), "w") as f:
        json.dump(CONFIG, f, indent=2, sort_keys=True)
        f.write("\n")
    with open(os.path.join(out_dir, "vocab.txt"), "w") as f:
        for token in vocabulary(CONFIG["vocab_size"]):
            f.write(token + "\n")

    # Read back through TensorFlow's own checkpoint reader: the expected values are what TF stored.
    reader = tf.train.load_checkpoint(os.path.join(out_dir, "bert_model.ckpt"))
    stored = reader.get_variable_to_shape_map()
    expected = {"config": CONFIG, "variables": len(stored), "global_step": int(reader.get_tensor("global_step")),
                "parameters": sum(int(np.prod(s)) for s in shapes.values()), "tensors": []}
    for name in EXPECTED_FOR:
        value = reader.get_tensor(name).astype(np.float32)
        canon, transpose = google_to_canonical(name)
        expected["tensors"].append({"source": name, **expected_entry(canon, value.T if transpose else value)})
    write_json(os.path.join(out_dir, "expected.json"), expected)
    print(f"wrote {out_dir}: {len(stored)} variables")


if __name__ == "__main__":
    main()
