import Compute

/// The model sizes Google released (the 24 small BERTs and Base/Large), by name.
public enum BertSize: String, Sendable, CaseIterable {
    /// 2 layers, H 128, 2 heads.
    case tiny
    /// 4 layers, H 256, 4 heads.
    case mini
    /// 4 layers, H 512, 8 heads.
    case small
    /// 8 layers, H 512, 8 heads.
    case medium
    /// 12 layers, H 768, 12 heads (110 M parameters).
    case base
    /// 24 layers, H 1024, 16 heads (335 M parameters).
    case large

    /// (layers, hidden size, attention heads).
    public var dimensions: (layers: Int, hidden: Int, heads: Int) {
        switch self {
        case .tiny: return (2, 128, 2)
        case .mini: return (4, 256, 4)
        case .small: return (4, 512, 8)
        case .medium: return (8, 512, 8)
        case .base: return (12, 768, 12)
        case .large: return (24, 1024, 16)
        }
    }
}

extension BertConfig {
    /// The uncased English vocabulary size of Google's released models.
    public static let englishUncasedVocabSize = 30522

    /// A named size with Google's other settings: vocabulary 30522, intermediate 4H, 512 positions,
    /// 2 segment types, dropout 0.1, initializer range 0.02.
    public init(size: BertSize, vocabSize: Int = BertConfig.englishUncasedVocabSize, activation: GELUKind = .tanh) {
        let (layers, hidden, heads) = size.dimensions
        self.init(vocabSize: vocabSize, hiddenSize: hidden, numHiddenLayers: layers, numAttentionHeads: heads,
                  intermediateSize: 4 * hidden, activation: activation)
    }
}
