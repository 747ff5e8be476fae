/// Converts any checkpoint SwiftBERT reads (Google TensorFlow, HuggingFace safetensors in F32/F16/BF16, with or
/// without the `bert.` prefix) into a SwiftBERT / HuggingFace folder (`CheckpointFolder`).
///
/// A Google checkpoint's `"gelu"` is the tanh approximation, so its converted config.json says `"gelu_new"`.
public enum CheckpointConversion {
    /// How to convert.
    public struct Options: Sendable {
        /// Whether the tokenizer lower-cases; nil: from the source's tokenizer_config.json, else guessed from
        /// the vocabulary (no upper-case tokens → uncased).
        public var doLowerCase: Bool?
        /// Replace an existing destination folder.
        public var replacing: Bool

        /// Defaults: tokenizer casing from the source, never replace an existing folder.
        public init(doLowerCase: Bool? = nil, replacing: Bool = false) {
            self.doLowerCase = doLowerCase
            self.replacing = replacing
        }
    }

    /// What a conversion did.
    public struct Report: Sendable {
        public let sourceFormat: Checkpoint.Format
        public let heads: BertHeads
        /// The transformers class written to `architectures`.
        public let architecture: String
        /// The `hidden_act` written to config.json.
        public let hiddenAct: String
        public let parameterCount: Int
        public let tensorCount: Int
        public let doLowerCase: Bool
        /// Where `doLowerCase` came from.
        public let doLowerCaseSource: String
        /// Tensors of the source that were not written (not parameters of the detected model).
        public let dropped: [String]
        /// Tensors skipped on purpose (optimizer slots, buffers…) or unrecognized in the source.
        public let skipped: Int
        public let unrecognized: [String]
    }

    /// Converts the checkpoint at `source` into a folder at `destination`.
    public static func convert(from source: String, to destination: String, options: Options = Options()) throws -> Report {
        let checkpoint = try Checkpoint.open(source)
        let config = try checkpoint.requireConfig()
        guard let vocabulary = checkpoint.vocabulary else {
            throw CheckpointError(.notFound, file: checkpoint.folder + "/vocab.txt", "no vocabulary beside the checkpoint")
        }
        let heads = checkpoint.heads
        let specs = config.parameterSpecs(heads: heads)
        try checkpoint.requireAll(specs)
        let lowerCase: (Bool, String)
        if let given = options.doLowerCase {
            lowerCase = (given, "given")
        } else if let stored = checkpoint.doLowerCase {
            lowerCase = (stored, "tokenizer_config.json")
        } else {
            lowerCase = (vocabulary.looksUncased, "guessed from vocab.txt")
        }
        let folder = CheckpointFolder(config: config, tensors: checkpoint.payloads(specs), vocabulary: vocabulary,
                                      doLowerCase: lowerCase.0)
        try folder.write(to: destination, replacing: options.replacing)
        return Report(sourceFormat: checkpoint.format, heads: heads, architecture: heads.architecture,
                      hiddenAct: ConfigDialect.huggingFace.activationName(config.activation) ?? "gelu",
                      parameterCount: specs.reduce(0) { $0 + $1.count }, tensorCount: specs.count,
                      doLowerCase: lowerCase.0, doLowerCaseSource: lowerCase.1,
                      dropped: checkpoint.match(specs).unexpected, skipped: checkpoint.skipped.count,
                      unrecognized: checkpoint.unrecognized.map(\.sourceName))
    }
}
