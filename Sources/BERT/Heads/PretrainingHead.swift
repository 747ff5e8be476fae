import Compute

/// BERT's pre-training heads (Google's run_pretraining.py, transformers' `BertForPreTraining`):
///
/// - masked LM: the last hidden state is gathered at the masked positions only (`[B·P, H]`, P = max predictions
///   per sequence), transformed by `dense(H) + GELU + LayerNorm` (`cls.predictions.transform.*`), and scored
///   against the whole vocabulary with the word embeddings (tied decoder) plus `cls.predictions.bias`. The fused
///   softmax + cross-entropy kernel turns the `[B·P, V]` logits into their gradient in place, so the
///   vocabulary-sized probabilities are never stored; it also writes each row's argmax (accuracy).
///   Loss = Σ w·nll / (Σ w + 1e-5) over the effective batch (w = masked_lm_weights: 0 for padding slots).
/// - next sentence: `dense(2)` on the pooled output (`cls.seq_relationship.*`, no dropout), mean cross-entropy
///   over the effective batch (label 0 = B follows A, 1 = B is random).
///
/// The total loss is the sum of the two, as Google's. Gradients flow into the encoder through its last hidden
/// state (scattered back from the gathered rows) and its pooled output.
public final class PretrainingHead {
    /// The encoder whose last hidden state and pooled output the heads read.
    public let encoder: BertEncoder
    /// Masked positions per sequence (P).
    public let maxPredictions: Int
    let arena: HeadArena
    private let slots: Slots
    /// The masked-LM transform (`cls.predictions.transform.dense`, `….LayerNorm`), the decoder (tied to the word
    /// embeddings) and its bias, and the next-sentence classifier (`cls.seq_relationship`), resolved once.
    private let transform: DenseParameters
    private let transformNorm: NormParameters
    private let decoder, decoderBias: Parameter
    private let nextSentence: DenseParameters
    /// Loss scale of the masked LM rows: 1 / (Σ w + 1e-5) over the effective batch (`prepareStep`).
    private var maskedScale: Float = 0
    /// Examples in the effective batch (`prepareStep`): the next-sentence loss is their mean.
    private var examplesPerStep = 1
    private var backIndexCount = 0, backMemberCount = 0
    /// The targets of the current micro-batch, kept on the host for the accuracy counts.
    private var hostLabels: [Int32] = [], hostWeights: [Float] = [], hostNext: [Int32] = []
    /// Counts since `resetLoss()`.
    public private(set) var counts = PretrainingCounts()

    private struct Slots {
        let gatherRows, gatherOffsets, gatherMembers: ArenaLayout.Slot    // int32 [N], [N + 1], [N]
        let backRows, backOffsets, backMembers: ArenaLayout.Slot          // int32 [≤ N], [≤ N + 1], [N]
        let labels, predictions: ArenaLayout.Slot                         // int32 [N]
        let weights, losses: ArenaLayout.Slot                             // [N]
        let gathered, preActivation, activation, transformed: ArenaLayout.Slot   // [N, H]
        let mean, rstd: ArenaLayout.Slot                                  // [N]
        let logits: ArenaLayout.Slot                                      // [N, V] (then their gradient, in place)
        let gradTransformed, gradGathered: ArenaLayout.Slot               // [N, H]
        let gradHidden: ArenaLayout.Slot                                  // [T, H]
        let nextLabels: ArenaLayout.Slot                                  // int32 [B]
        let nextLogits, gradNextLogits: ArenaLayout.Slot                  // [B, 2]
        let nextLosses: ArenaLayout.Slot                                  // [B]
        let gradPooled: ArenaLayout.Slot                                  // [B, H]
        let maskedTotal, nextTotal, lossTotal: ArenaLayout.Slot           // [1]
    }

