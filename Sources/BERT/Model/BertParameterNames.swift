/// Canonical parameter names of the encoder, built in one place so the layers and the store agree.
enum BertParameterNames {
    static func layer(_ l: Int) -> String { "encoder.layer.\(l)" }
    static func query(_ l: Int, _ part: String) -> String { "\(layer(l)).attention.self.query.\(part)" }
    static func key(_ l: Int, _ part: String) -> String { "\(layer(l)).attention.self.key.\(part)" }
    static func value(_ l: Int, _ part: String) -> String { "\(layer(l)).attention.self.value.\(part)" }
    static func attentionOutput(_ l: Int, _ part: String) -> String { "\(layer(l)).attention.output.dense.\(part)" }
    static func attentionNorm(_ l: Int, _ part: String) -> String { "\(layer(l)).attention.output.LayerNorm.\(part)" }
    static func intermediate(_ l: Int, _ part: String) -> String { "\(layer(l)).intermediate.dense.\(part)" }
    static func output(_ l: Int, _ part: String) -> String { "\(layer(l)).output.dense.\(part)" }
    static func outputNorm(_ l: Int, _ part: String) -> String { "\(layer(l)).output.LayerNorm.\(part)" }

    static let wordEmbeddings = "embeddings.word_embeddings.weight"
    static let positionEmbeddings = "embeddings.position_embeddings.weight"
    static let typeEmbeddings = "embeddings.token_type_embeddings.weight"
    static func embeddingNorm(_ part: String) -> String { "embeddings.LayerNorm.\(part)" }
    static func pooler(_ part: String) -> String { "pooler.dense.\(part)" }

    /// The layer number of an `encoder.layer.N.…` name.
    static func layerIndex(_ name: String) -> Int? {
        guard name.hasPrefix("encoder.layer.") else { return nil }
        return Int(name.dropFirst("encoder.layer.".count).prefix { $0.isNumber })
    }
}
