import BERT

/// Runs features through an encoder and head in micro-batches of the encoder's batch size (the last one padded
/// with empty rows) and returns the head's outputs, one row per feature, in order.
public struct FeaturePredictor {
    public let encoder: BertEncoder
    public let head: TaskHead

    public init(encoder: BertEncoder, head: TaskHead) {
        self.encoder = encoder
        self.head = head
    }

    public func predict(_ features: [Feature]) throws -> [[Float]] {
        let micro = encoder.shape.batch, length = encoder.shape.sequence
        var outputs: [[Float]] = []
        outputs.reserveCapacity(features.count)
        for start in stride(from: 0, to: features.count, by: micro) {
            let real = Array(features[start..<min(start + micro, features.count)])
            let rows = real + [Feature](repeating: .padding(length: length), count: micro - real.count)
            try encoder.setInputs(EncoderInputs(ids: rows.flatMap(\.ids), types: rows.flatMap(\.types), mask: rows.flatMap(\.mask)))
            // Heads whose outputs are losses or accuracies (pre-training) need the targets.
            try head.setTargets(rows, isPadding: real.indices.map { _ in false } + [Bool](repeating: true, count: micro - real.count))
            try encoder.forward(dropout: nil)
            try head.forward(dropout: nil)
            outputs += try head.outputs().prefix(real.count)
        }
        return outputs
    }
}