    /// Allocates the head's buffers for `encoder`'s batch with `maxPredictions` masked positions per sequence.
    public init(encoder: BertEncoder, maxPredictions: Int) throws {
        let heads = encoder.parameters.heads
        guard heads.pooler, heads.maskedLM, heads.nextSentence else {
            throw ComputeError.shapeMismatch(operation: "pre-training head",
                detail: "the model needs a pooler, a masked LM head and a next-sentence head; it has \(heads)")
        }
        guard maxPredictions > 0, maxPredictions <= encoder.capacity.sequence else {
            throw ComputeError.shapeMismatch(operation: "pre-training head",
                detail: "max predictions per sequence must be in 1...\(encoder.capacity.sequence), got \(maxPredictions)")
        }
        self.encoder = encoder
        transform = try encoder.dense("cls.predictions.transform.dense")
        transformNorm = try NormParameters(encoder.parameters) { "cls.predictions.transform.LayerNorm.\($0)" }
        decoder = try encoder.parameter(BertParameterNames.wordEmbeddings)
        decoderBias = try encoder.parameter("cls.predictions.bias")
        nextSentence = try encoder.dense("cls.seq_relationship")
        self.maxPredictions = maxPredictions
        let config = encoder.config
        let hidden = config.hiddenSize, vocabulary = config.vocabSize
        slots = Self.plan(shape: encoder.capacity, hidden: hidden, vocabulary: vocabulary, predictions: maxPredictions).1
        arena = try HeadArena(encoder: encoder, label: "pre-training head") {
            Self.plan(shape: $0, hidden: hidden, vocabulary: vocabulary, predictions: maxPredictions).0
        }
        let n = encoder.capacity.batch * maxPredictions
        // The gather is a scatter-add with one member per output row: row r reads token members[r].
        // Any smaller batch reads a prefix of both.
        try device.write((0..<n).map(Int32.init), to: arena.memory.view(slots.gatherRows, at: encoder.capacity))
        try device.write((0...n).map(Int32.init), to: arena.memory.view(slots.gatherOffsets, at: encoder.capacity))
    }

    /// The head's buffers: its size table, for the memory planner.
    public static func layout(shape: EncoderShape, hidden: Int, vocabulary: Int, predictions: Int) -> ArenaLayout {
        plan(shape: shape, hidden: hidden, vocabulary: vocabulary, predictions: predictions).0
    }

    private static func plan(shape: EncoderShape, hidden h: Int, vocabulary v: Int, predictions p: Int) -> (ArenaLayout, Slots) {
        let b = shape.batch, n = b * p
        var l = ArenaLayout()
        let slots = Slots(
            gatherRows: l.reserve(n, .int32, label: "MLM gather rows"), gatherOffsets: l.reserve(n + 1, .int32, label: "MLM gather offsets"),
            gatherMembers: l.reserve(n, .int32, label: "MLM gather positions"),
            backRows: l.reserve(n, .int32, label: "MLM scatter rows"), backOffsets: l.reserve(n + 1, .int32, label: "MLM scatter offsets"),
            backMembers: l.reserve(n, .int32, label: "MLM scatter members"),
            labels: l.reserve(n, .int32, label: "MLM labels"), predictions: l.reserve(n, .int32, label: "MLM predictions"),
            weights: l.reserve(n, label: "MLM weights"), losses: l.reserve(n, label: "MLM losses"),
            gathered: l.reserve(n * h, label: "MLM gathered hidden"), preActivation: l.reserve(n * h, label: "MLM transform pre-activation"),
            activation: l.reserve(n * h, label: "MLM transform activation"), transformed: l.reserve(n * h, label: "MLM transform output"),
            mean: l.reserve(n, label: "MLM LayerNorm mean"), rstd: l.reserve(n, label: "MLM LayerNorm rstd"),
            logits: l.reserve(n * v, label: "MLM logits (then their gradient)"),
            gradTransformed: l.reserve(n * h, label: "MLM transform gradient"), gradGathered: l.reserve(n * h, label: "MLM gathered gradient"),
            gradHidden: l.reserve(shape.tokens * h, label: "last hidden state gradient"),
            nextLabels: l.reserve(b, .int32, label: "NSP labels"), nextLogits: l.reserve(b * 2, label: "NSP logits"),
            gradNextLogits: l.reserve(b * 2, label: "NSP logit gradients"), nextLosses: l.reserve(b, label: "NSP losses"),
            gradPooled: l.reserve(b * h, label: "pooled gradient"),
            maskedTotal: l.reserve(1, label: "MLM loss total"), nextTotal: l.reserve(1, label: "NSP loss total"),
            lossTotal: l.reserve(1, label: "pre-training loss total"))
        return (l, slots)
    }

