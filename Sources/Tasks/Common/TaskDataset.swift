import BERT
import Training

/// A task's data, loaded and turned into features, that can score the model's outputs for those features.
///
/// Every reader returns one: ``TextClassificationDataset`` (GLUE and generic text files), ``NERDataset``
/// (CoNLL) and ``SQuADDataset``. Outputs are what `TaskHead.outputs()` returns, one row per feature in
/// ``features`` order.
public protocol TaskDataset {
    /// One prediction record for `bert predict` (written as one JSON line each).
    associatedtype Prediction: Encodable & Sendable

    /// The model inputs and targets, padded to ``sequenceLength``.
    var features: [Feature] { get }
    /// The head the task needs.
    var head: TaskHeadKind { get }
    /// The padded length of every feature.
    var sequenceLength: Int { get }
    /// The metric to select and report first (a key of ``metrics(_:)``'s result).
    var primaryMetric: String { get }
    /// Rows or examples skipped or repaired while loading.
    var warnings: [DataWarning] { get }
    /// What of the inputs did not fit ``sequenceLength``; `nil` where windows cover every input (SQuAD).
    var truncation: Truncation? { get }

    /// The official metrics for `outputs` (one row per feature).
    func metrics(_ outputs: [[Float]]) throws -> [String: Double]
    /// One prediction per example for `outputs` (one row per feature).
    func predictions(_ outputs: [[Float]]) throws -> [Prediction]
}

extension TaskDataset {
    /// The trainer's evaluation for this data: its features, its metrics, its primary metric.
    public func evaluation() -> Evaluation {
        Evaluation(features: features, primaryMetric: primaryMetric, truncation: truncation, metricNames: {
            // The metrics of all-zero outputs name every metric the evaluation reports.
            let zeros = [Float](repeating: 0, count: self.head.outputWidth(sequenceLength: self.sequenceLength))
            return (try? self.metrics([[Float]](repeating: zeros, count: self.features.count)))?.keys.sorted()
        }, metrics: { try self.metrics($0) })
    }

    /// Throws unless there is one output row per feature, each of the head's width.
    func checkOutputs(_ outputs: [[Float]]) throws {
        guard outputs.count == features.count else {
            throw TaskDataError.outputMismatch(expected: "\(features.count) rows (one per feature)", got: "\(outputs.count) rows")
        }
        let width = head.outputWidth(sequenceLength: sequenceLength)
        if let bad = outputs.firstIndex(where: { $0.count != width }) {
            throw TaskDataError.outputMismatch(expected: "rows of \(width) values", got: "\(outputs[bad].count) values in row \(bad)")
        }
    }
}
