import BERT
import Compute
import Tokenizer
import Training

/// A model folder opened for a task: the encoder with the task's head on a device, the tokenizer, and the files
/// a fine-tuned checkpoint needs — what `bert finetune`, `bert predict` and `bert evaluate` share.
public struct TaskModel {
    public let checkpoint: Checkpoint
    public let tokenizer: WordPieceTokenizer
    public let encoder: BertEncoder
    public let head: TaskHead
    public let files: ModelFiles
    /// Head tensors the checkpoint lacked and that were freshly initialized (empty for a fine-tuned model).
    public let initializedHeads: [String]

    /// Opens `folder` and builds `kind`'s head for micro-batches of `batch` × `sequence` tokens.
    /// With `training`, gradients are allocated and missing head tensors are initialized from `seed`;
    /// without, every tensor must be in the checkpoint (a model fine-tuned for this task). `policy` is what the
    /// training encoder keeps for backward.
    public init(folder: String, kind: TaskHeadKind, device: any Device, batch: Int, sequence: Int, training: Bool,
                seed: UInt64 = TrainingDefaults.seed, policy: ActivationPolicy = .keepAll) throws {
        checkpoint = try Checkpoint.open(folder)
        var config = try checkpoint.requireConfig()
        guard sequence <= config.maxPositionEmbeddings else {
            throw TaskDataError.invalidSetting(name: "max-seq-length",
                expected: "at most the model's max_position_embeddings \(config.maxPositionEmbeddings), got \(sequence)")
        }
        guard let vocabulary = checkpoint.vocabulary else {
            throw TaskDataError.invalidSetting(name: "model", expected: "a folder with vocab.txt beside the weights: \(folder)")
        }
        tokenizer = try checkpoint.tokenizer()
        let spec = kind.spec, heads = spec.modelHeads
        kind.recordLabels(in: &config)
        if !training, let existing = checkpoint.tensor("classifier.weight")?.shape.first, existing != heads.classifierLabels {
            throw TaskDataError.invalidSetting(name: "model",
                expected: "a classifier with \(heads.classifierLabels ?? 0) outputs for this task; \(folder) has \(existing)")
        }
        let parameters = try ParameterStore(config: config, heads: heads, device: device, training: training)
        initializedHeads = try parameters.load(from: checkpoint, newHeadsSeed: training ? seed : nil)
        encoder = try BertEncoder(parameters: parameters, shape: EncoderShape(batch: batch, sequence: sequence),
                                  mode: training ? .training : .inference, policy: policy, output: spec.encoderOutput)
        head = try spec.makeHead(encoder: encoder)
        files = ModelFiles(config: config, vocabulary: vocabulary,
                           doLowerCase: checkpoint.doLowerCase ?? vocabulary.looksUncased)
    }

    /// The head's outputs for every feature (batched, no dropout).
    public func predict(_ features: [Feature]) throws -> [[Float]] {
        try FeaturePredictor(encoder: encoder, head: head).predict(features)
    }
}
