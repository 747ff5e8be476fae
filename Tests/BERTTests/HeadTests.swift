import Compute
import Foundation
import TestSupport
import XCTest
@testable import BERT

/// The fine-tuning heads against transformers' BertFor… models (Tools/reference/make_encoder_fixtures.py,
/// tiny/heads.safetensors): the loss and every parameter gradient, on both devices — sequence classification,
/// regression, multi-label classification, token tagging and SQuAD spans.
final class HeadTests: XCTestCase {
    private let expected = { try! SafetensorsFile(path: EncoderTestSupport.fixture("tiny/heads.safetensors")) }()

    /// The tiny model with `heads`; encoder weights from the fixture checkpoint, head weights from heads.safetensors.
    private func model(_ device: any Device, heads: BertHeads, name: String) throws -> BertEncoder {
        let checkpoint = try Checkpoint.open(EncoderTestSupport.fixture("tiny"))
        let parameters = try ParameterStore(config: try checkpoint.requireConfig(), heads: heads, device: device, training: true)
        for spec in parameters.specs {
            let values = checkpoint.tensor(spec.name) != nil ? try checkpoint.readFloats(spec.name)
                : try expected.readFloats("\(name).weights.\(spec.name)")
            try device.write(values, to: try parameters.value(spec.name))
        }
        let encoder = try BertEncoder(parameters: parameters, shape: EncoderShape(batch: 3, sequence: 11), mode: .training)
        try encoder.setInputs(EncoderInputs(ids: try expected.readInt32("input_ids"), types: try expected.readInt32("token_type_ids"),
                                            mask: try expected.readInt32("attention_mask")))
        try encoder.forward()
        return encoder
    }

    private func check(_ encoder: BertEncoder, name: String, loss: Float, file: StaticString = #filePath, line: UInt = #line) throws {
        let device = encoder.device
        XCTAssertEqual(loss, try expected.readFloats("\(name).loss")[0], accuracy: 1e-4, "\(name) loss on \(device.info)",
                       file: file, line: line)
        let parameters = encoder.parameters
        for spec in parameters.specs {
            let reference = try expected.readFloats("\(name).grad.\(spec.name)")
            let scale = Double(reference.map { abs($0) }.max() ?? 1)
            assertClose(try device.readFloats(try parameters.gradient(spec.name)), reference,
                        atol: 1e-3 * max(scale, 1e-4), rtol: 1e-3, "\(name) ∂L/∂\(spec.name) on \(device.info)",
                        file: file, line: line)
        }
    }

    func testSequenceClassifierAndRegression() throws {
        for device in try TestDevices.both() {
            let encoder = try model(device, heads: .classifier(labels: 3), name: "classifier")
            let head = try SequenceClassifierHead(encoder: encoder, objective: .classification(labels: 3))
            try head.setTargets(labels: try expected.readInt32("classifier.labels"))
            try head.resetLoss()
            try head.forward(dropout: nil)
            try encoder.backward(try head.backward(scale: 1.0 / 3))
            try check(encoder, name: "classifier", loss: try device.readFloats(head.lossTotal)[0] / 3)

            let regression = try model(device, heads: .classifier(labels: 1), name: "regression")
            let regressionHead = try SequenceClassifierHead(encoder: regression, objective: .regression)
            try regressionHead.setTargets(labels: [0, 0, 0], values: try expected.readFloats("regression.targets"))
            try regressionHead.resetLoss()
            try regressionHead.forward(dropout: nil)
            try regression.backward(try regressionHead.backward(scale: 1.0 / 3))
            try check(regression, name: "regression", loss: try device.readFloats(regressionHead.lossTotal)[0] / 3)
        }
    }

    /// Features carrying only multi-label targets, one per row of `targets` ([rows, labels] row-major).
    private static func labelSets(_ targets: [Float], labels: Int) -> [Feature] {
        stride(from: 0, to: targets.count, by: labels).map { first in
            var feature = Feature(ids: [], types: [], mask: [])
            feature.labelSet = Array(targets[first..<(first + labels)])
            return feature
        }
    }

