import BERT
import Compute

/// What the trainer needs from a task head: targets in, loss and gradients out, and the outputs a task turns into
/// predictions or metrics. Implemented for the sequence, token and span heads (fine-tuning) and the pre-training
/// heads (PretrainingHead+TaskHead.swift).
public protocol TaskHead: AnyObject {
    /// Uploads the targets of one micro-batch; `isPadding[i]` marks rows that stand for no example.
    func setTargets(_ features: [Feature], isPadding: [Bool]) throws
    func resetLoss() throws
    func forward(dropout: DropoutPlan?) throws
    /// Back-propagates `scale · Σ loss` through the head and the encoder; adds Σ loss to `lossTotal`.
    func backward(scale: Float) throws
    /// Σ of the unscaled losses since `resetLoss()`. [1]
    var lossTotal: BufferView { get }
    /// How many loss terms a feature contributes (1 per example; scored tokens for tagging; 2 for spans).
    func lossTerms(_ feature: Feature) -> Int
    /// The head's outputs for each row of the last forward: logits [C], [1] (regression), [S·C] (tagging)
    /// or [2·S] (start logits, then end logits).
    func outputs() throws -> [[Float]]
    /// The head as the memory planner sees it.
    var plannedHead: PlannedHead { get }
    /// Called with the whole effective batch before its micro-batches run (heads whose loss is normalized over
    /// the effective batch — the masked LM — take their scale from it).
    func prepareStep(_ batch: [Feature]) throws
    /// The sums behind the step's metrics since `resetLoss()` (e.g. masked LM losses and hits), which
    /// data-parallel training adds over ranks; empty by default.
    func stepSums() throws -> [Double]
    /// Metrics of the step besides the loss (e.g. masked LM accuracy) from `stepSums()` (added over ranks).
    func stepMetrics(sums: [Double]) -> [String: Double]
}

extension TaskHead {
    public func prepareStep(_ batch: [Feature]) throws {}
    public func stepSums() throws -> [Double] { [] }
    public func stepMetrics(sums: [Double]) -> [String: Double] { [:] }
}

extension SequenceClassifierHead: TaskHead {
    public func setTargets(_ features: [Feature], isPadding: [Bool]) throws {
        let labels = zip(features, isPadding).map { $1 ? -1 : (objective == .regression ? 0 : $0.label) }
        try setTargets(labels: labels, values: objective == .regression ? features.map(\.target) : nil)
    }

    public func lossTerms(_ feature: Feature) -> Int { 1 }

    public var plannedHead: PlannedHead { .sequence(outputs: objective.outputs) }

    public func outputs() throws -> [[Float]] {
        let values: [Float] = try device.readFloats(logits)
        return rows(values, width: objective.outputs)
    }
}

extension TokenClassifierHead: TaskHead {
    public func setTargets(_ features: [Feature], isPadding: [Bool]) throws {
        let s = encoder.shape.sequence
        try setTargets(labels: zip(features, isPadding).flatMap { feature, padding in
            padding ? [Int32](repeating: -1, count: s) : (feature.tokenLabels ?? [Int32](repeating: -1, count: s))
        })
    }

    public func lossTerms(_ feature: Feature) -> Int { feature.tokenLabels?.filter { $0 >= 0 }.count ?? 0 }

    public var plannedHead: PlannedHead { .tokens(labels: labels) }

    public func outputs() throws -> [[Float]] {
        rows(try device.readFloats(logits), width: encoder.shape.sequence * labels)
    }
}

extension SpanHead: TaskHead {
    public func setTargets(_ features: [Feature], isPadding: [Bool]) throws {
        try setTargets(start: zip(features, isPadding).map { $1 ? -1 : $0.start },
                       end: zip(features, isPadding).map { $1 ? -1 : $0.end })
    }

    public func forward(dropout: DropoutPlan?) throws { try forward() }

    public func lossTerms(_ feature: Feature) -> Int { 2 }

    public var plannedHead: PlannedHead { .span }

    public func outputs() throws -> [[Float]] {
        let s = encoder.shape.sequence
        let starts = rows(try device.readFloats(startLogits), width: s), ends = rows(try device.readFloats(endLogits), width: s)
        return zip(starts, ends).map { $0 + $1 }
    }
}

/// Splits a flat row-major array into rows of `width`.
func rows(_ values: [Float], width: Int) -> [[Float]] {
    stride(from: 0, to: values.count, by: width).map { Array(values[$0..<min($0 + width, values.count)]) }
}
