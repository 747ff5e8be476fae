import BERT

/// Runs features through an encoder and head and returns the head's outputs, one row per feature, in input
/// order. Features are taken longest first in batches of up to the encoder's batch size, each batch at its own
/// length (`batchLength`), so a set of short texts costs its own tokens; the last batch is simply smaller.
public struct FeaturePredictor {
    public let encoder: BertEncoder
    public let head: TaskHead
    public let batchLength: BatchLength

    public init(encoder: BertEncoder, head: TaskHead, batchLength: BatchLength = .standard) {
        self.encoder = encoder
        self.head = head
        self.batchLength = batchLength
    }

    public func predict(_ features: [Feature]) throws -> [[Float]] {
        let micro = encoder.capacity.batch, capacity = encoder.capacity.sequence
        let order = longestFirst(features.map(\.length))
        var outputs = [[Float]](repeating: [], count: features.count)
        for start in stride(from: 0, to: order.count, by: micro) {
            let members = Array(order[start..<min(start + micro, order.count)])
            let length = batchLength.length(of: members.lazy.map { features[$0] }, capacity: capacity)
            let rows = members.map { features[$0].truncated(to: length) }
            try encoder.setInputs(EncoderInputs(ids: rows.flatMap(\.ids), types: rows.flatMap(\.types), mask: rows.flatMap(\.mask)),
                                  shape: EncoderShape(batch: rows.count, sequence: length))
            // Heads whose outputs are losses or accuracies (pre-training) need the targets.
            try head.setTargets(rows)
            try encoder.forward(dropout: nil)
            try head.forward(dropout: nil)
            for (member, output) in zip(members, try head.outputs()) { outputs[member] = output }
        }
        return outputs
    }
}
