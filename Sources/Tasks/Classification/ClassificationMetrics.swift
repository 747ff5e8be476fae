import Foundation

/// The official GLUE metrics, computed in double precision the way scikit-learn and SciPy compute them.
public enum ClassificationMetrics {
    /// The dev loss of classification and tagging: the mean over rows of −log softmax(logits)[gold], in Double
    /// (log-sum-exp from the largest logit, so large logits stay finite).
    public static func crossEntropy(_ logits: [ArraySlice<Float>], gold: [Int]) -> Double {
        let total = zip(logits, gold).reduce(0.0) { sum, pair in
            let values = pair.0.map(Double.init)
            let peak = values.max() ?? 0
            let logSum = peak + log(values.reduce(0) { $0 + exp($1 - peak) })
            return sum + logSum - (values.indices.contains(pair.1) ? values[pair.1] : peak)
        }
        return gold.isEmpty ? .nan : total / Double(gold.count)
    }

    public static func crossEntropy(_ logits: [[Float]], gold: [Int]) -> Double {
        crossEntropy(logits.map { $0[...] }, gold: gold)
    }

    /// The fraction of predictions equal to the gold labels.
    public static func accuracy(predicted: [Int], gold: [Int]) -> Double {
        guard !gold.isEmpty, predicted.count == gold.count else { return 0 }
        return Double(zip(predicted, gold).filter { $0 == $1 }.count) / Double(gold.count)
    }

    /// F1 of the class `positive` (scikit-learn's binary `f1_score`): 2·TP / (2·TP + FP + FN), 0 when there is no
    /// positive in either list.
    public static func f1(predicted: [Int], gold: [Int], positive: Int = 1) -> Double {
        var truePositives = 0, falsePositives = 0, falseNegatives = 0
        for (p, g) in zip(predicted, gold) {
            if p == positive, g == positive { truePositives += 1 }
            if p == positive, g != positive { falsePositives += 1 }
            if p != positive, g == positive { falseNegatives += 1 }
        }
        let denominator = 2 * truePositives + falsePositives + falseNegatives
        return denominator == 0 ? 0 : Double(2 * truePositives) / Double(denominator)
    }

    /// Matthews correlation coefficient (scikit-learn's `matthews_corrcoef`, multi-class form; 0 when it is
    /// undefined because either list holds a single class).
    public static func matthewsCorrelation(predicted: [Int], gold: [Int]) -> Double {
        let classes = Set(predicted).union(gold)
        var truth: [Int: Double] = [:], prediction: [Int: Double] = [:]
        var correct = 0.0
        for (p, g) in zip(predicted, gold) {
            truth[g, default: 0] += 1
            prediction[p, default: 0] += 1
            if p == g { correct += 1 }
        }
        let samples = Double(min(predicted.count, gold.count))
        let dotTP = classes.reduce(0.0) { $0 + (truth[$1] ?? 0) * (prediction[$1] ?? 0) }
        let dotPP = prediction.values.reduce(0.0) { $0 + $1 * $1 }
        let dotTT = truth.values.reduce(0.0) { $0 + $1 * $1 }
        let covariance = correct * samples - dotTP
        let denominator = ((samples * samples - dotPP) * (samples * samples - dotTT)).squareRoot()
        return denominator == 0 ? 0 : covariance / denominator
    }

    /// Pearson's correlation coefficient (SciPy's `pearsonr`); 0 when either list is constant (where SciPy gives
    /// NaN), so that metrics stay valid JSON.
    public static func pearson(_ x: [Double], _ y: [Double]) -> Double {
        let count = min(x.count, y.count)
        guard count > 1 else { return 0 }
        let meanX = x.prefix(count).reduce(0, +) / Double(count), meanY = y.prefix(count).reduce(0, +) / Double(count)
        var sxy = 0.0, sxx = 0.0, syy = 0.0
        for i in 0..<count {
            let dx = x[i] - meanX, dy = y[i] - meanY
            sxy += dx * dy
            sxx += dx * dx
            syy += dy * dy
        }
        guard sxx > 0, syy > 0 else { return 0 }
        return max(-1, min(1, sxy / (sxx.squareRoot() * syy.squareRoot())))
    }

    /// Spearman's rank correlation (SciPy's `spearmanr`): Pearson's correlation of the ranks, tied values
    /// sharing the average of their ranks.
    public static func spearman(_ x: [Double], _ y: [Double]) -> Double {
        pearson(averageRanks(x), averageRanks(y))
    }

    /// Ranks from 1, ties given the mean of the ranks they span (SciPy's `rankdata(method="average")`).
    public static func averageRanks(_ values: [Double]) -> [Double] {
        let order = values.indices.sorted { values[$0] < values[$1] || (values[$0] == values[$1] && $0 < $1) }
        var ranks = [Double](repeating: 0, count: values.count)
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count, values[order[end + 1]] == values[order[start]] { end += 1 }
            let rank = Double(start + end) / 2 + 1
            for position in start...end { ranks[order[position]] = rank }
            start = end + 1
        }
        return ranks
    }
}

/// Which official metrics a classification task reports.
public enum ClassificationMetricSet: Sendable, Equatable {
    /// `accuracy`.
    case accuracy
    /// `f1` (of label `1`) and `accuracy` (MRPC, QQP).
    case accuracyAndF1
    /// `matthews_correlation` and `accuracy` (CoLA).
    case matthews
    /// `pearson` and `spearman` (STS-B and any regression).
    case correlation
    /// `accuracy` per subset (`matched_accuracy`, `mismatched_accuracy` for MNLI) and over all examples.
    case accuracyBySubset
    /// `micro_f1`, `macro_f1`, `subset_accuracy` and per label `precision/…`, `recall/…`, `f1/…` (multi-label,
    /// ``MultiLabelMetrics``).
    case multiLabel

    /// The headline metric.
    public var primary: String {
        switch self {
        case .accuracy: return "accuracy"
        case .accuracyAndF1: return "f1"
        case .matthews: return "matthews_correlation"
        case .correlation: return "pearson"
        case .accuracyBySubset: return "matched_accuracy"
        case .multiLabel: return "micro_f1"
        }
    }
}
