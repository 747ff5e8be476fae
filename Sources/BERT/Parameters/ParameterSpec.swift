/// One parameter tensor of a model: its canonical name and its shape (row-major; linear weights are
/// [out, in] as in PyTorch).
public struct ParameterSpec: Sendable, Hashable, CustomStringConvertible {
    /// Canonical name: HuggingFace's, without the `bert.` prefix, e.g. `encoder.layer.0.attention.self.query.weight`.
    public let name: String
    /// Row-major shape.
    public let shape: [Int]

    /// A parameter named `name` of `shape`.
    public init(_ name: String, _ shape: [Int]) {
        self.name = name
        self.shape = shape
    }

    /// Number of elements.
    public var count: Int { shape.reduce(1, *) }

    public var description: String { "\(name) \(shape)" }
}

extension BertConfig {
    /// Every parameter of a model with this configuration and `heads`, in a fixed order: embeddings, the
    /// blocks in order, pooler, then the heads.
    public func parameterSpecs(heads: BertHeads = .encoder) -> [ParameterSpec] {
        let h = hiddenSize
        var specs: [ParameterSpec] = [
            ParameterSpec("embeddings.word_embeddings.weight", [vocabSize, h]),
            ParameterSpec("embeddings.position_embeddings.weight", [maxPositionEmbeddings, h]),
            ParameterSpec("embeddings.token_type_embeddings.weight", [typeVocabSize, h]),
            ParameterSpec("embeddings.LayerNorm.weight", [h]),
            ParameterSpec("embeddings.LayerNorm.bias", [h]),
        ]
        func linear(_ name: String, out: Int, in inputs: Int) {
            specs.append(ParameterSpec("\(name).weight", [out, inputs]))
            specs.append(ParameterSpec("\(name).bias", [out]))
        }
        func layerNorm(_ name: String) {
            specs.append(ParameterSpec("\(name).weight", [h]))
            specs.append(ParameterSpec("\(name).bias", [h]))
        }
        for layer in 0..<max(numHiddenLayers, 0) {
            let prefix = "encoder.layer.\(layer)"
            linear("\(prefix).attention.self.query", out: h, in: h)
            linear("\(prefix).attention.self.key", out: h, in: h)
            linear("\(prefix).attention.self.value", out: h, in: h)
            linear("\(prefix).attention.output.dense", out: h, in: h)
            layerNorm("\(prefix).attention.output.LayerNorm")
            linear("\(prefix).intermediate.dense", out: intermediateSize, in: h)
            linear("\(prefix).output.dense", out: h, in: intermediateSize)
            layerNorm("\(prefix).output.LayerNorm")
        }
        if heads.pooler { linear("pooler.dense", out: h, in: h) }
        if heads.maskedLM {
            linear("cls.predictions.transform.dense", out: h, in: h)
            layerNorm("cls.predictions.transform.LayerNorm")
            specs.append(ParameterSpec("cls.predictions.bias", [vocabSize]))
        }
        if heads.nextSentence { linear("cls.seq_relationship", out: 2, in: h) }
        if let labels = heads.classifierLabels { linear("classifier", out: labels, in: h) }
        if heads.questionAnswering { linear("qa_outputs", out: 2, in: h) }
        return specs
    }

    /// Number of parameters of a model with `heads` (the MLM decoder is tied to the word embeddings and not
    /// counted twice). BERT-Base with its pooler: 109,482,240; BERT-Large: 335,141,888.
    public func parameterCount(heads: BertHeads = .encoder) -> Int {
        parameterSpecs(heads: heads).reduce(0) { $0 + $1.count }
    }
}