    /// The encoder's device.
    public var device: any Device { encoder.device }
    private var rows: Int { encoder.shape.batch * maxPredictions }
    private var hidden: Int { encoder.config.hiddenSize }
    private var vocabulary: Int { encoder.config.vocabSize }

    /// The masked LM logits of the last `forward` ([B·P, V]); after `backward` or `outputs()` they hold their gradient.
    public var maskedLogits: BufferView { arena[slots.logits] }
    /// The next-sentence logits of the last `forward`. [B, 2]
    public var nextSentenceLogits: BufferView { arena[slots.nextLogits] }
    /// (Σ w·nll) · (examples / (Σ w + 1e-5)) + Σ nsp over the micro-batches since `resetLoss()`: times
    /// 1/examples it is the step's loss (masked LM mean + next-sentence mean). [1]
    public var lossTotal: BufferView { arena[slots.lossTotal] }

    /// Sets the loss normalization of an optimizer step: `maskedWeightSum` = Σ w over the effective batch,
    /// `examples` its size.
    public func prepareStep(maskedWeightSum: Double, examples: Int) {
        maskedScale = Float(1 / (maskedWeightSum + 1e-5))
        examplesPerStep = max(examples, 1)
    }

    /// Sets the targets of a micro-batch, row-major: `positions`, `labels`, `weights` [B, P] (weight 0 = padding
    /// slot) and `nextSentence` [B] (0 = real next, 1 = random, −1 = padding row).
    public func setTargets(_ t: PretrainingTargets) throws {
        let b = encoder.shape.batch, s = encoder.shape.sequence, n = rows
        guard t.positions.count == n, t.labels.count == n, t.weights.count == n, t.nextSentence.count == b else {
            throw ComputeError.shapeMismatch(operation: "pre-training targets",
                detail: "positions/labels/weights hold \(t.positions.count)/\(t.labels.count)/\(t.weights.count) values and next-sentence labels \(t.nextSentence.count), expected \(n) and \(b)")
        }
        var tokens = [Int32](repeating: 0, count: n)
        for r in 0..<n {
            let position = Int(t.positions[r]), label = Int(t.labels[r])
            guard (0..<s).contains(position) else {
                throw ComputeError.shapeMismatch(operation: "pre-training targets",
                    detail: "masked position \(position) of example \(r / maxPredictions) is outside the sequence of \(s)")
            }
            guard t.weights[r] == 0 || (0..<vocabulary).contains(label) else {
                throw ComputeError.shapeMismatch(operation: "pre-training targets",
                    detail: "masked label \(label) of example \(r / maxPredictions) is outside the vocabulary of \(vocabulary)")
            }
            tokens[r] = Int32((r / maxPredictions) * s + position)
        }
        let back = try ScatterIndex.build(ids: tokens, tableRows: encoder.shape.tokens, table: "token")
        backIndexCount = back.rows.count
        backMemberCount = back.members.count
        try device.write(tokens, to: arena[slots.gatherMembers])
        try device.write(back.rows, to: try arena[slots.backRows].slice(0, count: back.rows.count))
        try device.write(back.offsets, to: try arena[slots.backOffsets].slice(0, count: back.offsets.count))
        try device.write(back.members, to: try arena[slots.backMembers].slice(0, count: back.members.count))
        // Padding slots keep label −1 on the device: the loss kernel gives them zero loss and gradient.
        try device.write(zip(t.labels, t.weights).map { $1 == 0 ? -1 : $0 }, to: arena[slots.labels])
        try device.write(t.weights, to: arena[slots.weights])
        try device.write(t.nextSentence, to: arena[slots.nextLabels])
        hostLabels = t.labels
        hostWeights = t.weights
        hostNext = t.nextSentence
    }

