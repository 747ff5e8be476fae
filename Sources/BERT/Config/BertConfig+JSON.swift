import Foundation

extension BertConfig {
    /// Reads `bert_config.json` or `config.json`. The dialect (what "gelu" means) follows the file name unless
    /// given: `bert_config.json` is Google's, anything else HuggingFace's. The result is validated.
    public static func read(contentsOf path: String, dialect: ConfigDialect? = nil) throws -> BertConfig {
        try parse(try FileBytes.read(path), file: path, dialect: dialect ?? .inferred(fromFileName: path))
    }

    /// Parses configuration JSON; `file` names the source in errors.
    public static func parse(_ data: Data, file: String, dialect: ConfigDialect) throws -> BertConfig {
        let fields = try JSONFields(try JSONValue.parse(data, file: file), file: file)
        if let modelType = try fields.optionalString("model_type"), modelType != "bert" {
            throw fields.fail("model_type", "expected \"bert\", got \"\(modelType)\"", kind: .invalidConfig)
        }
        if let embedding = try fields.optionalString("position_embedding_type"), embedding != "absolute" {
            throw fields.fail("position_embedding_type",
                              "only \"absolute\" position embeddings are supported, got \"\(embedding)\"",
                              kind: .invalidConfig)
        }
        let act = try fields.string("hidden_act")
        guard let activation = dialect.activation(named: act) else {
            let accepted = dialect.acceptedActivations.map { "\"\($0)\"" }.joined(separator: ", ")
            throw fields.fail("hidden_act", "unknown activation \"\(act)\" in a \(dialect.fileDescription); "
                                + "expected one of \(accepted)", kind: .invalidConfig)
        }
        let config = BertConfig(
            vocabSize: try fields.int("vocab_size"),
            hiddenSize: try fields.int("hidden_size"),
            numHiddenLayers: try fields.int("num_hidden_layers"),
            numAttentionHeads: try fields.int("num_attention_heads"),
            intermediateSize: try fields.int("intermediate_size"),
            activation: activation,
            hiddenDropoutProb: try fields.optionalDouble("hidden_dropout_prob") ?? Defaults.hiddenDropoutProb,
            attentionProbsDropoutProb: try fields.optionalDouble("attention_probs_dropout_prob") ?? Defaults.attentionProbsDropoutProb,
            maxPositionEmbeddings: try fields.optionalInt("max_position_embeddings") ?? Defaults.maxPositionEmbeddings,
            typeVocabSize: try fields.optionalInt("type_vocab_size") ?? Defaults.typeVocabSize,
            initializerRange: try fields.optionalDouble("initializer_range") ?? Defaults.initializerRange,
            layerNormEps: try fields.optionalDouble("layer_norm_eps") ?? Defaults.layerNormEps,
            padTokenId: try fields.optionalInt("pad_token_id"),
            labels: try readLabels(fields),
            problemType: try readProblemType(fields))
        try config.validate(file: file)
        return config
    }

    /// `problem_type`: one of transformers' three names, or absent (null counts as absent, as transformers writes it).
    private static func readProblemType(_ fields: JSONFields) throws -> ProblemType? {
        guard let name = try fields.optionalString("problem_type") else { return nil }
        guard let type = ProblemType(rawValue: name) else {
            let accepted = ProblemType.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw fields.fail("problem_type", "expected one of \(accepted), got \"\(name)\"", kind: .invalidConfig)
        }
        return type
    }

    /// `id2label` (keys "0"…"n-1") wins; `num_labels` alone gives LABEL_0…; both must agree.
    private static func readLabels(_ fields: JSONFields) throws -> [String]? {
        let count = try fields.optionalInt("num_labels")
        guard fields.has("id2label"), let value = fields.members["id2label"] else {
            guard let count else { return nil }
            guard count > 0, count <= 1 << 20 else {
                throw fields.fail("num_labels", "must be between 1 and 1048576, got \(count)", kind: .invalidConfig)
            }
            return (0..<count).map { "LABEL_\($0)" }
        }
        guard case .object(let members) = value else {
            throw fields.fail("id2label", "expected an object mapping ids to label names, found \(value.typeName)")
        }
        var labels = [String?](repeating: nil, count: members.count)
        for (key, name) in members {
            guard let id = Int(key), labels.indices.contains(id), labels[id] == nil else {
                throw fields.fail("id2label", "keys must be the ids 0…\(members.count - 1), found \"\(key)\"",
                                  kind: .invalidConfig)
            }
            guard case .string(let label) = name else {
                throw fields.fail("id2label", "label \(key) must be a string, found \(name.typeName)")
            }
            labels[id] = label
        }
        let result = labels.compactMap { $0 }
        if let count, count != result.count {
            throw fields.fail("num_labels", "is \(count) but id2label names \(result.count) labels", kind: .invalidConfig)
        }
        return result
    }

    /// The HuggingFace `config.json` for this configuration: `hidden_act` is `"gelu"` for erf and `"gelu_new"` for
    /// tanh, `architectures` names the model class transformers should build.
    public func huggingFaceJSON(architecture: String) -> String {
        var members: [String: JSONValue] = [
            "architectures": .array([.string(architecture)]),
            "attention_probs_dropout_prob": .number(attentionProbsDropoutProb),
            "hidden_act": .string(ConfigDialect.huggingFace.activationName(activation) ?? "gelu"),
            "hidden_dropout_prob": .number(hiddenDropoutProb),
            "hidden_size": .integer(Int64(hiddenSize)),
            "initializer_range": .number(initializerRange),
            "intermediate_size": .integer(Int64(intermediateSize)),
            "layer_norm_eps": .number(layerNormEps),
            "max_position_embeddings": .integer(Int64(maxPositionEmbeddings)),
            "model_type": .string("bert"),
            "num_attention_heads": .integer(Int64(numAttentionHeads)),
            "num_hidden_layers": .integer(Int64(numHiddenLayers)),
            "position_embedding_type": .string("absolute"),
            "torch_dtype": .string("float32"),
            "type_vocab_size": .integer(Int64(typeVocabSize)),
            "vocab_size": .integer(Int64(vocabSize)),
        ]
        if let padTokenId { members["pad_token_id"] = .integer(Int64(padTokenId)) }
        if let problemType { members["problem_type"] = .string(problemType.rawValue) }
        if let labels {
            var id2label: [String: JSONValue] = [:]
            var label2id: [String: JSONValue] = [:]
            for (id, label) in labels.enumerated() {
                id2label[String(id)] = .string(label)
                label2id[label] = .integer(Int64(id))
            }
            members["id2label"] = .object(id2label)
            members["label2id"] = .object(label2id)
        }
        return JSONWriter.pretty(.object(members))
    }
}

extension ConfigDialect {
    var fileDescription: String {
        switch self {
        case .google: return "Google bert_config.json"
        case .huggingFace: return "HuggingFace config.json"
        }
    }
}
