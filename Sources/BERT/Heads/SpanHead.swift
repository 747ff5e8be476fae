import Compute

/// The SQuAD head: `qa_outputs` (weight [2, H], bias [2]) on every token gives start and end logits; the loss is
/// (cross-entropy of the start position over the sequence + that of the end position) / 2, as in Google's
/// run_squad.py (no dropout on this head, and padding positions are not masked, as there).
public final class SpanHead {
    public let encoder: BertEncoder
    let arena: HeadArena
    private let slots: Slots
    /// `qa_outputs.weight` [2, H], `qa_outputs.bias`.
    private let qaOutputs: DenseParameters

    private struct Slots {
        let logits, gradLogits: ArenaLayout.Slot        // [T, 2]
        let start, end: ArenaLayout.Slot                 // [B, S] each (gradients in place)
        let startLabels, endLabels: ArenaLayout.Slot     // int32 [B] (−1 = padding row)
        let losses, lossTotal: ArenaLayout.Slot          // [B], [1]
        let gradHidden: ArenaLayout.Slot                 // [T, H]
    }

    public init(encoder: BertEncoder) throws {
        guard encoder.parameters.heads.questionAnswering else {
            throw ComputeError.shapeMismatch(operation: "span head", detail: "the model has no qa_outputs head (\(encoder.parameters.heads))")
        }
        self.encoder = encoder
        qaOutputs = try encoder.dense("qa_outputs")
        let hidden = encoder.config.hiddenSize
        slots = Self.plan(batch: encoder.capacity.batch, sequence: encoder.capacity.sequence, hidden: hidden).1
        arena = try HeadArena(encoder: encoder, label: "span head") {
            Self.plan(batch: $0.batch, sequence: $0.sequence, hidden: hidden).0
        }
    }

    /// The head's buffers: its size table, for the memory planner.
    public static func layout(batch: Int, sequence: Int, hidden: Int) -> ArenaLayout {
        plan(batch: batch, sequence: sequence, hidden: hidden).0
    }

    private static func plan(batch b: Int, sequence: Int, hidden: Int) -> (ArenaLayout, Slots) {
        let t = b * sequence
        var layout = ArenaLayout()
        let slots = Slots(logits: layout.reserve(2 * t, label: "span logits"), gradLogits: layout.reserve(2 * t, label: "span logit gradients"),
                          start: layout.reserve(t, label: "start logits"), end: layout.reserve(t, label: "end logits"),
                          startLabels: layout.reserve(b, .int32, label: "start positions"),
                          endLabels: layout.reserve(b, .int32, label: "end positions"),
                          losses: layout.reserve(b, label: "span losses"), lossTotal: layout.reserve(1, label: "span loss total"),
                          gradHidden: layout.reserve(t * hidden, label: "span head input gradient"))
        return (layout, slots)
    }

    public var device: any Device { encoder.device }
    private var linearShape: LinearShape { LinearShape(rows: encoder.shape.tokens, inFeatures: encoder.config.hiddenSize, outFeatures: 2) }

    /// Start and end logits of the last forward, [B, S] each.
    public var startLogits: BufferView { arena[slots.start] }
    public var endLogits: BufferView { arena[slots.end] }
    /// Σ over examples of (start CE + end CE) since `resetLoss()` — halve it for run_squad's loss. [1]
    public var lossTotal: BufferView { arena[slots.lossTotal] }

    /// Start and end token positions of a micro-batch (−1 for padding rows).
    public func setTargets(start: [Int32], end: [Int32]) throws {
        try device.write(start, to: arena[slots.startLabels])
        try device.write(end, to: arena[slots.endLabels])
    }

    public func resetLoss() throws { try device.fill(lossTotal, value: 0, role: "reset loss") }

    public func forward() throws {
        let t = encoder.shape.tokens, logits = arena[slots.logits]
        try device.linear(encoder.hiddenState(encoder.config.numHiddenLayers), qaOutputs, into: logits, shape: linearShape,
                          role: "span logits")
        // Column 0 of [T, 2] is the start logit, column 1 the end logit.
        try device.copyRows(logits, stride: 2, into: startLogits, stride: 1, rows: t, columns: 1, role: "start logits")
        try device.copyRows(try logits.slice(1, count: 2 * t - 1), stride: 2, into: endLogits, stride: 1, rows: t, columns: 1,
                            role: "end logits")
    }