    /// Zeroes the loss sums and accuracy counts (at the start of an optimizer step).
    public func resetLoss() throws {
        for slot in [slots.maskedTotal, slots.nextTotal, slots.lossTotal] {
            try device.fill(arena[slot], value: 0, role: "reset loss")
        }
        counts = PretrainingCounts()
    }

    private var transformShape: LinearShape { LinearShape(rows: rows, inFeatures: hidden, outFeatures: hidden) }
    private var decoderShape: LinearShape { LinearShape(rows: rows, inFeatures: hidden, outFeatures: vocabulary) }
    private var nextShape: LinearShape { LinearShape(rows: encoder.shape.batch, inFeatures: hidden, outFeatures: 2) }
    private var normShape: LayerNormShape {
        LayerNormShape(rows: rows, columns: hidden, epsilon: Float(encoder.config.layerNormEps))
    }

    /// Gathers the masked rows, runs the transform and both heads' logits (after `encoder.forward`).
    public func forward() throws {
        let gathered = arena[slots.gathered], pre = arena[slots.preActivation], activation = arena[slots.activation]
        try device.fill(gathered, value: 0, role: "masked-LM gather = 0")
        try device.scatterAddRows(encoder.hiddenState(encoder.config.numHiddenLayers), index: gatherIndex, into: gathered,
                                  hidden: hidden, role: "masked-LM gather")
        try device.linear(gathered, weight: transform.weight.value, bias: nil, into: pre,
                          shape: transformShape, role: "masked-LM transform")
        try device.biasGELU(pre, bias: transform.bias.value, into: activation, rows: rows,
                            columns: hidden, kind: encoder.config.activation, role: "masked-LM transform bias + GELU")
        try device.layerNorm(LayerNormForward(
            input: activation, gamma: transformNorm.gamma.value,
            beta: transformNorm.beta.value, output: arena[slots.transformed],
            mean: arena[slots.mean], rstd: arena[slots.rstd]), shape: normShape, role: "masked-LM transform LayerNorm")
        try device.linear(arena[slots.transformed], weight: decoder.value,
                          bias: decoderBias.value, into: maskedLogits, shape: decoderShape, role: "masked-LM decoder")
        try device.linear(encoder.pooled, nextSentence, into: nextSentenceLogits, shape: nextShape, role: "next sentence")
    }

    /// The losses of the last `forward` with the gradient scales of the step; overwrites the logits with their
    /// gradient and updates `lossTotal`.
    private func losses(maskedScale: Float, nextScale: Float) throws {
        let b = encoder.shape.batch
        try device.softmaxCrossEntropy(CrossEntropyBuffers(
            logits: maskedLogits, labels: arena[slots.labels], weights: arena[slots.weights], losses: arena[slots.losses],
            gradLogits: maskedLogits, predictions: arena[slots.predictions]), rows: rows, classes: vocabulary, scale: maskedScale,
            role: "masked-LM loss")
        try device.softmaxCrossEntropy(CrossEntropyBuffers(
            logits: nextSentenceLogits, labels: arena[slots.nextLabels], losses: arena[slots.nextLosses],
            gradLogits: arena[slots.gradNextLogits]), rows: b, classes: 2, scale: nextScale, role: "next-sentence loss")
        try device.sumRows(arena[slots.losses], rows: rows, columns: 1, into: arena[slots.maskedTotal], accumulate: true,
                           role: "masked-LM loss total")
        try device.sumRows(arena[slots.nextLosses], rows: b, columns: 1, into: arena[slots.nextTotal], accumulate: true,
                           role: "next-sentence loss total")
        try device.copy(arena[slots.nextTotal], to: lossTotal, role: "loss total")
        try device.axpby(alpha: maskedScale * Float(examplesPerStep), arena[slots.maskedTotal], beta: 1, lossTotal,
                         role: "loss total")
    }

