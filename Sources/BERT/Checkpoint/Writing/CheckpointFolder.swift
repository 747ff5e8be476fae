import Compute
import Foundation

/// A SwiftBERT checkpoint folder, laid out so transformers loads it directly:
/// - `model.safetensors` (Float32; encoder names with the `bert.` prefix when heads are present),
/// - `config.json` (`hidden_act` "gelu" for erf, "gelu_new" for tanh; `architectures` from the heads:
///   BertModel, BertForPreTraining, BertForMaskedLM, BertForSequenceClassification…),
/// - `vocab.txt` (byte for byte) and `tokenizer_config.json`,
/// - optionally the training state (`optimizer.safetensors`, `trainer_state.json`, see `TrainingState`).
///
/// The folder is written as a whole: into a temporary sibling, each file synced, then renamed into place.
///
/// ```swift
/// let folder = CheckpointFolder(config: config, tensors: checkpoint.payloads(specs),
///                               vocabulary: vocab, doLowerCase: true)
/// try folder.write(to: "out/bert-base-uncased")
/// ```
public struct CheckpointFolder {
    /// File names inside a checkpoint folder.
    public static let modelFileName = "model.safetensors"
    public static let configFileName = "config.json"
    public static let vocabularyFileName = "vocab.txt"
    public static let tokenizerConfigFileName = "tokenizer_config.json"

    public var config: BertConfig
    /// Parameters under canonical names; they must be exactly those of `config` with the heads they imply.
    public var tensors: [TensorPayload]
    public var vocabulary: VocabularyFile
    /// Whether the tokenizer lower-cases (uncased models).
    public var doLowerCase: Bool
    public var trainingState: TrainingState?

    /// A folder's contents; nothing is written until `write(to:replacing:)`.
    public init(config: BertConfig, tensors: [TensorPayload], vocabulary: VocabularyFile, doLowerCase: Bool,
                trainingState: TrainingState? = nil) {
        self.config = config
        self.tensors = tensors
        self.vocabulary = vocabulary
        self.doLowerCase = doLowerCase
        self.trainingState = trainingState
    }

    /// The heads the tensors hold.
    public var heads: BertHeads {
        BertHeads(detectingIn: tensors.map(\.name), rows: { name in tensors.first { $0.name == name }?.shape.first })
    }

    /// Writes the folder at `path`. An existing folder is replaced (atomically) only when `replacing` is true.
    public func write(to path: String, replacing: Bool = false) throws {
        let heads = heads
        var config = config
        try checkContents(heads: heads, config: &config, destination: path)
        if FileManager.default.fileExists(atPath: path), !replacing {
            throw CheckpointError(.io, file: path, "already exists (pass replacing: true / --overwrite to replace it)")
        }
        let staging = try FolderSwap.makeStagingFolder(for: path)
        do {
            let withHeads = !heads.isBareEncoder
            let stored = tensors.map { tensor in
                TensorPayload(name: HuggingFaceNames.stored(tensor.name, withHeads: withHeads), shape: tensor.shape,
                              fill: tensor.fill)
            }
            try SafetensorsWriter.write(stored, to: staging + "/" + Self.modelFileName)
            try AtomicFile.write(Data(config.huggingFaceJSON(architecture: heads.architecture).utf8),
                                 to: staging + "/" + Self.configFileName)
            try AtomicFile.write(vocabulary.data, to: staging + "/" + Self.vocabularyFileName)
            try AtomicFile.write(Data(tokenizerConfigJSON().utf8), to: staging + "/" + Self.tokenizerConfigFileName)
            try trainingState?.save(to: staging)
            try FolderSwap.install(staging, at: path, replacing: replacing)
        } catch {
            try? FileManager.default.removeItem(atPath: staging)
            throw Self.naming(error, staging: staging, destination: path)
        }
    }

    /// A failed write inside the staging folder, told with the file's final name (`out/step-000010/model.safetensors:
    /// cannot sync: No space left on device`) rather than the temporary's.
    private static func naming(_ error: any Error, staging: String, destination: String) -> any Error {
        let final = { (path: String) in path.hasPrefix(staging) ? destination + path.dropFirst(staging.count) : path }
        switch error {
        case let error as AtomicFileError:
            return CheckpointError(.io, file: final(error.path), "cannot \(error.operation): \(error.reason)")
        case let error as FolderError:
            return CheckpointError(.io, file: final(error.path), "cannot create the folder: \(error.reason)")
        default:
            return error
        }
    }

    func tokenizerConfigJSON() -> String {
        JSONWriter.pretty(.object([
            "do_lower_case": .bool(doLowerCase),
            "model_max_length": .integer(Int64(config.maxPositionEmbeddings)),
            "tokenizer_class": .string("BertTokenizer"),
        ]))
    }

    /// The tensors must be exactly the parameters of `config` with `heads`; the vocabulary must match vocab_size;
    /// a classifier's label names come from the config or default to LABEL_i.
    private func checkContents(heads: BertHeads, config: inout BertConfig, destination: String) throws {
        let configFile = destination + "/" + Self.configFileName
        try config.validate(file: configFile)
        try vocabulary.check(against: config, configFile: configFile)
        if let labels = heads.classifierLabels {
            guard labels > 0 else {
                throw CheckpointError(.shapeMismatch, file: destination + "/" + Self.modelFileName,
                                      subject: "tensor 'classifier.weight'", "has no rows; a classifier needs at least one label")
            }
            if config.labels == nil { config.labels = (0..<labels).map { "LABEL_\($0)" } }
            if config.labels?.count != labels {
                throw CheckpointError(.shapeMismatch, file: configFile, subject: "field 'id2label'",
                                      "names \(config.labels?.count ?? 0) labels but classifier.weight has \(labels) rows")
            }
        }
        let modelFile = destination + "/" + Self.modelFileName
        var given: [String: [Int]] = [:]
        for tensor in tensors {
            guard given.updateValue(tensor.shape, forKey: tensor.name) == nil else {
                throw CheckpointError(.malformed, file: modelFile, subject: "tensor '\(tensor.name)'", "given twice")
            }
        }
        let specs = config.parameterSpecs(heads: heads)
        for spec in specs {
            guard let shape = given.removeValue(forKey: spec.name) else {
                throw CheckpointError(.missingTensor, file: modelFile, subject: "tensor '\(spec.name)'",
                                      "missing; a model with \(heads) needs it with shape \(spec.shape)")
            }
            guard shape == spec.shape else {
                throw CheckpointError(.shapeMismatch, file: modelFile, subject: "tensor '\(spec.name)'",
                                      "has shape \(shape), the configuration implies \(spec.shape)")
            }
        }
        if let extra = given.keys.sorted().first {
            throw CheckpointError(.unknownTensor, file: modelFile, subject: "tensor '\(extra)'",
                                  "is not a parameter of a model with \(heads)")
        }
    }
}
