"""Expected SQuAD features, predictions and scores for Tests/TasksTests, from Google's own run_squad.py.

Usage: python tasks_squad_reference.py BERT_DIR
  BERT_DIR holds google-research/bert's run_squad.py, tokenization.py, modeling.py and optimization.py
  (the files are imported, not copied; TensorFlow is replaced by a stub, file access by open()).

Reads the fixtures in Tests/TasksTests/Fixtures/squad with the test vocabulary and writes expected.json beside
them. Run once when the fixtures change; the Swift tests only read the JSON.

- Features: read_squad_examples + convert_examples_to_features with max_seq_length 32, doc_stride 8,
  max_query_length 6 (small, so contexts need several windows). Google's reader raises IndexError for an
  answer_start past the end of the context; such questions are dropped here first (SwiftBERT warns and skips).
- Predictions: write_predictions on synthetic logits (multiples of 0.25, exact in float32, many ties; the [CLS]
  logits depend on the question) for two settings; the same logits are computed in the Swift test.
- Scores: the official evaluate-v1.1.py / evaluate-v2.0.py logic, written out below.
"""
import collections
import json
import os
import re
import string
import sys
import tempfile
import types
from unittest import mock

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "..", "Tests", "TasksTests", "Fixtures")
SQUAD = os.path.join(FIXTURES, "squad")
VOCAB = os.path.join(FIXTURES, "vocab", "vocab.txt")
SETTINGS = dict(max_seq_length=32, doc_stride=8, max_query_length=6)
POSTPROCESSING = [dict(n_best_size=20, max_answer_length=30, null_score_diff_threshold=0.0),
                  dict(n_best_size=6, max_answer_length=5, null_score_diff_threshold=1.5)]


def load_google(bert_dir):
    tf = mock.MagicMock()
    tf.gfile.Open = open
    tf.gfile.GFile = open
    sys.modules["tensorflow"] = tf
    sys.path.insert(0, bert_dir)
    import run_squad
    import tokenization
    return run_squad, tokenization


def logits(feature, example, length):
    starts = [((feature * 7 + i * 13) % 17) * 0.25 - 2.0 for i in range(length)]
    ends = [((feature * 5 + i * 11) % 19) * 0.25 - 2.5 for i in range(length)]
    starts[0], ends[0] = ((example * 3) % 5) * 1.0 + 1.0, 1.5
    return starts, ends


# --- evaluate-v1.1.py / evaluate-v2.0.py (official logic) ---
def normalize_answer(s):
    def remove_articles(text):
        return re.sub(r"\b(a|an|the)\b", " ", text)

    def white_space_fix(text):
        return " ".join(text.split())

    def remove_punc(text):
        exclude = set(string.punctuation)
        return "".join(ch for ch in text if ch not in exclude)

    return white_space_fix(remove_articles(remove_punc(s.lower())))


def f1_v1(prediction, ground_truth):
    p, g = normalize_answer(prediction).split(), normalize_answer(ground_truth).split()
    same = sum((collections.Counter(p) & collections.Counter(g)).values())
    if same == 0:
        return 0
    precision, recall = 1.0 * same / len(p), 1.0 * same / len(g)
    return (2 * precision * recall) / (precision + recall)


def evaluate_v1(dataset, predictions):
    f1 = exact = total = 0
    for article in dataset:
        for paragraph in article["paragraphs"]:
            for qa in paragraph["qas"]:
                total += 1
                if qa["id"] not in predictions:
                    continue
                truths = [a["text"] for a in qa["answers"]]
                pred = predictions[qa["id"]]
                exact += max(normalize_answer(pred) == normalize_answer(t) for t in truths)
                f1 += max(f1_v1(pred, t) for t in truths)
    return {"exact_match": 100.0 * exact / total, "f1": 100.0 * f1 / total}


def get_tokens(s):
    return normalize_answer(s).split() if s else []


def f1_v2(a_gold, a_pred):
    g, p = get_tokens(a_gold), get_tokens(a_pred)
    same = sum((collections.Counter(g) & collections.Counter(p)).values())
    if len(g) == 0 or len(p) == 0:
        return int(g == p)
    if same == 0:
        return 0
    precision, recall = 1.0 * same / len(p), 1.0 * same / len(g)
    return (2 * precision * recall) / (precision + recall)