    /// Adds this micro-batch's losses and back-propagates them (scaled for the effective batch: masked LM by
    /// 1/(Σ w + 1e-5), next sentence by `nextScale` = 1/examples) through both heads; returns the gradients of the
    /// last hidden state and the pooled output for `encoder.backward(_:)`.
    public func backward(nextScale: Float) throws -> EncoderGradients {
        try losses(maskedScale: maskedScale, nextScale: nextScale)
        try count()
        let gradTransformed = arena[slots.gradTransformed], gradGathered = arena[slots.gradGathered]
        try device.linearBackward(gradOutput: maskedLogits, input: arena[slots.transformed],
                                  weight: decoder.value, gradInput: gradTransformed,
                                  gradWeight: try decoder.gradient(), gradBias: try decoderBias.gradient(),
                                  shape: decoderShape, role: "masked-LM decoder")
        try device.layerNormBackward(LayerNormBackward(
            gradOutput: gradTransformed, input: arena[slots.activation], mean: arena[slots.mean], rstd: arena[slots.rstd],
            gamma: transformNorm.gamma.value, gradInput: gradTransformed,
            gradGamma: try transformNorm.gamma.gradient(),
            gradBeta: try transformNorm.beta.gradient()), shape: normShape,
            role: "masked-LM transform LayerNorm backward")
        try device.geluBackward(input: arena[slots.preActivation], gradOutput: gradTransformed, gradInput: gradTransformed,
                                kind: encoder.config.activation, role: "masked-LM transform GELU backward")
        try device.linearBackward(gradOutput: gradTransformed, input: arena[slots.gathered],
                                  transform, gradInput: gradGathered, shape: transformShape, role: "masked-LM transform")
        let gradHidden = arena[slots.gradHidden], gradPooled = arena[slots.gradPooled]
        try device.fill(gradHidden, value: 0, role: "∂L/∂last hidden = 0")
        try device.scatterAddRows(gradGathered, index: try backIndex(), into: gradHidden, hidden: hidden,
                                  role: "masked-LM gather backward")
        try device.linearBackward(gradOutput: arena[slots.gradNextLogits], input: encoder.pooled,
                                  nextSentence, gradInput: gradPooled, shape: nextShape, role: "next sentence")
        return EncoderGradients(lastHidden: gradHidden, pooled: gradPooled)
    }

    /// Per example of the last `forward` (no gradients kept): Σ w·nll, Σ w and Σ w·[argmax = label] over its
    /// masked positions, then its next-sentence nll and [argmax = label] (0 for padding rows). [B][5]
    public func exampleOutputs() throws -> [[Float]] {
        try losses(maskedScale: 0, nextScale: 0)
        let p = maxPredictions
        let nll = try device.readFloats(arena[slots.losses]), predicted = try device.readInts(arena[slots.predictions])
        let nextNLL = try device.readFloats(arena[slots.nextLosses]), nextLogits = try device.readFloats(nextSentenceLogits)
        return (0..<encoder.shape.batch).map { e in
            var row: [Float] = [0, 0, 0, 0, 0]
            for r in (e * p)..<((e + 1) * p) where hostWeights[r] != 0 {
                row[0] += nll[r]
                row[1] += hostWeights[r]
                row[2] += predicted[r] == hostLabels[r] ? hostWeights[r] : 0
            }
            if hostNext[e] >= 0 {
                row[3] = nextNLL[e]
                row[4] = (nextLogits[2 * e + 1] > nextLogits[2 * e] ? 1 : 0) == hostNext[e] ? 1 : 0
            }
            return row
        }
    }

    /// Adds the micro-batch's correct predictions to `counts` (reads back B·P ids and B·2 logits).
    private func count() throws {
        let predicted = try device.readInts(arena[slots.predictions]), nextLogits = try device.readFloats(nextSentenceLogits)
        for r in 0..<rows where hostWeights[r] != 0 {
            counts.maskedWeight += Double(hostWeights[r])
            if predicted[r] == hostLabels[r] { counts.maskedCorrect += Double(hostWeights[r]) }
        }
        for e in 0..<encoder.shape.batch where hostNext[e] >= 0 {
            counts.nextExamples += 1
            if (nextLogits[2 * e + 1] > nextLogits[2 * e] ? 1 : 0) == hostNext[e] { counts.nextCorrect += 1 }
        }
    }

