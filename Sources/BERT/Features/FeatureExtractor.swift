import Compute
import Foundation
import Tokenizer

/// Contextual features of texts, as Google's extract_features.py computes them: the hidden states of chosen
/// layers for every token (`[CLS]` and `[SEP]` included), or one pooled vector per text.
///
/// ```swift
/// let extractor = try FeatureExtractor(model: "all-MiniLM-L6-v2", device: device,
///                                      options: .init(layers: [-1], maxSequenceLength: 128, batchSize: 8))
/// let features = try extractor.extract(["A sentence.", "A question ||| its context"])
/// ```
public final class FeatureExtractor {
    /// How a text becomes one vector.
    public enum Pooling: String, Sendable, CaseIterable {
        /// The last layer's hidden state of [CLS].
        case cls
        /// The mask-weighted mean of the last layer over real tokens (how all-MiniLM-L6-v2 is used).
        case mean
    }

    public struct Options: Sendable {
        /// Layers to report, negative counting from the last (−1 = last hidden state); 0 = the embeddings output.
        public var layers: [Int]
        public var maxSequenceLength: Int
        public var batchSize: Int
        public var pooling: Pooling?

        public init(layers: [Int] = [-1, -2, -3, -4], maxSequenceLength: Int = 128, batchSize: Int = 8, pooling: Pooling? = nil) {
            self.layers = layers
            self.maxSequenceLength = maxSequenceLength
            self.batchSize = batchSize
            self.pooling = pooling
        }
    }

    /// One input line's result: per token its layer values, or the pooled vector.
    public struct Result: Sendable {
        public var tokens: [String]
        /// `layers[k][t]` = the hidden state of token t in `Options.layers[k]`.
        public var layers: [[[Float]]]
        public var pooled: [Float]?
    }

    /// Pairs are written "A ||| B" on one line.
    public static let pairSeparator = " ||| "

    public let options: Options
    public let tokenizer: WordPieceTokenizer
    let encoder: BertEncoder
    private let layerIndices: [Int]

    public init(model folder: String, device: any Device, options: Options) throws {
        (tokenizer, encoder) = try InferenceEncoder.load(model: folder, device: device, batch: options.batchSize,
                                                         sequence: options.maxSequenceLength, operation: "extract-features")
        let layers = encoder.config.numHiddenLayers
        layerIndices = try options.layers.map { layer in
            let index = layer < 0 ? layers + 1 + layer : layer
            guard (0...layers).contains(index) else {
                throw ComputeError.shapeMismatch(operation: "extract-features",
                    detail: "layer \(layer) does not exist: the model has \(layers) layers (use -1 … -\(layers + 1) or 0 … \(layers))")
            }
            return index
        }
        self.options = options
    }

    /// Features of each line, in order.
    public func extract(_ lines: [String]) throws -> [Result] {
        let s = options.maxSequenceLength, h = encoder.config.hiddenSize
        let encodingOptions = try EncodingOptions(maxLength: s, padsToMaxLength: true)
        var results: [Result] = []
        for start in stride(from: 0, to: lines.count, by: options.batchSize) {
            let chunk = Array(lines[start..<min(start + options.batchSize, lines.count)])
            let encodings = chunk.map { line -> Encoding in
                let parts = line.components(separatedBy: Self.pairSeparator)
                return tokenizer.encode(parts[0], parts.count > 1 ? parts.dropFirst().joined(separator: Self.pairSeparator) : nil,
                                        options: encodingOptions)
            }
            let padding = [Int32](repeating: 0, count: s * (options.batchSize - chunk.count))   // rows with no text
            try encoder.setInputs(EncoderInputs(ids: encodings.flatMap(\.ids) + padding,
                                                types: encodings.flatMap(\.segmentIDs) + padding,
                                                mask: encodings.flatMap(\.attentionMask) + padding))
            try encoder.forward()
            let states = try layerIndices.map { try encoder.device.readFloats(encoder.hiddenState($0)) }   // [B·S, H] each
            let last = options.pooling == nil ? [] : try encoder.device.readFloats(encoder.hiddenState(encoder.config.numHiddenLayers))
            for (b, encoding) in encodings.enumerated() {
                let count = encoding.attentionMask.reduce(0) { $0 + Int($1) }
                let row = { (values: [Float], t: Int) in Array(values[((b * s + t) * h)..<((b * s + t + 1) * h)]) }
                var result = Result(tokens: tokenizer.tokens(Array(encoding.ids.prefix(count))), layers: [], pooled: nil)
                switch options.pooling {
                case .cls?:
                    result.pooled = row(last, 0)
                case .mean?:
                    var sum = [Float](repeating: 0, count: h)
                    for t in 0..<count { for (c, v) in row(last, t).enumerated() { sum[c] += v } }
                    result.pooled = sum.map { $0 / Float(max(count, 1)) }
                case nil:
                    result.layers = states.map { values in (0..<count).map { row(values, $0) } }
                }
                results.append(result)
            }
        }
        return results
    }
}