def evaluate_v2(dataset, preds, na_probs, na_prob_thresh=1.0):
    has_ans = collections.OrderedDict()
    exact_raw, f1_raw = collections.OrderedDict(), collections.OrderedDict()
    for article in dataset:
        for p in article["paragraphs"]:
            for qa in p["qas"]:
                has_ans[qa["id"]] = bool(qa["answers"])
                gold = [a["text"] for a in qa["answers"] if normalize_answer(a["text"])] or [""]
                if qa["id"] not in preds:
                    continue
                exact_raw[qa["id"]] = max(int(normalize_answer(a) == normalize_answer(preds[qa["id"]])) for a in gold)
                f1_raw[qa["id"]] = max(f1_v2(a, preds[qa["id"]]) for a in gold)

    def threshold(scores):
        return collections.OrderedDict(
            (q, float(not has_ans[q]) if na_probs[q] > na_prob_thresh else s) for q, s in scores.items())

    exact, f1 = threshold(exact_raw), threshold(f1_raw)

    def summary(ids):
        return {"exact": 100.0 * sum(exact[k] for k in ids) / len(ids), "f1": 100.0 * sum(f1[k] for k in ids) / len(ids),
                "total": len(ids)}

    out = summary(list(exact.keys()))
    for prefix, wanted in (("HasAns", True), ("NoAns", False)):
        ids = [k for k, v in has_ans.items() if v == wanted]
        if ids:
            out.update({"%s_%s" % (prefix, k): v for k, v in summary(ids).items()})

    def best(scores):
        cur = best_score = sum(1 for k in has_ans if not has_ans[k])
        best_thresh = 0.0
        for qid in sorted(na_probs, key=lambda k: na_probs[k]):
            if qid not in scores:
                continue
            diff = scores[qid] if has_ans[qid] else (-1 if preds[qid] else 0)
            cur += diff
            if cur > best_score:
                best_score, best_thresh = cur, na_probs[qid]
        return 100.0 * best_score / len(scores), best_thresh

    out["best_exact"], out["best_exact_thresh"] = best(exact_raw)
    out["best_f1"], out["best_f1_thresh"] = best(f1_raw)
    return out


def run(run_squad, tokenization, name, training, v2):
    path = os.path.join(SQUAD, name)
    run_squad.FLAGS = types.SimpleNamespace(version_2_with_negative=v2, verbose_logging=False, null_score_diff_threshold=0.0)
    with open(path) as f:
        document = json.load(f)
    for article in document["data"]:
        for paragraph in article["paragraphs"]:
            n = len(paragraph["context"])
            paragraph["qas"] = [qa for qa in paragraph["qas"]
                                if not training or all(a["answer_start"] + len(a["text"]) <= n for a in qa["answers"])]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(document, f)
    examples = run_squad.read_squad_examples(f.name, is_training=training)
    tokenizer = tokenization.FullTokenizer(VOCAB, do_lower_case=True)
    features = []
    run_squad.convert_examples_to_features(examples, tokenizer, is_training=training, output_fn=features.append, **SETTINGS)
    result = {"questions": [e.qas_id for e in examples], "features": [{
        "question": examples[f.example_index].qas_id, "span": f.doc_span_index, "ids": f.input_ids,
        "types": f.segment_ids, "mask": f.input_mask, "start": f.start_position, "end": f.end_position,
        "token_to_orig": sorted([k, v] for k, v in f.token_to_orig_map.items()),
        "max_context": sorted(k for k, v in f.token_is_max_context.items() if v)} for f in features]}
    if training:
        return result
    raw = []
    for index, feature in enumerate(features):
        starts, ends = logits(index, feature.example_index, SETTINGS["max_seq_length"])
        raw.append(run_squad.RawResult(unique_id=feature.unique_id, start_logits=starts, end_logits=ends))
    result["postprocessing"] = []
    for settings in POSTPROCESSING:
        run_squad.FLAGS.null_score_diff_threshold = settings["null_score_diff_threshold"]
        with tempfile.TemporaryDirectory() as out:
            files = [os.path.join(out, n) for n in ("predictions.json", "nbest.json", "null_odds.json")]
            run_squad.write_predictions(examples, features, raw, settings["n_best_size"], settings["max_answer_length"],
                                        True, *files)
            loaded = []
            for file in files:
                if os.path.exists(file):
                    with open(file) as f:
                        loaded.append(json.load(f, object_pairs_hook=collections.OrderedDict))
                else:
                    loaded.append(None)
        predictions, nbest, null_odds = loaded
        scores = evaluate_v2(document["data"], predictions, null_odds) if v2 else evaluate_v1(document["data"], predictions)
        result["postprocessing"].append({"settings": settings, "predictions": predictions, "nbest": nbest,
                                         "null_odds": null_odds, "scores": scores})
    return result


def main():
    run_squad, tokenization = load_google(sys.argv[1])
    expected = {"settings": SETTINGS}
    for name, training, v2 in (("train-v1.1.json", True, False), ("dev-v1.1.json", False, False),
                               ("train-v2.0.json", True, True), ("dev-v2.0.json", False, True)):
        expected[name + (" training" if training else "")] = run(run_squad, tokenization, name, training, v2)
    with open(os.path.join(SQUAD, "expected.json"), "w") as f:
        json.dump(expected, f, ensure_ascii=False, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