    /// Adds Σ(start CE + end CE) to `lossTotal` and back-propagates `scale · Σ(start CE + end CE)`
    /// (run_squad: scale = 1 / (2 · batch)) through the head; returns ∂L/∂last hidden for `encoder.backward(_:)`.
    public func backward(scale: Float) throws -> EncoderGradients {
        let b = encoder.shape.batch, s = encoder.shape.sequence, t = encoder.shape.tokens
        let losses = arena[slots.losses], gradLogits = arena[slots.gradLogits]
        for (logitsView, labels) in [(startLogits, slots.startLabels), (endLogits, slots.endLabels)] {
            try device.softmaxCrossEntropy(CrossEntropyBuffers(logits: logitsView, labels: arena[labels], losses: losses,
                                                               gradLogits: logitsView), rows: b, classes: s, scale: scale,
                                               role: "span loss")
            try device.sumRows(losses, rows: b, columns: 1, into: lossTotal, accumulate: true, role: "loss total")
        }
        try device.copyRows(startLogits, stride: 1, into: gradLogits, stride: 2, rows: t, columns: 1,
                            role: "start logit gradients")
        try device.copyRows(endLogits, stride: 1, into: try gradLogits.slice(1, count: 2 * t - 1), stride: 2, rows: t, columns: 1,
                            role: "end logit gradients")
        let gradHidden = arena[slots.gradHidden]
        try device.linearBackward(gradOutput: gradLogits, input: encoder.hiddenState(encoder.config.numHiddenLayers),
                                  qaOutputs, gradInput: gradHidden, shape: linearShape, role: "span logits")
        return EncoderGradients(lastHidden: gradHidden)
    }
}

/// The SQuAD span head (`SpanHead`): dense(2) on every token, start and end logits, no pooler.
public struct SpanHeadSpec: TaskHeadSpec, PlannableHeadKind {
    public static let taskName = "squad"
    public static func planned(labels: Int, predictions: Int) -> PlannedHead { .span }

    public init() {}

    public var description: String { "span" }
    public var modelHeads: BertHeads { .questionAnswering }

    public func layout(shape: EncoderShape, hidden: Int, vocabulary: Int) -> (name: String, layout: ArenaLayout)? {
        ("span head", SpanHead.layout(batch: shape.batch, sequence: shape.sequence, hidden: hidden))
    }

    public func gemmShapes(shape: EncoderShape, hidden: Int, vocabulary: Int, training: Bool) -> [GEMMShape] {
        GEMMCensus.linear(rows: shape.tokens, inputs: hidden, outputs: 2, training: training)
    }

    public func makeHead(encoder: BertEncoder) throws -> TaskHead { try SpanHead(encoder: encoder) }

    public func randomTargets(_ feature: inout Feature, sequence: Int, vocabulary: Int, random: inout SplitMix64) {
        feature.start = Int32(random.next() % UInt64(sequence))
        feature.end = feature.start
    }
}

extension PlannedHead {
    /// SQuAD start/end head.
    public static let span = PlannedHead(SpanHeadSpec())
}

extension SpanHead: TaskHead {
    public func setTargets(_ features: [Feature]) throws {
        try setTargets(start: features.map(\.start), end: features.map(\.end))
    }

    public func forward(dropout: DropoutPlan?) throws { try forward() }

    public func lossWeight(_ feature: Feature) -> Float { 2 }

    public var plannedHead: PlannedHead { .span }

    public func outputs() throws -> [[Float]] {
        let s = encoder.shape.sequence, capacity = encoder.capacity.sequence
        let starts = tokenRows(try device.readFloats(startLogits), length: s, rowLengths: encoder.rowLengths, capacity: capacity, width: 1)
        let ends = tokenRows(try device.readFloats(endLogits), length: s, rowLengths: encoder.rowLengths, capacity: capacity, width: 1)
        return zip(starts, ends).map { $0 + $1 }
    }
}

