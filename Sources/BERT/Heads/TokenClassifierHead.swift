import Compute

/// The token-tagging head (NER): `logits[t] = dense(dropout(h[t]))` over every token of the last hidden state,
/// cross-entropy against per-token labels (−1 = not scored: padding, [CLS]/[SEP], and word pieces after a
/// word's first). Parameters `classifier.weight` [C, H] and `classifier.bias` [C].
public final class TokenClassifierHead {
    public let labels: Int
    public let encoder: BertEncoder
    let arena: HeadArena
    private let slots: Slots
    /// `classifier.weight` [labels, H], `classifier.bias`.
    private let classifier: DenseParameters
    private var dropout: DropoutConfig?

    private struct Slots {
        let hiddenDropped, gradHidden: ArenaLayout.Slot   // [T, H]
        let logits, gradLogits: ArenaLayout.Slot          // [T, C]
        let labels: ArenaLayout.Slot                       // int32 [T]
        let losses, lossTotal: ArenaLayout.Slot            // [T], [1]
    }

    public init(encoder: BertEncoder, labels: Int) throws {
        guard encoder.parameters.heads.classifierLabels == labels else {
            throw ComputeError.shapeMismatch(operation: "token classifier head",
                detail: "the model needs a classifier with \(labels) outputs; it has \(encoder.parameters.heads)")
        }
        self.encoder = encoder
        classifier = try encoder.dense("classifier")
        self.labels = labels
        let hidden = encoder.config.hiddenSize
        slots = Self.plan(tokens: encoder.capacity.tokens, hidden: hidden, labels: labels).1
        arena = try HeadArena(encoder: encoder, label: "token classifier head") {
            Self.plan(tokens: $0.tokens, hidden: hidden, labels: labels).0
        }
    }

    /// The head's buffers: its size table, for the memory planner.
    public static func layout(tokens: Int, hidden: Int, labels: Int) -> ArenaLayout {
        plan(tokens: tokens, hidden: hidden, labels: labels).0
    }

    private static func plan(tokens t: Int, hidden h: Int, labels: Int) -> (ArenaLayout, Slots) {
        var layout = ArenaLayout()
        let slots = Slots(hiddenDropped: layout.reserve(t * h, label: "tagger input"),
                          gradHidden: layout.reserve(t * h, label: "tagger input gradient"),
                          logits: layout.reserve(t * labels, label: "tagger logits"),
                          gradLogits: layout.reserve(t * labels, label: "tagger logit gradients"),
                          labels: layout.reserve(t, .int32, label: "tagger labels"),
                          losses: layout.reserve(t, label: "tagger losses"), lossTotal: layout.reserve(1, label: "tagger loss total"))
        return (layout, slots)
    }

    public var device: any Device { encoder.device }
    private var linearShape: LinearShape {
        LinearShape(rows: encoder.shape.tokens, inFeatures: encoder.config.hiddenSize, outFeatures: labels)
    }

    /// [T, C] logits of the last forward.
    public var logits: BufferView { arena[slots.logits] }
    /// Σ of per-token losses since `resetLoss()`. [1]
    public var lossTotal: BufferView { arena[slots.lossTotal] }

    /// Per-token labels of a micro-batch, row-major [B, S] (−1 = not scored).
    public func setTargets(labels: [Int32]) throws { try device.write(labels, to: arena[slots.labels]) }

    public func resetLoss() throws { try device.fill(lossTotal, value: 0, role: "reset loss") }

    public func forward(dropout plan: DropoutPlan?) throws {
        dropout = plan?.config(.classifier, layer: nil)
        try device.classifierForward(encoder.hiddenState(encoder.config.numHiddenLayers), dropped: arena[slots.hiddenDropped],
                                     classifier, dropout: dropout, into: logits, shape: linearShape)
    }

    /// Adds the micro-batch's loss to `lossTotal` and back-propagates `scale · Σ loss` through the head; returns
    /// ∂L/∂last hidden for `encoder.backward(_:)`.
    public func backward(scale: Float) throws -> EncoderGradients {
        let t = encoder.shape.tokens, gradLogits = arena[slots.gradLogits], gradInput = arena[slots.gradHidden]
        try device.softmaxCrossEntropy(CrossEntropyBuffers(logits: logits, labels: arena[slots.labels],
                                                           losses: arena[slots.losses], gradLogits: gradLogits),
                                       rows: t, classes: labels, scale: scale, role: "classifier loss")
        try device.sumRows(arena[slots.losses], rows: t, columns: 1, into: lossTotal, accumulate: true, role: "loss total")
        try device.classifierBackward(gradLogits: gradLogits, dropped: arena[slots.hiddenDropped], classifier, dropout: dropout,
                                      gradInput: gradInput, shape: linearShape)
        return EncoderGradients(lastHidden: gradInput)
    }
}

/// The token tagger (`TokenClassifierHead`, NER): dense(labels) on every token, no pooler.
public struct TokenHeadSpec: TaskHeadSpec, PlannableHeadKind {
    public static let taskName = "ner"
    public static func planned(labels: Int, predictions: Int) -> PlannedHead { .tokens(labels: labels) }

    public var labels: Int

    public init(labels: Int) {
        self.labels = labels
    }

    public var description: String { "tokens(labels: \(labels))" }
    public var modelHeads: BertHeads { BertHeads(pooler: false, classifierLabels: labels) }

    public func layout(shape: EncoderShape, hidden: Int, vocabulary: Int) -> (name: String, layout: ArenaLayout)? {
        ("token classifier head", TokenClassifierHead.layout(tokens: shape.tokens, hidden: hidden, labels: labels))
    }

    public func gemmShapes(shape: EncoderShape, hidden: Int, vocabulary: Int, training: Bool) -> [GEMMShape] {
        GEMMCensus.linear(rows: shape.tokens, inputs: hidden, outputs: labels, training: training)
    }

    public func makeHead(encoder: BertEncoder) throws -> TaskHead {
        try TokenClassifierHead(encoder: encoder, labels: labels)
    }

    public func randomTargets(_ feature: inout Feature, sequence: Int, vocabulary: Int, random: inout SplitMix64) {
        feature.tokenLabels = (0..<sequence).map { _ in Int32(random.next() % UInt64(labels)) }
    }
}

extension PlannedHead {
    /// Token tagger with `labels` classes.
    public static func tokens(labels: Int) -> PlannedHead { PlannedHead(TokenHeadSpec(labels: labels)) }
}

extension TokenClassifierHead: TaskHead {
    public func setTargets(_ features: [Feature]) throws {
        let s = encoder.shape.sequence
        try setTargets(labels: features.flatMap { $0.tokenLabels ?? [Int32](repeating: -1, count: s) })
    }

    public func lossWeight(_ feature: Feature) -> Float { Float(feature.tokenLabels?.filter { $0 >= 0 }.count ?? 0) }

    public var plannedHead: PlannedHead { .tokens(labels: labels) }

    public func outputs() throws -> [[Float]] {
        tokenRows(try device.readFloats(logits), length: encoder.shape.sequence, rowLengths: encoder.rowLengths,
                  capacity: encoder.capacity.sequence, width: labels)
    }
}

