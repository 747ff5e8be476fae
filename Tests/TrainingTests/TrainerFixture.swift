import BERT
import Compute
import Foundation
import XCTest
@testable import Training

/// The tiny random model and data the trainer tests share: a 2-layer BERT of width 16 over 50 ids, and 24
/// two-class examples of `sequence` tokens whose label is whether id 7 occurs.
enum TrainerFixture {
    static let config = BertConfig(vocabSize: 50, hiddenSize: 16, numHiddenLayers: 2, numAttentionHeads: 2,
                                   intermediateSize: 24, activation: .erf, maxPositionEmbeddings: 16)
    static let sequence = 8

    /// 24 examples, deterministic.
    static func features() -> [Feature] {
        var random = SplitMix64(seed: 5)
        return (0..<24).map { i in
            let length = 4 + i % 5
            var ids = (0..<sequence).map { _ in Int32(8 + random.next() % 40) }
            if i % 2 == 0 { ids[1] = 7 }
            let mask = (0..<sequence).map { Int32($0 < length ? 1 : 0) }
            var feature = Feature(ids: zip(ids, mask).map { $1 == 1 ? $0 : 0 }, types: [Int32](repeating: 0, count: sequence),
                                  mask: mask)
            feature.label = i % 2 == 0 ? 1 : 0
            return feature
        }
    }

    /// A trainer of the 2-layer model (a two-label classifier, weights from `seed`) with batch 8, one epoch, rate
    /// 1e-3; `parallel` makes it one rank of a data-parallel group.
    static func trainer(_ device: any Device, micro: Int, seed: UInt64 = 11, output: String,
                        parallel: (any DataParallel)? = nil, configure: (inout TrainerConfig) -> Void = { _ in })
        throws -> Trainer {
        let parameters = try ParameterStore(config: config, heads: .classifier(labels: 2), device: device, training: true)
        try parameters.initialize(seed: seed)
        let encoder = try BertEncoder(parameters: parameters, shape: EncoderShape(batch: micro, sequence: sequence), mode: .training)
        let head = try SequenceClassifierHead(encoder: encoder, objective: .classification(labels: 2))
        var settings = TrainerConfig(outputDirectory: output)
        settings.batchSize = 8
        settings.microBatchSize = micro
        settings.epochs = 1
        settings.learningRate = 1e-3
        settings.logEvery = 1000
        configure(&settings)
        return try Trainer(encoder: encoder, head: head, config: settings,
                           files: ModelFiles(config: config, vocabulary: VocabularyFile(tokens: (0..<50).map { "t\($0)" }),
                                             doLowerCase: true),
                           parallel: parallel)
    }

    /// A new output folder path, removed when `test` ends.
    static func outputFolder(for test: XCTestCase, prefix: String) -> String {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)").path
        test.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
        return path
    }
}
