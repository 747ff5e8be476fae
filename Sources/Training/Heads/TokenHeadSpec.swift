import BERT
import Compute

/// The token tagger (`TokenClassifierHead`, NER): dense(labels) on every token, no pooler.
public struct TokenHeadSpec: TaskHeadSpec {
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

extension TokenHeadSpec: PlannableHeadKind {
    public static let taskName = "ner"
    public static func planned(labels: Int, predictions: Int) -> PlannedHead { .tokens(labels: labels) }
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

    public func lossTerms(_ feature: Feature) -> Int { feature.tokenLabels?.filter { $0 >= 0 }.count ?? 0 }

    public var plannedHead: PlannedHead { .tokens(labels: labels) }

    public func outputs() throws -> [[Float]] {
        tokenRows(try device.readFloats(logits), length: encoder.shape.sequence, rowLengths: encoder.rowLengths,
                  capacity: encoder.capacity.sequence, width: labels)
    }
}

