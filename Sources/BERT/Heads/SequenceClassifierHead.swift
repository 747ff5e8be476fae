import Compute

/// BERT's sentence (pair) head: `logits = dense(dropout(pooled))` — cross-entropy over `labels` classes, squared
/// error on one output for regression (STS-B), or a sigmoid + binary cross-entropy per label for multi-label
/// classification (transformers' `problem_type` "multi_label_classification"). Parameters `classifier.weight`
/// [C, H] and `classifier.bias` [C] live in the model's `ParameterStore`.
public final class SequenceClassifierHead {
    public enum Objective: Sendable, Equatable {
        /// One class of `labels` per example: softmax cross-entropy.
        case classification(labels: Int)
        /// One real value per example: squared error.
        case regression
        /// Any subset of `labels` per example: a sigmoid and binary cross-entropy per label.
        case multiLabel(labels: Int)

        /// Outputs per example.
        public var outputs: Int {
            switch self {
            case .classification(let labels), .multiLabel(let labels): return labels
            case .regression: return 1
            }
        }

        /// Target values per example: one per label for multi-label, else one (the regression target).
        var targetsPerExample: Int {
            if case .multiLabel(let labels) = self { return labels }
            return 1
        }

        /// The memory plan's name of the targets buffer.
        var targetsLabel: String {
            if case .multiLabel = self { return "multi-label targets" }
            return "regression targets"
        }
    }

    public let objective: Objective
    public let encoder: BertEncoder
    let arena: HeadArena
    private let slots: Slots
    /// `classifier.weight` [outputs, H], `classifier.bias`.
    private let classifier: DenseParameters
    private var dropout: DropoutConfig?

    private struct Slots {
        let pooledDropped, gradPooled: ArenaLayout.Slot   // [B, H]
        let logits, gradLogits: ArenaLayout.Slot          // [B, C]
        let labels: ArenaLayout.Slot                       // int32 [B]
        let targets, losses: ArenaLayout.Slot              // [B] ([B, C] for multi-label)
        let weights: ArenaLayout.Slot                      // [B] ([B, C] for multi-label): each row's weight per loss term
        let lossTotal: ArenaLayout.Slot                    // [1]
    }
    /// Whether the micro-batch has a row of weight ≠ 1 (a long input's window), so the losses are weighted.
    private var weighted = false

    /// Allocates the head's buffers for `encoder`'s batch.
    public init(encoder: BertEncoder, objective: Objective) throws {
        guard encoder.parameters.heads.pooler, encoder.parameters.heads.classifierLabels == objective.outputs else {
            throw ComputeError.shapeMismatch(operation: "classifier head",
                detail: "the model needs a pooler and a classifier with \(objective.outputs) outputs; it has \(encoder.parameters.heads)")
        }
        self.encoder = encoder
        self.objective = objective
        classifier = try encoder.dense("classifier")
        let hidden = encoder.config.hiddenSize
        slots = Self.plan(batch: encoder.capacity.batch, hidden: hidden, objective: objective).1
        arena = try HeadArena(encoder: encoder, label: "classifier head") {
            Self.plan(batch: $0.batch, hidden: hidden, objective: objective).0
        }
    }

    /// The head's buffers for a batch: its size table, for the memory planner.
    public static func layout(batch: Int, hidden: Int, objective: Objective) -> ArenaLayout {
        plan(batch: batch, hidden: hidden, objective: objective).0
    }

    private static func plan(batch b: Int, hidden h: Int, objective: Objective) -> (ArenaLayout, Slots) {
        let c = objective.outputs, perExample = objective.targetsPerExample
        var layout = ArenaLayout()
        let slots = Slots(pooledDropped: layout.reserve(b * h, label: "classifier input"),
                          gradPooled: layout.reserve(b * h, label: "classifier input gradient"),
                          logits: layout.reserve(b * c, label: "classifier logits"),
                          gradLogits: layout.reserve(b * c, label: "classifier logit gradients"),
                          labels: layout.reserve(b, .int32, label: "classifier labels"),
                          targets: layout.reserve(b * perExample, label: objective.targetsLabel),
                          losses: layout.reserve(b * perExample, label: "classifier losses"),
                          weights: layout.reserve(b * perExample, label: "classifier loss weights"),
                          lossTotal: layout.reserve(1, label: "classifier loss total"))
        return (layout, slots)
    }

