import Compute
import Tokenizer

/// A model folder's encoder loaded for inference (no dropout, nothing kept for backward) at a batch and sequence
/// capacity, with its tokenizer: what feature extraction and sentence embedding share.
enum InferenceEncoder {
    /// - Throws: ``ComputeError`` naming `operation` for a batch below 1 or a sequence length outside
    ///   3…max_position_embeddings; ``CheckpointError`` for an unreadable model.
    static func load(model folder: String, device: any Device, batch: Int, sequence: Int,
                     operation: String) throws -> (tokenizer: WordPieceTokenizer, encoder: BertEncoder) {
        let checkpoint = try Checkpoint.open(folder)
        let config = try checkpoint.requireConfig()
        guard batch > 0 else { throw ComputeError.shapeMismatch(operation: operation, detail: "--batch-size must be positive") }
        guard sequence >= 3, sequence <= config.maxPositionEmbeddings else {
            throw ComputeError.shapeMismatch(operation: operation,
                detail: "--max-seq-length must be between 3 and the model's max_position_embeddings \(config.maxPositionEmbeddings), got \(sequence)")
        }
        let tokenizer = try checkpoint.tokenizer()
        let parameters = try ParameterStore(config: config, heads: BertHeads(pooler: checkpoint.heads.pooler), device: device, training: false)
        try parameters.load(from: checkpoint)
        let encoder = try BertEncoder(parameters: parameters, shape: EncoderShape(batch: batch, sequence: sequence), mode: .inference)
        return (tokenizer, encoder)
    }
}
