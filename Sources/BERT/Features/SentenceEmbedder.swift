import Compute
import Foundation
import Tokenizer

/// Sentence embeddings as sentence-transformers computes them: each text truncated to the model's length, run
/// through the encoder in inference (no dropout, nothing kept for backward), and its last hidden states pooled by
/// ``SentencePooling``. Batches are formed longest first, each run at its longest text's length; vectors come back
/// in input order.
///
/// ```swift
/// let (pooling, _) = try SentencePooling.of(model: folder)
/// let embedder = try SentenceEmbedder(model: folder, device: CPUDevice(),
///                                     options: .init(maxSequenceLength: 256, batchSize: 32, pooling: pooling))
/// let result = try embedder.embed(["A man is eating food.", "A monkey is playing drums."])   // [2 × 384]
/// ```
public final class SentenceEmbedder {
    public struct Options: Sendable {
        /// Tokens per text, [CLS] and [SEP] included; longer texts are truncated.
        public var maxSequenceLength: Int
        /// Texts per forward pass.
        public var batchSize: Int
        public var pooling: SentencePooling

        public init(maxSequenceLength: Int, batchSize: Int = 32, pooling: SentencePooling = SentencePooling()) {
            self.maxSequenceLength = maxSequenceLength
            self.batchSize = batchSize
            self.pooling = pooling
        }
    }

    /// The vectors of a list of texts.
    public struct Embeddings: Sendable {
        /// [count, dimension] row-major, in input order.
        public var vectors: [Float]
        public var count: Int
        public var dimension: Int
        /// Texts longer than the sequence length, cut to it.
        public var truncatedTexts: Int

        /// Row `index`.
        public func vector(_ index: Int) -> ArraySlice<Float> { vectors[(index * dimension)..<((index + 1) * dimension)] }
    }

    public let options: Options
    public let tokenizer: WordPieceTokenizer
    let encoder: BertEncoder

    /// Loads the model's encoder for inference at `options`' batch and sequence capacity.
    ///
    /// - Throws: ``ComputeError`` for a batch size below 1 or a sequence length outside 3…max_position_embeddings;
    ///   ``CheckpointError`` for an unreadable model.
    public init(model folder: String, device: any Device, options: Options) throws {
        self.options = options
        (tokenizer, encoder) = try InferenceEncoder.load(model: folder, device: device, batch: options.batchSize,
                                                         sequence: options.maxSequenceLength, operation: "embed")
    }

    /// The model's vector of each text (an empty text is `[CLS] [SEP]`, as sentence-transformers encodes it);
    /// `progress` is called with the number of texts done after each batch.
    public func embed(_ texts: [String], progress: ((Int) -> Void)? = nil) throws -> Embeddings {
        let options = try EncodingOptions(maxLength: self.options.maxSequenceLength)
        let session = TokenizerSession()
        let encodings = texts.map { text -> Encoding in
            var pieces = TokenizedText()
            tokenizer.tokenize(text, session: session, into: &pieces)
            return tokenizer.encode(first: pieces, second: nil, options: options)
        }
        let hidden = encoder.config.hiddenSize, layers = encoder.config.numHiddenLayers
        var vectors = [Float](repeating: 0, count: texts.count * hidden)
        // Longest first, so each batch runs at about its own texts' length (ties in input order).
        let order = encodings.indices.sorted { (encodings[$0].ids.count, $1) > (encodings[$1].ids.count, $0) }
        var done = 0
        for start in stride(from: 0, to: order.count, by: self.options.batchSize) {
            let members = order[start..<min(start + self.options.batchSize, order.count)]
            let length = members.map { encodings[$0].ids.count }.max() ?? 2
            var ids: [Int32] = [], types: [Int32] = [], mask: [Int32] = []
            for index in members {
                let encoding = encodings[index], padding = length - encoding.ids.count
                ids += encoding.ids + [Int32](repeating: tokenizer.specialIDs.padding, count: padding)
                types += encoding.segmentIDs + [Int32](repeating: 0, count: padding)
                mask += encoding.attentionMask + [Int32](repeating: 0, count: padding)
            }
            try encoder.setInputs(EncoderInputs(ids: ids, types: types, mask: mask), shape: EncoderShape(batch: members.count, sequence: length))
            try encoder.forward()
            let states = try encoder.device.readFloats(encoder.hiddenState(layers))   // [rows · length, H]
            for (row, index) in members.enumerated() {
                let first = row * length * hidden
                let vector = self.options.pooling.pool(states[first..<(first + length * hidden)], tokens: encodings[index].ids.count,
                                                       hidden: hidden)
                vectors.replaceSubrange((index * hidden)..<((index + 1) * hidden), with: vector)
            }
            done += members.count
            progress?(done)
        }
        return Embeddings(vectors: vectors, count: texts.count, dimension: hidden,
                          truncatedTexts: encodings.filter { $0.truncated.first > 0 }.count)
    }
}