    public var device: any Device { encoder.device }
    private var linearShape: LinearShape {
        LinearShape(rows: encoder.shape.batch, inFeatures: encoder.config.hiddenSize, outFeatures: objective.outputs)
    }

    /// The logits of the last `forward`: [B, C] (regression: [B, 1] predictions).
    public var logits: BufferView { arena[slots.logits] }
    /// Σ of the per-example losses accumulated since `resetLoss()` (unscaled). [1]
    public var lossTotal: BufferView { arena[slots.lossTotal] }

    /// Sets the targets of a micro-batch: class ids, −1 marking rows with no example (for regression and multi-label
    /// the labels are 0 for real rows, −1 for padding rows), and for regression the target values ([B]), for
    /// multi-label each row's 0/1 per label ([B, C]). `weights` ([B]; nil = all 1) scale each row's loss terms.
    public func setTargets(labels: [Int32]? = nil, values: [Float]? = nil, weights: [Float]? = nil) throws {
        if let labels { try device.write(labels, to: arena[slots.labels]) }
        if let values { try device.write(values, to: arena[slots.targets]) }
        weighted = weights?.contains { $0 != 1 } ?? false
        if let weights, weighted {
            let perExample = objective.targetsPerExample
            try device.write(weights.flatMap { [Float](repeating: $0, count: perExample) }, to: arena[slots.weights])
        }
    }

    public func resetLoss() throws { try device.fill(lossTotal, value: 0, role: "reset loss") }

    /// `logits = dense(dropout(pooled))` after `encoder.forward`.
    public func forward(dropout plan: DropoutPlan?) throws {
        dropout = plan?.config(.classifier, layer: nil)
        try device.classifierForward(encoder.pooled, dropped: arena[slots.pooledDropped], classifier, dropout: dropout,
                                     into: logits, shape: linearShape)
    }

    /// Adds this micro-batch's loss to `lossTotal` and back-propagates `scale · Σ loss` through the head (parameter
    /// gradients accumulate); returns ∂L/∂pooled for `encoder.backward(_:)`. Rows whose label is −1 contribute nothing;
    /// with weights each row's loss terms and their gradients are multiplied by its weight.
    public func backward(scale: Float) throws -> EncoderGradients {
        let b = encoder.shape.batch
        let losses = arena[slots.losses], gradLogits = arena[slots.gradLogits]
        let terms = b * objective.targetsPerExample
        let weights = weighted ? try arena[slots.weights].slice(0, count: terms) : nil
        switch objective {
        case .classification(let labels):
            try device.softmaxCrossEntropy(CrossEntropyBuffers(logits: logits, labels: arena[slots.labels], weights: weights,
                                                               losses: losses, gradLogits: gradLogits),
                                           rows: b, classes: labels, scale: scale, role: "classifier loss")
        case .regression:
            try device.squaredError(predictions: logits, targets: arena[slots.targets], valid: arena[slots.labels],
                                    losses: losses, gradPredictions: gradLogits, scale: scale, role: "regression loss")
        case .multiLabel(let labels):
            try device.sigmoidCrossEntropy(logits: logits, targets: arena[slots.targets], valid: arena[slots.labels],
                                           losses: losses, gradLogits: gradLogits, rows: b, columns: labels, scale: scale,
                                           role: "multi-label loss")
        }
        if let weights, objective != .classification(labels: objective.outputs) {
            // Regression and multi-label: the losses and their gradients have one value per loss term, as the weights.
            let termLosses = try losses.slice(0, count: terms), termGradients = try gradLogits.slice(0, count: terms)
            try device.multiply(termLosses, weights, into: termLosses, role: "weighted losses")
            try device.multiply(termGradients, weights, into: termGradients, role: "weighted loss gradients")
        }
        try device.sumRows(losses, rows: b * objective.targetsPerExample, columns: 1, into: lossTotal, accumulate: true,
                           role: "loss total")
        let gradInput = arena[slots.gradPooled]
        try device.classifierBackward(gradLogits: gradLogits, dropped: arena[slots.pooledDropped], classifier, dropout: dropout,
                                      gradInput: gradInput, shape: linearShape)
        return EncoderGradients(pooled: gradInput)
    }
}

