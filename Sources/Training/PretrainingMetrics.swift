import BERT

/// Held-out metrics of the pre-training heads from `PretrainingHead.outputs()` rows: masked LM loss and
/// accuracy (weighted over the masked positions) and next-sentence loss and accuracy (over the examples).
public enum PretrainingMetrics {
    /// `mlm_loss`, `mlm_accuracy`, `nsp_loss`, `nsp_accuracy` and `examples` from the head's per-example rows.
    public static func compute(_ outputs: [[Float]]) -> [String: Double] {
        var sums = [Double](repeating: 0, count: 5)
        for row in outputs { for i in 0..<min(5, row.count) { sums[i] += Double(row[i]) } }
        let examples = Double(max(outputs.count, 1))
        return ["mlm_loss": sums[1] > 0 ? sums[0] / sums[1] : 0, "mlm_accuracy": sums[1] > 0 ? sums[2] / sums[1] : 0,
                "nsp_loss": sums[3] / examples, "nsp_accuracy": sums[4] / examples, "examples": Double(outputs.count)]
    }

    /// The accuracy of always predicting the most frequent masked token of `features` (weighted as the
    /// metric): the unigram baseline a trained model must beat.
    public static func constantBaseline(_ features: [Feature]) -> Double {
        var counts: [Int32: Double] = [:], total = 0.0
        for feature in features {
            for (label, weight) in zip(feature.maskedLabels ?? [], feature.maskedWeights ?? []) where weight > 0 {
                counts[label, default: 0] += Double(weight)
                total += Double(weight)
            }
        }
        return total > 0 ? (counts.values.max() ?? 0) / total : 0
    }

    /// The accuracy of always giving the more frequent next-sentence label of `features` (random next is the
    /// majority when documents are short: Google's generator makes B random when a document has one segment).
    public static func nextSentenceMajority(_ features: [Feature]) -> Double {
        let labelled = features.filter { $0.label >= 0 }
        guard !labelled.isEmpty else { return 0 }
        let random = Double(labelled.filter { $0.label == 1 }.count) / Double(labelled.count)
        return max(random, 1 - random)
    }
}
