import Compute

/// What the trainer needs from a task head: targets in, loss and gradients out, and the outputs a task turns into
/// predictions or metrics. Implemented in each head's own file, beside its `TaskHeadSpec`
/// (SequenceClassifierHead.swift, TokenClassifierHead.swift, SpanHead.swift, PretrainingHead.swift).
public protocol TaskHead: AnyObject {
    /// Uploads the targets of one micro-batch (one row per feature; a batch has no padding rows).
    func setTargets(_ features: [Feature]) throws
    func resetLoss() throws
    /// The head's forward, after the encoder's (`encoder.forward(dropout:)`).
    func forward(dropout: DropoutPlan?) throws
    /// Back-propagates `scale · Σ loss` through the head and adds Σ loss to `lossTotal`; returns the gradients of
    /// the encoder outputs the head read, which the caller passes on: `try encoder.backward(try head.backward(scale:))`
    /// — the trainer drives both passes of both parts.
    func backward(scale: Float) throws -> EncoderGradients
    /// Σ of the unscaled losses since `resetLoss()`. [1]
    var lossTotal: BufferView { get }
    /// The weight of a feature's loss terms in the batch's mean loss: how many terms it scores (1 per example;
    /// scored tokens for tagging; 2 for spans) times the feature's ``Feature/weight``.
    func lossWeight(_ feature: Feature) -> Float
    /// The head's outputs for each row of the last forward: logits [C], [1] (regression), [S·C] (tagging)
    /// or [2·S] (start logits, then end logits), S being the encoder's capacity whatever the batch's length
    /// (positions past each feature's last real token get `paddingLogit`).
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

/// Splits a flat row-major array into rows of `width`.
func rows(_ values: [Float], width: Int) -> [[Float]] {
    stride(from: 0, to: values.count, by: width).map { Array(values[$0..<min($0 + width, values.count)]) }
}

/// The logit reported for positions past a feature's last real token (BERT's attention-mask value: it never
/// ranks above a real logit). Outputs thus do not depend on how features were batched.
public let paddingLogit: Float = -10000

/// Per-token outputs of a batch computed at `length` tokens ([B, length, width] row-major), one row per example
/// laid out for `capacity` tokens; positions at or past each row's real length (`rowLengths`) hold `paddingLogit`.
func tokenRows(_ values: [Float], length: Int, rowLengths: [Int], capacity: Int, width: Int) -> [[Float]] {
    let computed = length * width
    return rowLengths.enumerated().map { r, real in
        Array(values[r * computed..<(r * computed + real * width)])
            + [Float](repeating: paddingLogit, count: (capacity - real) * width)
    }
}

/// A task head given targets it cannot take, or asked for something it cannot do; the message says what was expected.
public struct HeadError: Error, Sendable, Equatable, CustomStringConvertible {
    public let description: String

    public init(_ description: String) {
        self.description = description
    }
}
