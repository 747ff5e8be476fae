/// A checkpoint or configuration file that cannot be read, written or used.
///
/// Every error names the file, the tensor or field concerned (when there is one) and what was expected, e.g.
/// `model.safetensors: tensor 'pooler.dense.weight': data_offsets [0, 4096] hold 4096 bytes, but shape [32, 32]
/// of F32 needs 4096…`. `kind` lets code react to a class of failure without parsing the message.
public struct CheckpointError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The class of failure.
    public enum Kind: String, Sendable, Equatable {
        /// No such file or folder, or no checkpoint inside a folder.
        case notFound
        /// A file could not be opened, mapped, read or written.
        case io
        /// The file ends before a structure it declares.
        case truncated
        /// The bytes do not follow the format (bad magic, bad lengths, offsets out of range, overlaps…).
        case malformed
        /// A JSON document that does not parse, or a field of the wrong type.
        case invalidJSON
        /// A stored checksum does not match the bytes.
        case checksumMismatch
        /// A dtype the format or SwiftBERT does not support for this tensor.
        case unsupportedDType
        /// A feature of the format SwiftBERT does not read (compressed blocks, sliced variables…).
        case unsupported
        /// A configuration value that is missing, out of range or unknown.
        case invalidConfig
        /// A tensor the configuration needs is absent.
        case missingTensor
        /// A tensor whose shape differs from what the configuration implies.
        case shapeMismatch
        /// vocab.txt and the configuration's vocab_size disagree.
        case vocabularyMismatch
        /// A tensor name that is not in the checkpoint.
        case unknownTensor
    }

    /// The class of failure.
    public let kind: Kind
    /// The file concerned.
    public let file: String
    /// The tensor or field concerned, quoted in the message (e.g. `tensor 'pooler.dense.weight'`).
    public let subject: String?
    /// What is wrong and what was expected.
    public let message: String

    /// An error of `kind` about `file`, optionally naming the tensor or field (`subject`).
    public init(_ kind: Kind, file: String, subject: String? = nil, _ message: String) {
        self.kind = kind
        self.file = file
        self.subject = subject
        self.message = message
    }

    public var description: String {
        if let subject { return "\(file): \(subject): \(message)" }
        return "\(file): \(message)"
    }
}