/// The sentence (pair) classifier or regressor (`SequenceClassifierHead`): dense(outputs) on the pooled output.
public struct SequenceHeadSpec: TaskHeadSpec, PlannableHeadKind {
    public static let taskName = "classify"
    public static func planned(labels: Int, predictions: Int) -> PlannedHead { .sequence(outputs: labels) }

    public var objective: SequenceClassifierHead.Objective

    public init(objective: SequenceClassifierHead.Objective) {
        self.objective = objective
    }

    public var description: String {
        if case .multiLabel(let labels) = objective { return "multiLabel(labels: \(labels))" }
        return "sequence(outputs: \(objective.outputs))"
    }
    public var modelHeads: BertHeads { .classifier(labels: objective.outputs) }
    /// The classifier reads the pooled output only.
    public var encoderOutput: EncoderOutput { .classToken }

    public func layout(shape: EncoderShape, hidden: Int, vocabulary: Int) -> (name: String, layout: ArenaLayout)? {
        ("classifier head", SequenceClassifierHead.layout(batch: shape.batch, hidden: hidden, objective: objective))
    }

    public func gemmShapes(shape: EncoderShape, hidden: Int, vocabulary: Int, training: Bool) -> [GEMMShape] {
        GEMMCensus.linear(rows: shape.batch, inputs: hidden, outputs: objective.outputs, training: training)
    }

    public func makeHead(encoder: BertEncoder) throws -> TaskHead {
        try SequenceClassifierHead(encoder: encoder, objective: objective)
    }

    public func randomTargets(_ feature: inout Feature, sequence: Int, vocabulary: Int, random: inout SplitMix64) {
        feature.label = Int32(random.next() % UInt64(max(objective.outputs, 2)))
        feature.target = random.nextUnitFloat()
        if case .multiLabel(let labels) = objective { feature.labelSet = (0..<labels).map { _ in Float(random.next() % 2) } }
    }
}

extension PlannedHead {
    /// Sentence classifier (`outputs` classes) or regressor (1 output).
    public static func sequence(outputs: Int) -> PlannedHead {
        PlannedHead(SequenceHeadSpec(objective: outputs == 1 ? .regression : .classification(labels: outputs)))
    }

    /// Multi-label sentence classifier over `labels` labels.
    public static func multiLabel(labels: Int) -> PlannedHead { PlannedHead(SequenceHeadSpec(objective: .multiLabel(labels: labels))) }
}

extension SequenceClassifierHead: TaskHead {
    public func setTargets(_ features: [Feature]) throws {
        let weights = features.map(\.weight)
        switch objective {
        case .classification: try setTargets(labels: features.map(\.label), weights: weights)
        case .regression:
            try setTargets(labels: [Int32](repeating: 0, count: features.count), values: features.map(\.target), weights: weights)
        case .multiLabel(let labels):
            // A feature without a label set (unlabelled data, a padding row) is not scored, as class id −1 is not.
            var values: [Float] = []
            for (row, feature) in features.enumerated() {
                let set = feature.labelSet ?? [Float](repeating: 0, count: labels)
                guard set.count == labels else {
                    throw HeadError("multi-label example \(row) of the batch has \(set.count) label values; the head has \(labels) labels")
                }
                values += set
            }
            try setTargets(labels: features.map { $0.labelSet == nil ? -1 : 0 }, values: values, weights: weights)
        }
    }

    /// One term per example, or per label for multi-label (transformers averages the binary cross-entropy over
    /// every example and label), times the feature's weight; none for a multi-label feature without a label set (it
    /// is not scored).
    public func lossWeight(_ feature: Feature) -> Float {
        if case .multiLabel = objective, feature.labelSet == nil { return 0 }
        return Float(objective.targetsPerExample) * feature.weight
    }

    public var plannedHead: PlannedHead { PlannedHead(SequenceHeadSpec(objective: objective)) }

    public func outputs() throws -> [[Float]] {
        let values: [Float] = try device.readFloats(logits)
        return rows(values, width: objective.outputs)
    }
}

