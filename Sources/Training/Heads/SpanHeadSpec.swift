import BERT
import Compute

/// The SQuAD span head (`SpanHead`): dense(2) on every token, start and end logits, no pooler.
public struct SpanHeadSpec: TaskHeadSpec {
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

extension SpanHeadSpec: PlannableHeadKind {
    public static let taskName = "squad"
    public static func planned(labels: Int, predictions: Int) -> PlannedHead { .span }
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

    public func lossTerms(_ feature: Feature) -> Int { 2 }

    public var plannedHead: PlannedHead { .span }

    public func outputs() throws -> [[Float]] {
        let s = encoder.shape.sequence, capacity = encoder.capacity.sequence
        let starts = tokenRows(try device.readFloats(startLogits), length: s, rowLengths: encoder.rowLengths, capacity: capacity, width: 1)
        let ends = tokenRows(try device.readFloats(endLogits), length: s, rowLengths: encoder.rowLengths, capacity: capacity, width: 1)
        return zip(starts, ends).map { $0 + $1 }
    }
}

