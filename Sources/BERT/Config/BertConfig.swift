import Compute

/// The shape and hyper-parameters of a BERT model: what `bert_config.json` (Google) and `config.json`
/// (HuggingFace) describe.
///
/// ```swift
/// let config = try BertConfig.read(contentsOf: "uncased_L-12_H-768_A-12/bert_config.json")
/// print(config.hiddenSize, config.activation)          // 768 tanh  (Google's "gelu" is the tanh form)
/// let base = BertConfig(size: .base)
/// print(base.parameterCount(heads: .encoder))          // 109482240
/// ```
public struct BertConfig: Sendable, Equatable {
    /// Rows of the word-embedding table (`vocab_size`).
    public var vocabSize: Int
    /// Width of every hidden state, H (`hidden_size`).
    public var hiddenSize: Int
    /// Transformer blocks, L (`num_hidden_layers`).
    public var numHiddenLayers: Int
    /// Attention heads, A (`num_attention_heads`); must divide `hiddenSize`.
    public var numAttentionHeads: Int
    /// Width of the feed-forward layer (`intermediate_size`, 4H in the released models).
    public var intermediateSize: Int
    /// Which GELU the feed-forward layer and the MLM head use (from `hidden_act`; see `ConfigDialect`).
    public var activation: GELUKind
    /// Dropout on hidden states (`hidden_dropout_prob`).
    public var hiddenDropoutProb: Double
    /// Dropout on attention probabilities (`attention_probs_dropout_prob`).
    public var attentionProbsDropoutProb: Double
    /// Rows of the position-embedding table, the longest sequence (`max_position_embeddings`).
    public var maxPositionEmbeddings: Int
    /// Rows of the segment-embedding table (`type_vocab_size`).
    public var typeVocabSize: Int
    /// Standard deviation of the truncated-normal initializer (`initializer_range`).
    public var initializerRange: Double
    /// LayerNorm epsilon (`layer_norm_eps`; Google's configs do not say it and use 1e-12).
    public var layerNormEps: Double
    /// Id of the padding token (`pad_token_id`), when the file gives one.
    public var padTokenId: Int?
    /// Classifier labels in id order (`id2label`, or `LABEL_i` for `num_labels`); nil when the file names none.
    public var labels: [String]?
    /// What the classifier's outputs mean (`problem_type`, as transformers writes it); nil when the file does not say.
    public var problemType: ProblemType?

    /// transformers' `problem_type`: which loss a sequence classifier trains with, and so how its outputs are read.
    public enum ProblemType: String, Sendable, Equatable, CaseIterable {
        /// One real-valued output, mean squared error.
        case regression
        /// One class per input: softmax over the labels, cross-entropy.
        case singleLabel = "single_label_classification"
        /// Any subset of the labels: a sigmoid per label, binary cross-entropy.
        case multiLabel = "multi_label_classification"
    }

    /// Google's defaults for the optional values, which a config file may leave out (the one place they are
    /// written: the initializer and the config-file reader use them).
    public enum Defaults {
        /// `hidden_dropout_prob`, `attention_probs_dropout_prob`.
        public static let hiddenDropoutProb = 0.1, attentionProbsDropoutProb = 0.1
        /// `max_position_embeddings`, `type_vocab_size`.
        public static let maxPositionEmbeddings = 512, typeVocabSize = 2
        /// `initializer_range`, `layer_norm_eps`.
        public static let initializerRange = 0.02, layerNormEps = 1e-12
    }

