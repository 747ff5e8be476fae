import BERT
import Compute
import Foundation

extension Trainer {
    /// The state a resumed run needs besides weights and moments.
    func trainingState(step: Int) throws -> TrainingState {
        var state: [String: JSONValue] = [
            "seed": .string(String(config.seed)), "batch_size": .integer(Int64(config.batchSize)),
            "data_position": .integer(Int64(step * config.batchSize)),
            "learning_rate": .number(Double(config.learningRate)), "optimizer": .string(config.optimizer.rawValue),
        ]
        if let bestTracker { state["best"] = bestTracker.json }
        if let stopReason { state["stopped_early"] = .string(stopReason) }
        return TrainingState(step: step, state: .object(state), optimizerTensors: try optimizer.stateTensors())
    }

    /// The model's tensors as checkpoint payloads, read from the device when written.
    func modelTensors() -> [TensorPayload] {
        parameters.specs.map { spec in
            TensorPayload(name: spec.name, shape: spec.shape) { [parameters] buffer in
                let values = try parameters.read(spec.name)
                _ = buffer.initialize(from: values)
            }
        }
    }

    func writeModel(to folder: String, trainingState: TrainingState?) throws {
        var config = files.config
        if let labels = parameters.heads.classifierLabels, config.labels?.count != labels {
            config.labels = (0..<labels).map { "LABEL_\($0)" }
        }
        try CheckpointFolder(config: config, tensors: modelTensors(), vocabulary: files.vocabulary,
                             doLowerCase: files.doLowerCase, trainingState: trainingState)
            .write(to: folder, replacing: true)
    }

    /// Writes `checkpoints/step-NNNNNN` atomically (model + optimizer state) and removes all but the newest
    /// `keepCheckpoints`. A failed write leaves `previous` (the newest checkpoint before this one) as it was, and
    /// says so.
    func saveCheckpoint(step: Int, previous: String?) throws -> String {
        let directory = config.outputDirectory + "/checkpoints"
        let folder = directory + String(format: "/step-%06d", step)
        try writing("the checkpoint of step \(step)", previous: previous) {
            try writeModel(to: folder, trainingState: try trainingState(step: step))
        }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory))?
            .filter { $0.hasPrefix("step-") && !$0.contains(".") }.sorted() ?? []
        for name in names.dropLast(config.keepCheckpoints) {
            try? FileManager.default.removeItem(atPath: directory + "/" + name)
        }
        return folder
    }

    /// Runs a write of `what`; a file-system failure becomes `TrainingError.write`, naming what was being written,
    /// the file, the system's reason and the checkpoint still intact.
    func writing(_ what: String, previous: String?, _ body: () throws -> Void) throws {
        do {
            try body()
        } catch let error where error is AtomicFileError || error is FolderError || (error as? CheckpointError)?.kind == .io {
            throw TrainingError.write(what: what, reason: "\(error)", lastCheckpoint: previous)
        }
    }

    /// Loads weights, moments and the step from a checkpoint folder written by `saveCheckpoint`.
    func restore(from folder: String) throws -> Int {
        guard let saved = try TrainingState.load(from: folder) else {
            throw TrainingError.resume("\(folder) has no \(TrainingState.stateFileName)")
        }
        guard case .object(let state) = saved.state, case .string(let seed)? = state["seed"],
              case .integer(let batch)? = state["batch_size"] else {
            throw TrainingError.resume("\(folder)/\(TrainingState.stateFileName) lacks seed or batch_size")
        }
        guard seed == String(config.seed), Int(batch) == config.batchSize else {
            throw TrainingError.resume("\(folder) was trained with seed \(seed) and batch size \(batch); this run uses \(config.seed) and \(config.batchSize)")
        }
        try parameters.load(from: try Checkpoint.open(folder))
        try optimizer.restore(from: saved)
        return saved.step
    }
}