    /// Σ w·nll and Σ nsp nll since `resetLoss()`, read from the device.
    public func lossSums() throws -> (masked: Double, next: Double) {
        (Double(try device.readFloats(arena[slots.maskedTotal])[0]), Double(try device.readFloats(arena[slots.nextTotal])[0]))
    }

    private var gatherIndex: DeviceScatterIndex {
        DeviceScatterIndex(rows: arena[slots.gatherRows], offsets: arena[slots.gatherOffsets], members: arena[slots.gatherMembers])
    }

    private func backIndex() throws -> DeviceScatterIndex {
        DeviceScatterIndex(rows: try arena[slots.backRows].slice(0, count: backIndexCount),
                           offsets: try arena[slots.backOffsets].slice(0, count: backIndexCount + 1),
                           members: try arena[slots.backMembers].slice(0, count: backMemberCount))
    }

}

/// The pre-training targets of a micro-batch, row-major.
public struct PretrainingTargets: Sendable, Equatable {
    /// Masked positions into each sequence. [B, P]
    public var positions: [Int32]
    /// The original token ids at those positions. [B, P]
    public var labels: [Int32]
    /// 1 for a real masked position, 0 for a padding slot. [B, P]
    public var weights: [Float]
    /// 0 = B follows A, 1 = B is random, −1 = a padding row. [B]
    public var nextSentence: [Int32]

    /// Targets of one micro-batch.
    public init(positions: [Int32], labels: [Int32], weights: [Float], nextSentence: [Int32]) {
        self.positions = positions
        self.labels = labels
        self.weights = weights
        self.nextSentence = nextSentence
    }
}

/// Accuracy counts of the pre-training heads since the last reset.
public struct PretrainingCounts: Sendable, Equatable {
    /// Σ w over the scored masked positions, and Σ w over those predicted right.
    public var maskedWeight = 0.0, maskedCorrect = 0.0
    /// Scored next-sentence examples, and those predicted right.
    public var nextExamples = 0.0, nextCorrect = 0.0

    public init() {}
}

/// The pre-training heads (`PretrainingHead`): masked LM over `predictions` gathered positions per sequence (dense +
/// GELU + LayerNorm transform, decoder tied to the word embeddings) and next sentence (dense(2) on the pooled output).
public struct PretrainingHeadSpec: TaskHeadSpec, PlannableHeadKind {
    public static let taskName = "pretrain"
    public static func planned(labels: Int, predictions: Int) -> PlannedHead { .pretraining(predictions: predictions) }

    public var predictions: Int

    public init(predictions: Int) {
        self.predictions = predictions
    }

    public var description: String { "pretraining(predictions: \(predictions))" }
    public var modelHeads: BertHeads { .preTraining }

    public func layout(shape: EncoderShape, hidden: Int, vocabulary: Int) -> (name: String, layout: ArenaLayout)? {
        ("pre-training head", PretrainingHead.layout(shape: shape, hidden: hidden, vocabulary: vocabulary, predictions: predictions))
    }

    public func gemmShapes(shape: EncoderShape, hidden: Int, vocabulary: Int, training: Bool) -> [GEMMShape] {
        let rows = shape.batch * predictions
        return GEMMCensus.linear(rows: rows, inputs: hidden, outputs: hidden, training: training)
            + GEMMCensus.linear(rows: rows, inputs: hidden, outputs: vocabulary, training: training)
            + GEMMCensus.linear(rows: shape.batch, inputs: hidden, outputs: 2, training: training)
    }

    public func makeHead(encoder: BertEncoder) throws -> TaskHead {
        try PretrainingHead(encoder: encoder, maxPredictions: predictions)
    }