    /// A configuration with Google's defaults for the optional values (`Defaults`: dropout 0.1, 512 positions, 2
    /// segment types, initializer range 0.02, LayerNorm epsilon 1e-12). Call `validate()` before building a model.
    public init(vocabSize: Int, hiddenSize: Int, numHiddenLayers: Int, numAttentionHeads: Int,
                intermediateSize: Int, activation: GELUKind, hiddenDropoutProb: Double = Defaults.hiddenDropoutProb,
                attentionProbsDropoutProb: Double = Defaults.attentionProbsDropoutProb,
                maxPositionEmbeddings: Int = Defaults.maxPositionEmbeddings, typeVocabSize: Int = Defaults.typeVocabSize,
                initializerRange: Double = Defaults.initializerRange, layerNormEps: Double = Defaults.layerNormEps,
                padTokenId: Int? = nil, labels: [String]? = nil, problemType: ProblemType? = nil) {
        self.vocabSize = vocabSize
        self.hiddenSize = hiddenSize
        self.numHiddenLayers = numHiddenLayers
        self.numAttentionHeads = numAttentionHeads
        self.intermediateSize = intermediateSize
        self.activation = activation
        self.hiddenDropoutProb = hiddenDropoutProb
        self.attentionProbsDropoutProb = attentionProbsDropoutProb
        self.maxPositionEmbeddings = maxPositionEmbeddings
        self.typeVocabSize = typeVocabSize
        self.initializerRange = initializerRange
        self.layerNormEps = layerNormEps
        self.padTokenId = padTokenId
        self.labels = labels
        self.problemType = problemType
    }

    /// The most transformer blocks a configuration may declare (BERT-Large has 24).
    public static let maxLayers = 1024

    /// Width of one attention head, H / A.
    public var headSize: Int { numAttentionHeads > 0 ? hiddenSize / numAttentionHeads : 0 }

    /// Checks that the sizes describe a buildable model; `file` names the source in the error.
    public func validate(file: String = "BertConfig") throws {
        func check(_ ok: Bool, _ field: String, _ message: String) throws {
            if !ok { throw CheckpointError(.invalidConfig, file: file, subject: "field '\(field)'", message) }
        }
        try check(vocabSize > 0, "vocab_size", "must be positive, got \(vocabSize)")
        try check(hiddenSize > 0, "hidden_size", "must be positive, got \(hiddenSize)")
        try check(numHiddenLayers > 0 && numHiddenLayers <= Self.maxLayers, "num_hidden_layers",
                  "must be between 1 and \(Self.maxLayers), got \(numHiddenLayers)")
        try check(numAttentionHeads > 0, "num_attention_heads", "must be positive, got \(numAttentionHeads)")
        try check(hiddenSize % numAttentionHeads == 0, "num_attention_heads",
                  "must divide hidden_size \(hiddenSize), got \(numAttentionHeads)")
        try check(intermediateSize > 0, "intermediate_size", "must be positive, got \(intermediateSize)")
        try check(maxPositionEmbeddings > 0, "max_position_embeddings", "must be positive, got \(maxPositionEmbeddings)")
        try check(typeVocabSize > 0, "type_vocab_size", "must be positive, got \(typeVocabSize)")
        try check((0..<1).contains(hiddenDropoutProb), "hidden_dropout_prob",
                  "must be in [0, 1), got \(hiddenDropoutProb)")
        try check((0..<1).contains(attentionProbsDropoutProb), "attention_probs_dropout_prob",
                  "must be in [0, 1), got \(attentionProbsDropoutProb)")
        try check(initializerRange >= 0 && initializerRange.isFinite, "initializer_range",
                  "must be a finite number ≥ 0, got \(initializerRange)")
        try check(layerNormEps > 0 && layerNormEps.isFinite, "layer_norm_eps",
                  "must be a finite positive number, got \(layerNormEps)")
        if let padTokenId {
            try check((0..<vocabSize).contains(padTokenId), "pad_token_id",
                      "must be an id below vocab_size \(vocabSize), got \(padTokenId)")
        }
        if let labels { try check(!labels.isEmpty, "id2label", "must name at least one label") }
        // Guard the products the parameter table computes, so absurd sizes fail here rather than overflow later.
        let widest = [vocabSize, maxPositionEmbeddings, typeVocabSize, intermediateSize, hiddenSize].max() ?? 0
        let (product, overflow) = widest.multipliedReportingOverflow(by: hiddenSize)
        try check(!overflow && product <= Int(Int32.max) * 64, "hidden_size",
                  "\(hiddenSize) × \(widest) parameters in one tensor is more than SwiftBERT can hold")
    }
}
