import BERT
import Foundation

/// Keeping the best model by a dev metric and stopping when it stops improving (`--metric-for-best`,
/// `--early-stopping-patience`, `--early-stopping-threshold`, `--load-best-at-end`).
///
/// With these settings a run evaluates every `evalEvery` steps (each epoch when that is unset), writes
/// `OUTPUT/best/` (a resumable checkpoint) whenever the metric improves, stops after `patience` evaluations without an
/// improvement of more than `threshold`, and with `loadBestAtEnd` makes `OUTPUT/model` the best checkpoint's model.
public struct BestModelSettings: Sendable, Equatable {
    /// The evaluation metric to select by; nil = the evaluation's primary (headline) metric.
    public var metric: String?
    /// Evaluations without improvement before the run stops; nil = never stop early.
    public var patience: Int?
    /// The improvement a new value must exceed to count (in the metric's units).
    public var threshold: Double = 0
    /// Whether `OUTPUT/model` is the best checkpoint's model rather than the last step's.
    public var loadBestAtEnd = false

    public init(metric: String? = nil, patience: Int? = nil, threshold: Double = 0, loadBestAtEnd: Bool = false) {
        self.metric = metric
        self.patience = patience
        self.threshold = threshold
        self.loadBestAtEnd = loadBestAtEnd
    }

    /// Whether a larger value of `metric` is better: losses, errors and perplexities are better smaller.
    public static func greaterIsBetter(_ metric: String) -> Bool {
        let name = metric.lowercased()
        return !["loss", "error", "perplexity"].contains { name.contains($0) }
    }
}

/// The best evaluation so far and the evaluations since the metric last improved. Saved in every checkpoint's
/// training state (`"best"`), so a resumed run keeps the same best and stops at the same step.
struct BestTracker: Equatable {
    let metric: String
    let greaterIsBetter: Bool
    let threshold: Double
    private(set) var bestStep: Int?
    private(set) var bestValue: Double?
    /// Every metric of the best evaluation.
    private(set) var bestMetrics: [String: Double] = [:]
    private(set) var evaluationsWithoutImprovement = 0

    init(metric: String, threshold: Double) {
        self.metric = metric
        greaterIsBetter = BestModelSettings.greaterIsBetter(metric)
        self.threshold = threshold
    }

    /// Records the evaluation at `step`; true when it is the new best.
    mutating func record(_ metrics: [String: Double], step: Int) throws -> Bool {
        guard let value = metrics[metric] else {
            throw TrainingError.invalidSetting("--metric-for-best '\(metric)' is not a metric of this evaluation; "
                                               + "it reports \(metrics.keys.sorted().joined(separator: ", "))")
        }
        let improved = bestValue.map { greaterIsBetter ? value > $0 + threshold : value < $0 - threshold } ?? value.isFinite
        if improved {
            bestStep = step
            bestValue = value
            bestMetrics = metrics
            evaluationsWithoutImprovement = 0
        } else {
            evaluationsWithoutImprovement += 1
        }
        return improved
    }

    /// The state written into checkpoints.
    var json: JSONValue {
        var fields: [String: JSONValue] = [
            "metric": .string(metric), "greater_is_better": .bool(greaterIsBetter), "threshold": .number(threshold),
            "evaluations_without_improvement": .integer(Int64(evaluationsWithoutImprovement)),
        ]
        if let bestStep, let bestValue {
            fields["step"] = .integer(Int64(bestStep))
            fields["value"] = .number(bestValue)
            fields["metrics"] = .object(bestMetrics.mapValues { .number($0) })
        }
        return .object(fields)
    }

    /// The tracker saved in a checkpoint's state, if it tracks the same metric with the same threshold.
    init?(json: JSONValue?, metric: String, threshold: Double) {
        guard case .object(let fields)? = json, case .string(let saved)? = fields["metric"], saved == metric else { return nil }
        self.init(metric: metric, threshold: threshold)
        if case .integer(let count)? = fields["evaluations_without_improvement"] { evaluationsWithoutImprovement = Int(count) }
        if case .integer(let step)? = fields["step"], let value = Self.number(fields["value"]) {
            bestStep = Int(step)
            bestValue = value
            if case .object(let metrics)? = fields["metrics"] { bestMetrics = metrics.compactMapValues(Self.number) }
        }
    }

    private static func number(_ value: JSONValue?) -> Double? {
        switch value {
        case .number(let x)?: return x
        case .integer(let x)?: return Double(x)
        default: return nil
        }
    }
}