    public func randomTargets(_ feature: inout Feature, sequence: Int, vocabulary: Int, random: inout SplitMix64) {
        feature.label = Int32(random.next() % 2)
        feature.maskedPositions = (0..<predictions).map { Int32(($0 * max(sequence / predictions, 1)) % sequence) }
        feature.maskedLabels = (0..<predictions).map { _ in Int32(random.next() % UInt64(vocabulary)) }
        feature.maskedWeights = [Float](repeating: 1, count: predictions)
    }
}

extension PlannedHead {
    /// Masked LM (over `predictions` gathered positions per sequence) + next sentence.
    public static func pretraining(predictions: Int) -> PlannedHead { PlannedHead(PretrainingHeadSpec(predictions: predictions)) }
}

/// The pre-training heads as a trainer's task head: each feature is one instance (its next-sentence label in
/// `label`, its masked positions, ids and weights padded to the head's max predictions). The trainer's scale is
/// 1/examples (one loss term per example); the masked LM's own 1/(Σ w + 1e-5) comes from `prepareStep`.
extension PretrainingHead: TaskHead {
    public func prepareStep(_ batch: [Feature]) throws {
        let weights = batch.reduce(0.0) { total, feature in total + (feature.maskedWeights ?? []).reduce(0.0) { $0 + Double($1) } }
        prepareStep(maskedWeightSum: weights, examples: batch.count)
    }

    public func setTargets(_ features: [Feature]) throws {
        let p = maxPredictions
        var targets = PretrainingTargets(positions: [], labels: [], weights: [], nextSentence: [])
        for feature in features {
            let positions = feature.maskedPositions ?? []
            guard positions.count <= p, feature.maskedLabels?.count ?? 0 == positions.count,
                  feature.maskedWeights?.count ?? 0 == positions.count else {
                throw HeadError("an instance has \(positions.count) masked positions, \(feature.maskedLabels?.count ?? 0) labels and "
                                         + "\(feature.maskedWeights?.count ?? 0) weights; expected equal counts of at most \(p)")
            }
            let slots = p - positions.count
            targets.positions += positions + [Int32](repeating: 0, count: slots)
            targets.labels += (feature.maskedLabels ?? []) + [Int32](repeating: 0, count: slots)
            targets.weights += (feature.maskedWeights ?? []) + [Float](repeating: 0, count: slots)
            targets.nextSentence.append(feature.label < 0 ? -1 : feature.label)
        }
        try setTargets(targets)
    }

    public func forward(dropout: DropoutPlan?) throws { try forward() }

    public func backward(scale: Float) throws -> EncoderGradients { try backward(nextScale: scale) }

    public func lossWeight(_ feature: Feature) -> Float { 1 }

    public var plannedHead: PlannedHead { .pretraining(predictions: maxPredictions) }

    /// Per example: [Σ w·nll, Σ w, Σ w·correct] of its masked positions, then [nll, correct] of its next sentence.
    public func outputs() throws -> [[Float]] { try exampleOutputs() }

    /// [masked loss Σ, next-sentence loss Σ, Σ masked weight, Σ weight of correct masked predictions, scored
    /// next-sentence examples, correct ones].
    public func stepSums() throws -> [Double] {
        let (masked, next) = try lossSums()
        let c = counts
        return [masked, next, c.maskedWeight, c.maskedCorrect, c.nextExamples, c.nextCorrect]
    }

    public func stepMetrics(sums: [Double]) -> [String: Double] {
        guard sums.count == 6 else { return [:] }
        let (masked, next, weight, correct, examples, nextCorrect) = (sums[0], sums[1], sums[2], sums[3], sums[4], sums[5])
        return ["mlm_loss": weight > 0 ? masked / (weight + 1e-5) : 0,
                "mlm_accuracy": weight > 0 ? correct / weight : 0,
                "nsp_loss": examples > 0 ? next / examples : 0,
                "nsp_accuracy": examples > 0 ? nextCorrect / examples : 0]
    }
}
