import Foundation

/// Multi-label classification scores at a decision threshold, computed as scikit-learn computes them with
/// `zero_division=0`: an example has label j when sigmoid(logit j) ≥ `threshold`.
///
/// ```swift
/// let scores = MultiLabelMetrics(logits: [[2.0, -1.0]], gold: [[1, 0]], labels: ["sports", "politics"])
/// print(scores.microF1, scores.macroF1, scores.subsetAccuracy)   // 1.0 0.5 1.0
/// ```
public struct MultiLabelMetrics: Sendable, Equatable {
    /// One label's scores.
    public struct LabelScores: Sendable, Equatable {
        /// The label's name.
        public var label: String
        /// TP / (TP + FP), 0 when the label is never predicted.
        public var precision: Double
        /// TP / (TP + FN), 0 when the label is never gold.
        public var recall: Double
        /// 2·TP / (2·TP + FP + FN), 0 when the label is neither gold nor predicted.
        public var f1: Double
        /// Examples with the label in the gold set.
        public var support: Int
    }

    /// F1 over every (example, label) decision pooled: scikit-learn's `average="micro"`.
    public var microF1: Double
    /// The mean of the labels' F1: scikit-learn's `average="macro"`.
    public var macroF1: Double
    /// The share of examples whose predicted label set equals the gold set exactly (scikit-learn's
    /// `accuracy_score` on label-indicator arrays).
    public var subsetAccuracy: Double
    /// The mean binary cross-entropy over every example and label (transformers' `BCEWithLogitsLoss`): the dev
    /// loss.
    public var loss: Double
    /// Per label, in the order of `labels`.
    public var perLabel: [LabelScores]

    /// The decision threshold unless one is given (`--threshold`): transformers' and scikit-learn users' 0.5.
    public static let defaultThreshold = 0.5

    /// Scores of `logits` [examples][labels] against `gold` (1 = the example has the label, 0 = not). The
    /// caller passes the scored examples only (those with a label set), one row each in both lists and `labels.count`
    /// values per row; with no example the scores are 0 and the loss is 0.
    public init(logits: [[Float]], gold: [[Float]], labels: [String], threshold: Double = defaultThreshold) {
        let count = labels.count, examples = min(logits.count, gold.count)
        var tp = [Int](repeating: 0, count: count), fp = tp, fn = tp
        var exact = 0, lossSum = 0.0
        for (row, targets) in zip(logits, gold) {
            var allRight = true
            for j in 0..<count {
                let x = Double(j < row.count ? row[j] : 0), t = Double(j < targets.count ? targets[j] : 0)
                let predicted = 1 / (1 + exp(-x)) >= threshold, isGold = t >= 0.5
                if predicted && isGold { tp[j] += 1 }
                if predicted && !isGold { fp[j] += 1 }
                if !predicted && isGold { fn[j] += 1 }
                if predicted != isGold { allRight = false }
                lossSum += max(x, 0) - x * t + log1p(exp(-abs(x)))
            }
            if allRight { exact += 1 }
        }
        func ratio(_ a: Int, _ b: Int) -> Double { b == 0 ? 0 : Double(a) / Double(b) }
        perLabel = (0..<count).map { j in
            LabelScores(label: labels[j], precision: ratio(tp[j], tp[j] + fp[j]), recall: ratio(tp[j], tp[j] + fn[j]),
                        f1: ratio(2 * tp[j], 2 * tp[j] + fp[j] + fn[j]), support: tp[j] + fn[j])
        }
        let (allTP, allFP, allFN) = (tp.reduce(0, +), fp.reduce(0, +), fn.reduce(0, +))
        microF1 = ratio(2 * allTP, 2 * allTP + allFP + allFN)
        macroF1 = count == 0 ? 0 : perLabel.reduce(0) { $0 + $1.f1 } / Double(count)
        subsetAccuracy = ratio(exact, examples)
        loss = examples * count == 0 ? 0 : lossSum / Double(examples * count)
    }
}
