import Foundation

/// A `vocab.txt` kept as its exact bytes (so a converted checkpoint carries it unchanged), with its token
/// count: one token per line, id = line number, as Google's and HuggingFace's tokenizers read it.
public struct VocabularyFile: Sendable, Equatable {
    /// The file's bytes.
    public let data: Data
    /// Tokens (lines) in the file.
    public let tokenCount: Int
    /// Where it was read from, if it was.
    public let path: String?

    /// Reads a vocabulary file.
    public init(contentsOf path: String) throws {
        let data = try FileBytes.read(path)
        guard !data.isEmpty else { throw CheckpointError(.malformed, file: path, "the vocabulary is empty") }
        self.init(data: data, path: path)
    }

    /// A vocabulary from tokens in id order.
    public init(tokens: [String]) {
        self.init(data: Data(tokens.map { $0 + "\n" }.joined().utf8), path: nil)
    }

    private init(data: Data, path: String?) {
        self.data = data
        self.path = path
        let newlines = data.reduce(0) { $0 + ($1 == UInt8(ascii: "\n") ? 1 : 0) }
        self.tokenCount = newlines + (data.last.map { $0 == UInt8(ascii: "\n") ? 0 : 1 } ?? 0)
    }

    /// True when no token has an upper-case letter outside the bracketed special tokens ([CLS], [unused0]…): the
    /// vocabulary of an uncased model, whose tokenizer lower-cases.
    public var looksUncased: Bool {
        let text = String(decoding: data, as: UTF8.self)
        for line in text.split(separator: "\n") {
            let token = line.trimmingCharacters(in: .whitespaces)
            if token.hasPrefix("["), token.hasSuffix("]") { continue }
            if token.contains(where: { $0.isUppercase }) { return false }
        }
        return true
    }

    /// Checks the token count against a configuration's vocab_size; the error names both files.
    public func check(against config: BertConfig, configFile: String) throws {
        guard tokenCount == config.vocabSize else {
            throw CheckpointError(.vocabularyMismatch, file: path ?? "vocab.txt",
                                  "has \(tokenCount) tokens but \(configFile) says vocab_size \(config.vocabSize)")
        }
    }
}
