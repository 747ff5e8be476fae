"""Expected metric values for Tests/TasksTests, from the reference libraries.

Usage: python tasks_metrics_reference.py   (needs scikit-learn, scipy and seqeval)
Prints the numbers the Swift tests hold as constants: scikit-learn's matthews_corrcoef and f1_score, SciPy's
pearsonr and spearmanr (average ranks for ties), seqeval's default-mode entity scores on the CoNLL fixture, and
the official SQuAD normalize_answer on tricky strings.
"""
import json

from scipy import stats
from seqeval.metrics import accuracy_score, classification_report, f1_score, precision_score, recall_score
from sklearn.metrics import f1_score as binary_f1
from sklearn.metrics import matthews_corrcoef

from tasks_squad_reference import normalize_answer

binary_pred = [1, 1, 0, 1, 0, 0, 1, 1, 0, 1]
binary_gold = [1, 0, 0, 1, 0, 1, 1, 1, 1, 1]
multi_pred = [0, 1, 2, 2, 1, 0, 2]
multi_gold = [0, 2, 2, 1, 1, 0, 0]
x = [1.0, 2.5, 2.5, 4.0, 0.5, 3.0, 3.0, 3.0]
y = [0.8, 2.0, 3.1, 3.9, 1.0, 2.2, 2.9, 3.3]
print("mcc binary", repr(matthews_corrcoef(binary_gold, binary_pred)))
print("mcc multi", repr(matthews_corrcoef(multi_gold, multi_pred)))
print("f1 binary", repr(binary_f1(binary_gold, binary_pred)))
print("pearson", repr(stats.pearsonr(x, y)[0]))
print("spearman", repr(stats.spearmanr(x, y)[0]))
print("ranks", list(stats.rankdata(x)))

# seqeval on the CoNLL fixture (gold as written, IOB1) and the predictions the Swift test produces.
gold = [["I-ORG", "O", "I-MISC", "O", "O", "O", "I-MISC", "O", "O"],
        ["I-PER", "I-PER", "B-PER", "I-PER"],
        ["I-LOC", "O", "I-LOC", "I-LOC", "O", "O", "O", "O", "O", "O", "I-ORG", "I-ORG", "O"]]
pred = [["B-ORG", "O", "B-MISC", "O", "O", "O", "O", "O", "O"],
        ["B-PER", "I-PER", "I-PER", "I-PER"],
        ["B-LOC", "O", "B-LOC", "I-LOC", "O", "O", "O", "O", "O", "B-LOC", "I-ORG", "O", "O"]]
print("seqeval precision", repr(precision_score(gold, pred)), "recall", repr(recall_score(gold, pred)),
      "f1", repr(f1_score(gold, pred)), "accuracy", repr(accuracy_score(gold, pred)))
print(classification_report(gold, pred, digits=6))
print(json.dumps(classification_report(gold, pred, output_dict=True), default=float))


for text in ["The Cat's hat!", "an apple a day", "theater anthem", "ΣΑΣ ΟΔΟΣ Σ", "Ünïcödé  Café—the end",
             "a_b the_c", "İstanbul", "the² a1 theA", "a.the,an", "\u00a0the\u3000end\u2009a"]:
    print(json.dumps(text), json.dumps(normalize_answer(text)))

# Multi-label classification (bert's MultiLabelMetrics): 6 examples × 4 labels, predictions = sigmoid(logit) >= 0.5.
# Label 3 is never gold nor predicted (F1 0 under zero_division=0, as the Swift side defines it).
import numpy as np
from sklearn.metrics import accuracy_score as subset_accuracy
from sklearn.metrics import f1_score as multi_f1
from sklearn.metrics import precision_recall_fscore_support

ml_logits = np.array([[2.0, -1.0, 0.3, -3.0], [-0.5, 1.5, 0.0, -2.0], [1.0, 1.0, -1.0, -1.0],
                      [-2.0, -0.1, 2.5, -4.0], [0.2, -0.3, -0.7, -0.2], [3.0, 2.0, 1.0, -5.0]])
ml_gold = np.array([[1, 0, 1, 0], [0, 1, 0, 0], [1, 0, 0, 0], [0, 1, 1, 0], [0, 0, 0, 0], [1, 1, 0, 0]])
ml_pred = (1 / (1 + np.exp(-ml_logits)) >= 0.5).astype(int)
print("multilabel micro f1", repr(multi_f1(ml_gold, ml_pred, average="micro", zero_division=0)))
print("multilabel macro f1", repr(multi_f1(ml_gold, ml_pred, average="macro", zero_division=0)))
print("multilabel subset accuracy", repr(subset_accuracy(ml_gold, ml_pred)))
p, r, f, s = precision_recall_fscore_support(ml_gold, ml_pred, average=None, zero_division=0)
print("multilabel per label", [list(map(float, p)), list(map(float, r)), list(map(float, f)), list(map(int, s))])
ml_pred_07 = (1 / (1 + np.exp(-ml_logits)) >= 0.7).astype(int)
print("multilabel micro f1 at 0.7", repr(multi_f1(ml_gold, ml_pred_07, average="micro", zero_division=0)))
