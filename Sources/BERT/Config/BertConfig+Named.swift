import Foundation

extension BertConfig {
    /// The model names the tools accept for an architecture: the named sizes and all-MiniLM-L6-v2's shape.
    public static let shapeNames = BertSize.allCases.map(\.rawValue) + ["minilm"]

    /// The architecture `name` stands for — a named size, "minilm" (all-MiniLM-L6-v2: 6 layers, H 384, 12 heads,
    /// intermediate 1536, erf GELU) or a folder with config.json / bert_config.json — or nil when it is none.
    public static func shape(named name: String) throws -> BertConfig? {
        if let size = BertSize(rawValue: name.lowercased()) { return BertConfig(size: size) }
        if name.lowercased() == "minilm" {
            return BertConfig(vocabSize: 30522, hiddenSize: 384, numHiddenLayers: 6, numAttentionHeads: 12,
                              intermediateSize: 1536, activation: .erf)
        }
        for file in ["config.json", "bert_config.json"] {
            let path = URL(fileURLWithPath: name).appendingPathComponent(file).path
            if FileManager.default.fileExists(atPath: path) { return try BertConfig.read(contentsOf: path) }
        }
        return nil
    }
}
