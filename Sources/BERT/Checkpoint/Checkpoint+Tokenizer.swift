import Tokenizer

extension Checkpoint {
    /// The tokenizer that belongs to this checkpoint: HF's settings from a model folder (tokenizer_config.json,
    /// special tokens), or Google's rules over `vocab.txt` for a TensorFlow checkpoint (uncased when the
    /// vocabulary looks uncased).
    public func tokenizer() throws -> WordPieceTokenizer {
        switch format {
        case .safetensors:
            return try WordPieceTokenizer(modelDirectory: folder)
        case .tensorFlow:
            return try WordPieceTokenizer(vocabularyFile: folder + "/vocab.txt",
                                          lowercase: doLowerCase ?? vocabulary?.looksUncased ?? true)
        }
    }
}
