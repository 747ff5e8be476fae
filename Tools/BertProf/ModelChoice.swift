import ArgumentParser
import BERT
import Foundation

/// `--model`: a named BERT size, all-MiniLM-L6-v2's shape, or a folder with a config file.
enum ModelChoice {
    /// The architecture `name` stands for; the error lists what is accepted.
    static func config(for name: String) throws -> BertConfig {
        guard let config = try BertConfig.shape(named: name) else {
            throw ValidationError("--model '\(name)' is neither a named size (\(BertConfig.shapeNames.joined(separator: ", "))) "
                                  + "nor a folder with config.json or bert_config.json")
        }
        return config
    }
}
