import BERT
import Compute

/// The pre-training heads (`PretrainingHead`): masked LM over `predictions` gathered positions per sequence (dense +
/// GELU + LayerNorm transform, decoder tied to the word embeddings) and next sentence (dense(2) on the pooled output).
public struct PretrainingHeadSpec: TaskHeadSpec {
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

extension PretrainingHeadSpec: PlannableHeadKind {
    public static let taskName = "pretrain"
    public static func planned(labels: Int, predictions: Int) -> PlannedHead { .pretraining(predictions: predictions) }
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
                throw TrainingError.data("an instance has \(positions.count) masked positions, \(feature.maskedLabels?.count ?? 0) labels and "
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

    public func lossTerms(_ feature: Feature) -> Int { 1 }

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
