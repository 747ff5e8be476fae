import Foundation

/// A BERT checkpoint opened for reading, whatever its format: a HuggingFace folder or `.safetensors` file
/// (F32, F16 or BF16; with or without the `bert.` prefix) or a Google TensorFlow checkpoint. Tensors are listed
/// under canonical names (see `HuggingFaceNames`) and shapes ([out, in] for linear weights); TensorFlow kernels
/// are transposed on read. Files are memory-mapped; nothing is read until asked for.
///
/// ```swift
/// let checkpoint = try Checkpoint.open("uncased_L-12_H-768_A-12")     // folder, .index or prefix
/// let config = try checkpoint.requireConfig()                          // bert_config.json beside it
/// let layout = ParameterLayout(config.parameterSpecs(heads: checkpoint.heads))
/// var weights = [Float](repeating: 0, count: layout.totalCount)
/// try weights.withUnsafeMutableBufferPointer { try checkpoint.load(layout, into: $0) }
/// ```
public final class Checkpoint: @unchecked Sendable {
    /// The on-disk format a checkpoint was read from.
    public enum Format: String, Sendable {
        case safetensors
        case tensorFlow = "tensorflow"
    }

    /// A parameter tensor as SwiftBERT sees it.
    public struct Tensor: Sendable {
        /// Canonical name.
        public let name: String
        /// Name in the file.
        public let sourceName: String
        /// The file holding the bytes.
        public let file: String
        /// Stored element type (read as Float32).
        public let dtype: TensorDType
        /// Canonical shape ([out, in] for linear weights).
        public let shape: [Int]
        /// Shape as stored ([in, out] for a TensorFlow kernel).
        public let storedShape: [Int]
        /// True when reading transposes the stored tensor.
        public let transposed: Bool
        let storage: Int

        /// Number of elements.
        public var count: Int { shape.reduce(1, *) }
        /// Bytes in the file.
        public var storedBytes: Int { count * dtype.size }
    }

    /// A stored tensor that is not loaded: skipped on purpose, or not recognized.
    public struct OtherTensor: Sendable {
        /// Name in the file.
        public let sourceName: String
        /// The stored dtype's name (`F32`, `I64`, `DT_INT64`…).
        public let dtype: String
        public let shape: [Int]
        /// Why it is not loaded.
        public let reason: String
    }

    enum Storage {
        case safetensors(SafetensorsFile)
        case tensorFlow(TensorBundle)

        func bytes(of name: String) throws -> UnsafeRawBufferPointer {
            switch self {
            case .safetensors(let file): return try file.bytes(of: name)
            case .tensorFlow(let bundle): return try bundle.bytes(of: name)
            }
        }
    }

    /// How the tensors are stored.
    public let format: Format
    /// The path that was opened.
    public let location: String
    /// The folder holding the config and vocabulary.
    public let folder: String
    /// The configuration beside the tensors (bert_config.json for TensorFlow, config.json otherwise), if any.
    public let config: BertConfig?
    /// The file `config` was read from.
    public let configFile: String?
    /// vocab.txt beside the tensors, if any (its token count is checked against the config).
    public let vocabulary: VocabularyFile?
    /// `do_lower_case` from tokenizer_config.json, if the folder has one.
    public let doLowerCase: Bool?
    /// Parameter tensors in file order.
    public let tensors: [Tensor]
    /// Tensors skipped on purpose: optimizer slots, step counters, buffers, tied copies.
    public let skipped: [OtherTensor]
    /// Tensors whose names SwiftBERT does not know (not loaded; `bert inspect` lists them).
    public let unrecognized: [OtherTensor]
    let storages: [Storage]
    private let indexByName: [String: Int]

