import Compute
import Foundation

/// What a trainer needs to resume, stored beside the model in the same checkpoint folder but in files of its
/// own, so the model files stay loadable by anyone:
/// - `optimizer.safetensors`: optimizer tensors (Float32), named after their parameters, e.g.
///   `encoder.layer.0.output.dense.weight.adam_m` (see `slotName(parameter:slot:)`);
/// - `trainer_state.json`: the step and an opaque JSON value the trainer owns (RNG state, data position,
///   schedule, metrics…).
///
/// ```swift
/// let state = TrainingState(step: 1000, state: .object(["data_position": .integer(51200)]),
///                           optimizerTensors: moments)
/// try CheckpointFolder(config: config, tensors: weights, vocabulary: vocab, trainingState: state)
///     .write(to: "runs/mrpc/step-1000")
/// let resumed = try TrainingState.load(from: "runs/mrpc/step-1000")   // nil if the folder has none
/// try resumed?.optimizer?.read("pooler.dense.weight.adam_m", into: buffer)
/// ```
public struct TrainingState {
    /// File names inside a checkpoint folder.
    public static let optimizerFileName = "optimizer.safetensors"
    public static let stateFileName = "trainer_state.json"
    static let formatName = "swiftbert-trainer-state"
    static let formatVersion: Int64 = 1

    /// Optimizer steps taken.
    public var step: Int
    /// The trainer's own state, stored as given. Store 64-bit unsigned values (RNG keys) as strings.
    public var state: JSONValue
    /// Optimizer tensors to write to `optimizer.safetensors` (none: the file is not written).
    public var optimizerTensors: [TensorPayload]

    /// A training state at `step`; `state` is stored as given.
    public init(step: Int, state: JSONValue = .object([:]), optimizerTensors: [TensorPayload] = []) {
        self.step = step
        self.state = state
        self.optimizerTensors = optimizerTensors
    }

    /// The name of an optimizer slot tensor for a parameter: `"\(parameter).\(slot)"`.
    public static func slotName(parameter: String, slot: String) -> String { "\(parameter).\(slot)" }

    /// The contents of `trainer_state.json`.
    func stateJSON() -> String {
        JSONWriter.pretty(.object(["format": .string(Self.formatName), "version": .integer(Self.formatVersion),
                                   "step": .integer(Int64(step)), "state": state]))
    }

    /// Writes the files into `folder` (which must exist), each atomically; `trainer_state.json` goes last. With
    /// no optimizer tensors, an `optimizer.safetensors` left from an earlier save is removed.
    /// For a model and its training state replaced together, use `CheckpointFolder.write(to:replacing:)`.
    public func save(to folder: String) throws {
        let optimizerPath = folder + "/" + Self.optimizerFileName
        if optimizerTensors.isEmpty {
            if unlink(optimizerPath) != 0, errno != ENOENT {
                throw CheckpointError(.io, file: optimizerPath, "cannot remove: \(String(cString: strerror(errno)))")
            }
        } else {
            try SafetensorsWriter.write(optimizerTensors, metadata: ["format": "pt", "content": "optimizer"],
                                        to: optimizerPath)
        }
        try AtomicFile.write(Data(stateJSON().utf8), to: folder + "/" + Self.stateFileName)
    }

    /// Reads the training state of a checkpoint folder; nil when it has no `trainer_state.json`.
    public static func load(from folder: String) throws -> SavedTrainingState? {
        let statePath = folder + "/" + stateFileName
        guard FileManager.default.fileExists(atPath: statePath) else { return nil }
        let fields = try JSONFields(try JSONValue.read(contentsOf: statePath), file: statePath)
        let format = try fields.string("format")
        guard format == formatName else {
            throw fields.fail("format", "expected \"\(formatName)\", got \"\(format)\"", kind: .malformed)
        }
        let version = try fields.int("version")
        guard version == formatVersion else {
            throw fields.fail("version", "expected \(formatVersion), got \(version)", kind: .unsupported)
        }
        let step = try fields.int("step")
        guard step >= 0 else { throw fields.fail("step", "must be ≥ 0, got \(step)", kind: .malformed) }
        let optimizerPath = folder + "/" + optimizerFileName
        let optimizer = FileManager.default.fileExists(atPath: optimizerPath) ? try SafetensorsFile(path: optimizerPath) : nil
        return SavedTrainingState(step: step, state: fields.members["state"] ?? .null, optimizer: optimizer)
    }
}

/// A training state read back from a checkpoint folder. Optimizer tensors stay in the memory-mapped file and
/// are read by name into the caller's buffers.
public struct SavedTrainingState: Sendable {
    /// Optimizer steps taken.
    public let step: Int
    /// The trainer's own state, as saved.
    public let state: JSONValue
    /// `optimizer.safetensors`, when the checkpoint has one.
    public let optimizer: SafetensorsFile?
}
