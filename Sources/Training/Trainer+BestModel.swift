import BERT
import Compute
import Foundation

/// The best checkpoint and early stopping (`TrainerConfig.best`, see `BestModelSettings`).
extension Trainer {
    /// `OUTPUT/best`: the checkpoint with the best metric so far.
    var bestFolder: String { config.outputDirectory + "/best" }

    /// Every how many steps the run evaluates: `evalEvery`, or each epoch when a best model is kept and it is unset.
    func evaluationSchedule(evaluation: Evaluation?, featureCount: Int) throws -> Int? {
        guard config.best != nil else { return config.evalEvery }
        guard evaluation != nil else {
            throw TrainingError.invalidSetting("--metric-for-best, --early-stopping-patience and --load-best-at-end need a dev set "
                                               + "to evaluate (--dev, or --eval-data for pre-training)")
        }
        return config.evalEvery ?? max(1, featureCount / config.batchSize)
    }

    /// Sets up the tracker: the metric checked against what the evaluation reports, and on resume the best and
    /// the patience count the checkpoint saved.
    func startTrackingBest(evaluation: Evaluation?, resume: String?) throws {
        guard let settings = config.best, let evaluation else { return }
        let metric = settings.metric ?? evaluation.primaryMetric
        if let names = evaluation.metricNames?(), !names.contains(metric) {
            throw TrainingError.invalidSetting("--metric-for-best must be one of \(names.joined(separator: ", ")), got '\(metric)'")
        }
        var saved: JSONValue?
        if let resume, case .object(let state)? = try TrainingState.load(from: resume)?.state { saved = state["best"] }
        bestTracker = BestTracker(json: saved, metric: metric, threshold: settings.threshold)
            ?? BestTracker(metric: metric, threshold: settings.threshold)
    }

    /// Records an evaluation; a new best is written to `OUTPUT/best` (atomically, with its training state).
    func recordBest(_ metrics: [String: Double], step: Int, log: MetricsLog?, progress: ProgressReporter?, previous: String?) throws {
        guard var tracker = bestTracker else { return }
        let improved = try tracker.record(metrics, step: step)
        bestTracker = tracker
        guard improved, let value = tracker.bestValue else { return }
        try writing("the best checkpoint", previous: previous) {
            try writeModel(to: bestFolder, trainingState: try trainingState(step: step))
        }
        try log?.logBest(step, metric: tracker.metric, value: value)
        progress?.note("best: \(tracker.metric) \(String(format: "%.4f", value)) at step \(step) → \(bestFolder)")
    }

    /// Whether patience has run out at `step` (decided by rank 0, shared with every rank); sets `stopReason`.
    func shouldStopEarly(total: Int, step: Int) throws -> Bool {
        var stop: [Float] = [0]
        if isRoot, step < total, let patience = config.best?.patience, let tracker = bestTracker,
           tracker.evaluationsWithoutImprovement >= patience {
            stop = [1]
            let best = tracker.bestStep.map { "the best, \(tracker.metric) \(String(format: "%.4f", tracker.bestValue ?? .nan)) at step \($0), is in \(bestFolder)" }
                ?? "no evaluation gave a finite \(tracker.metric)"
            stopReason = "early stopping at step \(step) of \(total): \(tracker.metric) has not improved by more than "
                + "\(tracker.threshold) for \(patience) evaluations; \(best)"
        }
        if let parallel, parallel.size > 1 { try parallel.broadcast(&stop, root: 0) }
        return stop[0] != 0
    }

    /// `eval_results.json`: the last evaluation's metrics, with a best model kept the best evaluation under
    /// `"best"` (its step, metric and every value) and which one `OUTPUT/model` holds, and under `"truncation"` what
    /// of the evaluation data did not fit the sequence length.
    func writeEvaluationResults(_ metrics: [String: Double], truncation: Truncation?, to path: String) throws {
        var object: [String: Any] = metrics
        if let truncation { object["truncation"] = truncation.json }
        if let tracker = bestTracker, let step = tracker.bestStep {
            object["best"] = ["step": step, "metric": tracker.metric, "value": tracker.bestValue ?? .nan,
                              "metrics": tracker.bestMetrics] as [String: Any]
            object["model"] = config.best?.loadBestAtEnd == true ? "best" : "last"
        }
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted])
        try AtomicFile.write(data + Data("\n".utf8), to: path)
    }
}