    func testMultiLabelClassifierMatchesTransformers() throws {
        // BertForSequenceClassification, problem_type "multi_label_classification": BCEWithLogitsLoss averaged over
        // the 3 examples × 4 labels, so the trainer's scale is 1/12 (one loss term per label).
        let targets = try expected.readFloats("multilabel.targets")   // [3, 4]
        for device in try TestDevices.both() {
            let encoder = try model(device, heads: .classifier(labels: 4), name: "multilabel")
            let head = try SequenceClassifierHead(encoder: encoder, objective: .multiLabel(labels: 4))
            try head.setTargets(Self.labelSets(targets, labels: 4))
            try head.resetLoss()
            try head.forward(dropout: nil)
            try encoder.backward(try head.backward(scale: 1.0 / 12))
            try check(encoder, name: "multilabel", loss: try device.readFloats(head.lossTotal)[0] / 12)
        }
    }

    func testMultiLabelClassifierMatchesADoubleReference() throws {
        // Sigmoid + binary cross-entropy per label, averaged over examples × labels as transformers' BCEWithLogitsLoss:
        // the loss, and the classifier's gradients (∂L/∂b = Σ_rows s·(σ(x) − t), ∂L/∂W = Σ_rows s·(σ(x) − t)·pooledᵀ).
        let targets: [Float] = [1, 0, 1, 0, 0, 0, 1, 1, 1]   // [B = 3, L = 3]
        let scale = 1 / Float(targets.count)
        for device in try TestDevices.both() {
            let encoder = try model(device, heads: .classifier(labels: 3), name: "classifier")
            let head = try SequenceClassifierHead(encoder: encoder, objective: .multiLabel(labels: 3))
            var features = Self.labelSets(targets, labels: 3)
            try head.setTargets(features)
            XCTAssertEqual(head.lossWeight(features[0]), 3, "one term per label")
            try head.resetLoss()
            try head.forward(dropout: nil)
            _ = try head.backward(scale: scale)
            let x = try device.readFloats(head.logits).map(Double.init), pooled = try device.readFloats(encoder.pooled)
            let sigmoid = x.map { 1 / (1 + Foundation.exp(-$0)) }
            let loss = zip(x, targets).reduce(0.0) { $0 + max($1.0, 0) - $1.0 * Double($1.1) + Foundation.log(1 + Foundation.exp(-abs($1.0))) }
            XCTAssertEqual(Double(try device.readFloats(head.lossTotal)[0]), loss, accuracy: 1e-5 * max(loss, 1), "Σ loss on \(device.info)")
            let g = zip(sigmoid, targets).map { Double(scale) * ($0 - Double($1)) }   // [3, 3]
            let gradBias = (0..<3).map { c in (0..<3).reduce(0.0) { $0 + g[3 * $1 + c] } }
            let h = encoder.config.hiddenSize
            let gradWeight = (0..<(3 * h)).map { i in (0..<3).reduce(0.0) { $0 + g[3 * $1 + i / h] * Double(pooled[$1 * h + i % h]) } }
            assertClose(try device.readFloats(try encoder.parameters.gradient("classifier.bias")), gradBias.map(Float.init),
                        atol: 1e-6, rtol: 1e-4, "∂L/∂classifier.bias on \(device.info)")
            assertClose(try device.readFloats(try encoder.parameters.gradient("classifier.weight")), gradWeight.map(Float.init),
                        atol: 1e-6, rtol: 1e-4, "∂L/∂classifier.weight on \(device.info)")
            // A label set of the wrong length is refused, naming the row; a feature without one is not scored.
            features[1].labelSet = [1, 0]
            XCTAssertThrowsError(try head.setTargets(features)) { XCTAssertTrue("\($0)".contains("example 1"), "\($0)") }
            features[1].labelSet = nil
            XCTAssertEqual(head.lossWeight(features[1]), 0)
            try head.setTargets(features)
            try head.resetLoss()
            try head.forward(dropout: nil)
            _ = try head.backward(scale: scale)
            let scoredLoss = zip(x, targets).enumerated().filter { $0.offset / 3 != 1 }.reduce(0.0) {
                $0 + max($1.element.0, 0) - $1.element.0 * Double($1.element.1) + Foundation.log(1 + Foundation.exp(-abs($1.element.0)))
            }
            XCTAssertEqual(Double(try device.readFloats(head.lossTotal)[0]), scoredLoss, accuracy: 1e-5 * max(scoredLoss, 1),
                           "the unscored row adds no loss on \(device.info)")
        }
    }

