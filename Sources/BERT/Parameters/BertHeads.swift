/// Which parts beyond the encoder a model (or a checkpoint) has.
///
/// The encoder (embeddings + transformer blocks) is always present. Parameter names follow HuggingFace:
/// `pooler.dense.*`, `cls.predictions.*` (masked LM; its decoder weight is tied to the word embeddings),
/// `cls.seq_relationship.*` (next sentence), `classifier.*` (sequence classification), `qa_outputs.*` (SQuAD).
public struct BertHeads: Sendable, Hashable, CustomStringConvertible {
    /// `pooler.dense`: tanh(dense(h[CLS])).
    public var pooler: Bool
    /// `cls.predictions`: transform dense + LayerNorm + output bias (decoder tied to the word embeddings).
    public var maskedLM: Bool
    /// `cls.seq_relationship`: dense(2) on the pooled output.
    public var nextSentence: Bool
    /// `classifier`: dense(labels) on the pooled output; nil when absent.
    public var classifierLabels: Int?
    /// `qa_outputs`: dense(2) on every token (start/end logits).
    public var questionAnswering: Bool

    /// Heads by part; the default is the encoder with its pooler and nothing else.
    public init(pooler: Bool = true, maskedLM: Bool = false, nextSentence: Bool = false, classifierLabels: Int? = nil,
                questionAnswering: Bool = false) {
        self.pooler = pooler
        self.maskedLM = maskedLM
        self.nextSentence = nextSentence
        self.classifierLabels = classifierLabels
        self.questionAnswering = questionAnswering
    }

    /// Encoder and pooler only (transformers' `BertModel`).
    public static let encoder = BertHeads()
    /// Encoder, pooler, masked LM and next-sentence heads (`BertForPreTraining`, Google's pre-training checkpoints).
    public static let preTraining = BertHeads(maskedLM: true, nextSentence: true)
    /// Encoder, pooler and a classifier over `labels` classes (`BertForSequenceClassification`).
    public static func classifier(labels: Int) -> BertHeads { BertHeads(classifierLabels: labels) }
    /// Encoder and the span head (`BertForQuestionAnswering`, which has no pooler).
    public static let questionAnswering = BertHeads(pooler: false, questionAnswering: true)

    /// True when there is nothing beyond the encoder and pooler.
    public var isBareEncoder: Bool { !maskedLM && !nextSentence && classifierLabels == nil && !questionAnswering }

    /// The heads whose parameters appear among `names` (canonical names). A classifier's label count comes from
    /// the first dimension of `classifier.weight`, given by `rows`.
    public init(detectingIn names: some Sequence<String>, rows: (String) -> Int?) {
        let set = Set(names)
        self.init(pooler: set.contains("pooler.dense.weight") || set.contains("pooler.dense.bias"),
                  maskedLM: set.contains { $0.hasPrefix("cls.predictions.") },
                  nextSentence: set.contains { $0.hasPrefix("cls.seq_relationship.") },
                  classifierLabels: set.contains("classifier.weight") ? rows("classifier.weight") : nil,
                  questionAnswering: set.contains { $0.hasPrefix("qa_outputs.") })
    }

    /// The transformers class that loads a model with these heads (written to config.json's `architectures`).
    public var architecture: String {
        // A sequence classifier reads the pooled output; a token classifier (NER) has no pooler.
        if classifierLabels != nil { return pooler ? "BertForSequenceClassification" : "BertForTokenClassification" }
        if questionAnswering { return "BertForQuestionAnswering" }
        switch (maskedLM, nextSentence) {
        case (true, true): return "BertForPreTraining"
        case (true, false): return "BertForMaskedLM"
        case (false, true): return "BertForNextSentencePrediction"
        case (false, false): return "BertModel"
        }
    }

    public var description: String {
        var parts = ["encoder"]
        if pooler { parts.append("pooler") }
        if maskedLM { parts.append("masked LM") }
        if nextSentence { parts.append("next sentence") }
        if let classifierLabels { parts.append("classifier (\(classifierLabels) labels)") }
        if questionAnswering { parts.append("question answering") }
        return parts.joined(separator: " + ")
    }
}
