import Compute
import Foundation
import TestSupport
import XCTest
@testable import BERT

/// The fine-tuning heads against transformers' BertFor… models (Tools/reference/make_encoder_fixtures.py,
/// tiny/heads.safetensors): the loss and every parameter gradient, on both devices.
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
