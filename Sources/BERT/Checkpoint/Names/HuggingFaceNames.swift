/// HuggingFace / PyTorch parameter names → canonical names.
///
/// Canonical names are HuggingFace's without the `bert.` prefix (`encoder.layer.0.output.dense.weight`), with
/// heads under their own names (`cls.predictions.bias`, `classifier.weight`…). Old-style `LayerNorm.gamma` /
/// `LayerNorm.beta` become `.weight` / `.bias`.
public enum HuggingFaceNames {
    /// Buffers transformers may save beside the parameters.
    static let buffers: Set<String> = ["embeddings.position_ids", "embeddings.token_type_ids"]

    /// What a safetensors tensor name means (the `bert.` prefix and old LayerNorm names are accepted).
    public static func map(_ stored: String) -> NameMapping {
        var name = stored
        if name.hasPrefix("bert.") { name.removeFirst("bert.".count) }
        if buffers.contains(name) { return .skipped(reason: "buffer, not a parameter") }
        if name == "cls.predictions.decoder.weight" {
            return .skipped(reason: "tied to embeddings.word_embeddings.weight")
        }
        if name == "cls.predictions.decoder.bias" { return .parameter("cls.predictions.bias", transposed: false) }
        if name.hasSuffix("LayerNorm.gamma") {
            name = String(name.dropLast("gamma".count)) + "weight"
        } else if name.hasSuffix("LayerNorm.beta") {
            name = String(name.dropLast("beta".count)) + "bias"
        }
        return .parameter(name, transposed: false)
    }

    /// The name transformers expects for a canonical name in a model with heads (`BertFor…`): the encoder and
    /// pooler get the `bert.` prefix, the heads keep theirs. A bare `BertModel` uses canonical names as they are.
    public static func stored(_ canonical: String, withHeads: Bool) -> String {
        guard withHeads else { return canonical }
        let heads = ["cls.", "classifier.", "qa_outputs."]
        return heads.contains(where: canonical.hasPrefix) ? canonical : "bert." + canonical
    }
}
