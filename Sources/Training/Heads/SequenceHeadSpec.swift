import BERT
import Compute

/// The sentence (pair) classifier or regressor (`SequenceClassifierHead`): dense(outputs) on the pooled output.
public struct SequenceHeadSpec: TaskHeadSpec {
    public var objective: SequenceClassifierHead.Objective

    public init(objective: SequenceClassifierHead.Objective) {
        self.objective = objective
    }

    public var description: String { "sequence(outputs: \(objective.outputs))" }
    public var modelHeads: BertHeads { .classifier(labels: objective.outputs) }
    /// The classifier reads the pooled output only.
    public var encoderOutput: EncoderOutput { .classToken }

    public func layout(shape: EncoderShape, hidden: Int, vocabulary: Int) -> (name: String, layout: ArenaLayout)? {
        ("classifier head", SequenceClassifierHead.layout(batch: shape.batch, hidden: hidden, outputs: objective.outputs))
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
    }
}

extension SequenceHeadSpec: PlannableHeadKind {
    public static let taskName = "classify"
    public static func planned(labels: Int, predictions: Int) -> PlannedHead { .sequence(outputs: labels) }
}

extension PlannedHead {
    /// Sentence classifier (`outputs` classes) or regressor (1 output).
    public static func sequence(outputs: Int) -> PlannedHead {
        PlannedHead(SequenceHeadSpec(objective: outputs == 1 ? .regression : .classification(labels: outputs)))
    }
}

extension SequenceClassifierHead: TaskHead {
    public func setTargets(_ features: [Feature]) throws {
        let labels = features.map { objective == .regression ? 0 : $0.label }
        try setTargets(labels: labels, values: objective == .regression ? features.map(\.target) : nil)
    }

    public func lossTerms(_ feature: Feature) -> Int { 1 }

    public var plannedHead: PlannedHead { PlannedHead(SequenceHeadSpec(objective: objective)) }

    public func outputs() throws -> [[Float]] {
        let values: [Float] = try device.readFloats(logits)
        return rows(values, width: objective.outputs)
    }
}

