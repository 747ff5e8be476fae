import BERT
import Compute
import Foundation
import Tokenizer
import Training
import XCTest
@testable import Tasks

/// The whole fine-tuning path on the fixture files with a tiny random model: task data → `TaskModel` (a fresh
/// head initialized) → `Trainer` → the saved model reloaded for prediction, for each head kind.
final class FineTuneEndToEndTests: XCTestCase {
    /// A random BERT over the fixture vocabulary, written as an HF-compatible folder.
    private func tinyModelFolder() throws -> String {
        let folder = try Fixtures.temporaryDirectory() + "/tiny-model"
        let vocabulary = try VocabularyFile(contentsOf: try Fixtures.path("vocab/vocab.txt"))
        let config = BertConfig(vocabSize: vocabulary.tokenCount, hiddenSize: 16, numHiddenLayers: 1, numAttentionHeads: 2,
                                intermediateSize: 24, activation: .erf, maxPositionEmbeddings: 128)
        let parameters = try ParameterStore(config: config, heads: .encoder, device: CPUDevice(), training: false)
        try parameters.initialize(seed: 3)
        let tensors = try parameters.specs.map { TensorPayload(name: $0.name, shape: $0.shape, values: try parameters.read($0.name)) }
        try CheckpointFolder(config: config, tensors: tensors, vocabulary: vocabulary, doLowerCase: true, trainingState: nil)
            .write(to: folder)
        return folder
    }

    private func train<D: TaskDataset>(_ dataset: D, model folder: String, sequence: Int) throws -> (TrainingSummary, Trainer) {
        let output = try Fixtures.temporaryDirectory()
        let model = try TaskModel(folder: folder, kind: dataset.head, device: CPUDevice(), batch: 2, sequence: sequence,
                                  training: true, seed: 7)
        XCTAssertFalse(model.initializedHeads.isEmpty, "a fresh head")
        var config = TrainerConfig(outputDirectory: output)
        config.batchSize = 4
        config.microBatchSize = 2
        config.epochs = 2
        config.learningRate = 1e-3
        let trainer = try Trainer(encoder: model.encoder, head: model.head, config: config, files: model.files)
        let summary = try trainer.train(dataset.features, evaluation: dataset.evaluation())
        XCTAssertTrue(summary.finalLoss.isFinite)
        XCTAssertEqual(summary.evaluationOutputs.count, dataset.features.count)
        // The saved model reloads with its head and predicts what the trainer predicted.
        let reloaded = try TaskModel(folder: summary.modelFolder, kind: dataset.head, device: CPUDevice(), batch: 3,
                                     sequence: sequence, training: false)
        XCTAssertTrue(reloaded.initializedHeads.isEmpty)
        let outputs = try reloaded.predict(dataset.features)
        let comparison = Comparison(outputs.flatMap { $0 }, summary.evaluationOutputs.flatMap { $0 }, atol: 1e-5, rtol: 1e-4)
        XCTAssertTrue(comparison.passed, "reloaded model: \(comparison)")
        return (summary, trainer)
    }

    func testClassificationNERAndSQuAD() throws {
        let folder = try tinyModelFolder()
        let tokenizer = try Checkpoint.open(folder).tokenizer()
        let sst = try GLUEData.load(.sst2, split: .dev, directory: try Fixtures.path("glue/SST-2"), tokenizer: tokenizer,
                                    options: TaskOptions(maxSequenceLength: 32))
        let (summary, _) = try train(sst, model: folder, sequence: 32)
        XCTAssertNotNil(summary.evaluation["accuracy"])
        XCTAssertEqual(try Checkpoint.open(summary.modelFolder).requireConfig().labels, sst.labels)

        let ner = try NERData.load(path: try Fixtures.path("ner/train.txt"), tokenizer: tokenizer,
                                   options: TaskOptions(maxSequenceLength: 32))
        let (nerSummary, _) = try train(ner, model: folder, sequence: 32)
        XCTAssertNotNil(nerSummary.evaluation["f1"])
        XCTAssertEqual(try Checkpoint.open(nerSummary.modelFolder).heads, BertHeads(pooler: false, classifierLabels: ner.labels.count))

        let squad = try SQuADData.load(path: try Fixtures.path("squad/train-v1.1.json"), training: true, tokenizer: tokenizer,
                                       options: SQuADOptions(maxSequenceLength: 48, docStride: 16, maxQueryLength: 12))
        let (squadSummary, _) = try train(squad, model: folder, sequence: 48)
        XCTAssertNotNil(squadSummary.evaluation[squad.primaryMetric])
    }
}
