"""Shared by SwiftBERT's checkpoint reference scripts: Google → canonical names, and expected-value records."""
import json
import os

import numpy as np

# The repository root (this file is in Tools/reference/).
REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def google_to_canonical(name):
    """Google TF variable name → (canonical name without the "bert." prefix, whether the tensor is transposed).

    kernel [in, out] → weight [out, in] (transposed); gamma/output_weights → weight; beta/output_bias → bias;
    layer_N → layer.N; *_embeddings → *_embeddings.weight.
    """
    parts = name.split("/")
    if parts[0] == "bert":
        parts = parts[1:]
    out, transpose = [], False
    for part in parts:
        if part.startswith("layer_") and part[6:].isdigit():
            out += ["layer", part[6:]]
        elif part == "kernel":
            out.append("weight")
            transpose = True
        elif part in ("gamma", "output_weights"):
            out.append("weight")
        elif part in ("beta", "output_bias"):
            out.append("bias")
        else:
            out.append(part)
    if out[-1].endswith("_embeddings"):
        out.append("weight")
    return ".".join(out), transpose


def expected_entry(name, array, first=6):
    """What a test checks of one tensor: shape, the first values and the last, and the float64 sum."""
    value = np.ascontiguousarray(array, dtype=np.float32)
    flat = value.reshape(-1)
    return {"name": name, "shape": list(value.shape), "sum": float(flat.astype(np.float64).sum()),
            "first": [float(x) for x in flat[:first]], "last": float(flat[-1])}


def write_json(path, value):
    with open(path, "w") as f:
        json.dump(value, f, indent=1)
        f.write("\n")
