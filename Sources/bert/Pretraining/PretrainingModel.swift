import ArgumentParser
import BERT
import Compute
import Foundation
import Tasks
import Training

/// The model a pre-training run trains: parameters with the masked LM and next-sentence heads on the device,
/// continued from a checkpoint (its missing heads initialized) or initialized from a configuration, and the
/// files every written checkpoint carries (config, vocabulary, casing).
final class PretrainingModel {
    let config: BertConfig
    let parameters: ParameterStore
    let files: ModelFiles
    /// Tensors that did not come from a checkpoint (all of them for a run from scratch).
    let initialized: [String]

    /// What a run trains, resolved from the flags before any device is opened: the configuration, the vocabulary
    /// and its casing, and the checkpoint to continue (nil for a run from scratch).
    struct Definition {
        var config: BertConfig
        let vocabulary: VocabularyFile
        let doLowerCase: Bool
        let checkpoint: Checkpoint?

        init(initCheckpoint: String?, config name: String?, vocab: String?, doLowerCase: Bool) throws {
            var config: BertConfig
            let vocabulary: VocabularyFile
            var lowerCase = doLowerCase
            checkpoint = try initCheckpoint.map(Checkpoint.open)
            if let checkpoint {
                config = try checkpoint.requireConfig()
                guard let fileVocabulary = try vocab.map(VocabularyFile.init(contentsOf:)) ?? checkpoint.vocabulary else {
                    throw ValidationError("\(initCheckpoint!) has no vocab.txt; give --vocab")
                }
                vocabulary = fileVocabulary
                lowerCase = checkpoint.doLowerCase ?? vocabulary.looksUncased
            } else {
                guard let vocab else { throw ValidationError("--config needs --vocab (the vocabulary the shards were made with)") }
                vocabulary = try VocabularyFile(contentsOf: vocab)
                guard let named = try PretrainingModel.configuration(name ?? "") else {
                    throw ValidationError("--config '\(name ?? "")' is neither a size (\(BertSize.allCases.map(\.rawValue).joined(separator: ", "))) nor a config file or folder")
                }
                config = named
                // A named size takes the vocabulary's size; a config file must already agree with it.
                if BertSize(rawValue: (name ?? "").lowercased()) != nil { config.vocabSize = vocabulary.tokenCount }
            }
            try vocabulary.check(against: config, configFile: initCheckpoint ?? name ?? "")
            config.labels = nil
            self.config = config
            self.vocabulary = vocabulary
            self.doLowerCase = lowerCase
        }
    }

    /// Without `training` (evaluation) no gradients are allocated and every head must be in the checkpoint.
    init(_ definition: Definition, device: any Device, seed: UInt64, training: Bool = true) throws {
        config = definition.config
        parameters = try ParameterStore(config: config, heads: .preTraining, device: device, training: training)
        if let checkpoint = definition.checkpoint {
            initialized = try parameters.load(from: checkpoint, newHeadsSeed: training ? seed : nil)
        } else {
            try parameters.initialize(seed: seed)
            initialized = parameters.specs.map(\.name)
        }
        files = ModelFiles(config: config, vocabulary: definition.vocabulary, doLowerCase: definition.doLowerCase)
    }

    /// A named size, or a config.json / bert_config.json file or a folder holding one.
    static func configuration(_ name: String) throws -> BertConfig? {
        if BertSize(rawValue: name.lowercased()) != nil { return try BertConfig.shape(named: name) }
        var isFolder: ObjCBool = false
        if FileManager.default.fileExists(atPath: name, isDirectory: &isFolder), !isFolder.boolValue {
            return try BertConfig.read(contentsOf: name)
        }
        return try BertConfig.shape(named: name)
    }

    /// Shards must match the model's vocabulary and fit its positions.
    func check(_ data: PretrainingDataset, what: String) throws {
        guard data.vocabularySize == config.vocabSize else {
            throw ValidationError("the \(what) (\(data.files.first ?? "")) were made with a vocabulary of \(data.vocabularySize) tokens; the model has \(config.vocabSize)")
        }
        guard data.maxSeqLength <= config.maxPositionEmbeddings else {
            throw ValidationError("the \(what) have max_seq_length \(data.maxSeqLength), more than the model's max_position_embeddings \(config.maxPositionEmbeddings)")
        }
    }

    /// The step of a finished phase's model folder (`folder/model` with its training state), or nil.
    static func finishedStep(folder: String) throws -> Int? {
        guard FileManager.default.fileExists(atPath: folder + "/model") else { return nil }
        return try TrainingState.load(from: folder + "/model")?.step
    }
}