    init(format: Format, location: String, folder: String, storages: [Storage], tensors: [Tensor],
                 skipped: [OtherTensor], unrecognized: [OtherTensor]) throws {
        self.format = format
        self.location = location
        self.folder = folder
        self.storages = storages
        self.tensors = tensors
        self.skipped = skipped
        self.unrecognized = unrecognized
        var index: [String: Int] = [:]
        for (i, tensor) in tensors.enumerated() { index[tensor.name] = i }
        self.indexByName = index

        let fm = FileManager.default
        let configName = format == .tensorFlow ? "bert_config.json" : "config.json"
        let configPath = folder + "/" + configName
        if fm.fileExists(atPath: configPath) {
            config = try BertConfig.read(contentsOf: configPath)
            configFile = configPath
        } else {
            config = nil
            configFile = nil
        }
        let vocabPath = folder + "/vocab.txt"
        vocabulary = fm.fileExists(atPath: vocabPath) ? try VocabularyFile(contentsOf: vocabPath) : nil
        if let vocabulary, let config, let configFile { try vocabulary.check(against: config, configFile: configFile) }
        let tokenizerPath = folder + "/tokenizer_config.json"
        if fm.fileExists(atPath: tokenizerPath) {
            doLowerCase = try JSONFields(try JSONValue.read(contentsOf: tokenizerPath), file: tokenizerPath)
                .optionalBool("do_lower_case")
        } else {
            doLowerCase = nil
        }
    }

    /// Opens a checkpoint: a HuggingFace folder or `.safetensors` file, or a TensorFlow folder, `.index` file or
    /// prefix. Reads the config, vocabulary and tokenizer_config.json beside it when present.
    public static func open(_ path: String) throws -> Checkpoint {
        let location = try CheckpointLocation(path)
        switch location.kind {
        case .safetensors(let files):
            return try openSafetensors(files, location: path, folder: location.folder)
        case .tensorFlow(let prefix):
            return try openTensorFlow(prefix, location: path, folder: location.folder)
        }
    }

    // MARK: Queries

    /// A tensor by canonical name.
    public func tensor(_ name: String) -> Tensor? {
        indexByName[name].map { tensors[$0] }
    }

    /// The heads whose parameters the checkpoint holds.
    public var heads: BertHeads {
        BertHeads(detectingIn: tensors.map(\.name), rows: { self.tensor($0)?.shape.first })
    }

    /// Parameters stored (tied copies and skipped tensors not counted).
    public var parameterCount: Int { tensors.reduce(0) { $0 + $1.count } }

    /// The configuration, or an error naming the file that should hold it.
    public func requireConfig() throws -> BertConfig {
        guard let config else {
            let name = format == .tensorFlow ? "bert_config.json" : "config.json"
            throw CheckpointError(.notFound, file: folder + "/" + name, "no configuration beside the checkpoint")
        }
        return config
    }

    // MARK: Reading

    /// Reads a tensor by canonical name as Float32 in canonical layout into `destination`, which must hold
    /// exactly its element count. TensorFlow tensors are checked against their CRC.
    public func read(_ name: String, into destination: UnsafeMutableBufferPointer<Float>) throws {
        guard let tensor = tensor(name) else {
            throw CheckpointError(.missingTensor, file: location, subject: "tensor '\(name)'", "not in the checkpoint")
        }
        guard destination.count == tensor.count else {
            throw CheckpointError(.shapeMismatch, file: tensor.file, subject: "tensor '\(name)'",
                                  "has \(tensor.count) elements (shape \(tensor.shape)), the destination holds \(destination.count)")
        }
        let bytes = try storages[tensor.storage].bytes(of: tensor.sourceName)
        guard tensor.transposed, tensor.storedShape.count == 2 else {
            tensor.dtype.convertToFloat(bytes, into: destination)
            return
        }
        let rows = tensor.storedShape[0], columns = tensor.storedShape[1]
        let stored = [Float](unsafeUninitializedCapacity: tensor.count) { buffer, initialized in
            tensor.dtype.convertToFloat(bytes, into: buffer)
            initialized = tensor.count
        }
        stored.withUnsafeBufferPointer { source in
            guard let s = source.baseAddress, let d = destination.baseAddress else { return }
            for row in 0..<rows {
                for column in 0..<columns { d[column * rows + row] = s[row * columns + column] }
            }
        }
    }

    /// Reads a tensor by canonical name as Float32 in canonical layout.
    public func readFloats(_ name: String) throws -> [Float] {
        guard let tensor = tensor(name) else {
            throw CheckpointError(.missingTensor, file: location, subject: "tensor '\(name)'", "not in the checkpoint")
        }
        return try [Float](unsafeUninitializedCapacity: tensor.count) { buffer, initialized in
            try read(name, into: buffer)
            initialized = tensor.count
        }
    }
}
