import Compute

/// Who wrote a configuration file — which decides what `hidden_act: "gelu"` means.
///
/// The GELU trap: in Google's `bert_config.json`, `"gelu"` is the tanh approximation (modeling.py); in
/// HuggingFace's `config.json`, `"gelu"` is the exact erf form and the tanh approximation is `"gelu_new"`
/// (also `"gelu_pytorch_tanh"`, `"gelu_fast"`, `"gelu_accurate"`). A converted Google checkpoint must
/// therefore be written with `"gelu_new"`.
public enum ConfigDialect: String, Sendable, CaseIterable {
    /// Google's `bert_config.json`.
    case google
    /// HuggingFace transformers' `config.json`.
    case huggingFace

    /// The dialect implied by a file name: `bert_config.json` is Google's, anything else HuggingFace's.
    public static func inferred(fromFileName path: String) -> ConfigDialect {
        path.split(separator: "/").last == "bert_config.json" ? .google : .huggingFace
    }

    /// The GELU a `hidden_act` value means in this dialect, or nil for an activation SwiftBERT does not have.
    public func activation(named name: String) -> GELUKind? {
        switch (self, name) {
        case (.google, "gelu"): return .tanh
        case (.huggingFace, "gelu"), (.huggingFace, "gelu_python"): return .erf
        case (.huggingFace, "gelu_new"), (.huggingFace, "gelu_pytorch_tanh"), (.huggingFace, "gelu_fast"),
             (.huggingFace, "gelu_accurate"):
            return .tanh
        default: return nil
        }
    }

    /// The `hidden_act` values this dialect accepts, for error messages.
    public var acceptedActivations: [String] {
        switch self {
        case .google: return ["gelu"]
        case .huggingFace: return ["gelu", "gelu_python", "gelu_new", "gelu_pytorch_tanh", "gelu_fast", "gelu_accurate"]
        }
    }

    /// The `hidden_act` value to write for a GELU in this dialect (HF: erf → "gelu", tanh → "gelu_new").
    public func activationName(_ kind: GELUKind) -> String? {
        switch (self, kind) {
        case (.huggingFace, .erf): return "gelu"
        case (.huggingFace, .tanh): return "gelu_new"
        case (.google, .tanh): return "gelu"
        case (.google, .erf): return nil
        }
    }
}