    /// A long input's windows carry weights 1/K (Feature.weight): each row's loss and gradients scale by its weight,
    /// so the weighted loss and every gradient are Σ_rows weight · (that row alone) — checked against runs scoring
    /// one row at a time (weight 1 on it, 0 on the others), for all three sequence objectives, on both devices.
    func testWeightedRowsScaleTheirLossAndGradients() throws {
        let objectives: [(SequenceClassifierHead.Objective, BertHeads, String)] = [
            (.classification(labels: 3), .classifier(labels: 3), "classifier"),
            (.regression, .classifier(labels: 1), "regression"),
            (.multiLabel(labels: 4), .classifier(labels: 4), "multilabel"),
        ]
        let weights: [Float] = [1, 0.5, 0.25]
        for device in try TestDevices.both() {
            for (objective, heads, name) in objectives {
                let encoder = try model(device, heads: heads, name: name)
                let head = try SequenceClassifierHead(encoder: encoder, objective: objective)
                var features = try (0..<3).map { row -> Feature in
                    var feature = Feature(ids: [], types: [], mask: [])
                    switch objective {
                    case .classification: feature.label = try expected.readInt32("classifier.labels")[row]
                    case .regression: feature.target = try expected.readFloats("regression.targets")[row]
                    case .multiLabel: feature.labelSet = Array(try expected.readFloats("multilabel.targets")[(4 * row)..<(4 * row + 4)])
                    }
                    return feature
                }
                func run(_ rowWeights: [Float]) throws -> (loss: Float, gradients: [[Float]]) {
                    for row in features.indices { features[row].weight = rowWeights[row] }
                    try encoder.parameters.zeroGradients()
                    try encoder.forward()   // backward consumes some forward state (the pooler's)
                    try head.setTargets(features)
                    try head.resetLoss()
                    try head.forward(dropout: nil)
                    try encoder.backward(try head.backward(scale: 0.5))
                    return (try device.readFloats(head.lossTotal)[0],
                            try encoder.parameters.specs.map { try device.readFloats(try encoder.parameters.gradient($0.name)) })
                }
                let rows = try (0..<3).map { row in try run((0..<3).map { $0 == row ? 1 : 0 }) }
                let weighted = try run(weights)
                let loss = zip(weights, rows).reduce(Float(0)) { $0 + $1.0 * $1.1.loss }
                XCTAssertEqual(weighted.loss, loss, accuracy: 1e-5 * max(abs(loss), 1), "\(name) Σ weighted loss on \(device.info)")
                for (index, spec) in encoder.parameters.specs.enumerated() {
                    let expected = (0..<rows[0].gradients[index].count).map { i in
                        zip(weights, rows).reduce(Float(0)) { $0 + $1.0 * $1.1.gradients[index][i] }
                    }
                    let scale = Double(expected.map { abs($0) }.max() ?? 1)
                    assertClose(weighted.gradients[index], expected, atol: 1e-4 * max(scale, 1e-6), rtol: 1e-3,
                                "\(name) ∂L/∂\(spec.name) with weights on \(device.info)")
                }
                XCTAssertEqual(head.lossWeight(features[1]), Float(objective.targetsPerExample) * 0.5)
            }
        }
    }

    func testTokenClassifier() throws {
        let labels = try expected.readInt32("tagger.labels").map { $0 == -100 ? Int32(-1) : $0 }
        let scored = Float(labels.filter { $0 >= 0 }.count)
        for device in try TestDevices.both() {
            let encoder = try model(device, heads: BertHeads(pooler: false, classifierLabels: 5), name: "tagger")
            let head = try TokenClassifierHead(encoder: encoder, labels: 5)
            try head.setTargets(labels: labels)
            try head.resetLoss()
            try head.forward(dropout: nil)
            try encoder.backward(try head.backward(scale: 1 / scored))
            try check(encoder, name: "tagger", loss: try device.readFloats(head.lossTotal)[0] / scored)
        }
    }

    func testSpanHead() throws {
        for device in try TestDevices.both() {
            let encoder = try model(device, heads: .questionAnswering, name: "span")
            let head = try SpanHead(encoder: encoder)
            try head.setTargets(start: try expected.readInt32("span.start"), end: try expected.readInt32("span.end"))
            try head.resetLoss()
            try head.forward()
            try encoder.backward(try head.backward(scale: 1.0 / 6))
            try check(encoder, name: "span", loss: try device.readFloats(head.lossTotal)[0] / 6)
        }
    }
}
