import Compute
import Foundation
import TestSupport
import XCTest
@testable import BERT

/// The pre-training heads (masked LM over gathered positions with the tied decoder, next sentence) against
/// transformers' BertForPreTraining with Google's loss (Tools/reference/make_pretraining_head_fixture.py,
/// tiny/pretraining.safetensors): both losses, the masked LM argmax, and every parameter gradient, on both devices.
final class PretrainingHeadTests: XCTestCase {
    private let expected = { try! SafetensorsFile(path: EncoderTestSupport.fixture("tiny/pretraining.safetensors")) }()
    private let batch = 3, predictions = 4

    private func head(_ device: any Device) throws -> PretrainingHead {
        let checkpoint = try Checkpoint.open(EncoderTestSupport.fixture("tiny"))
        let parameters = try ParameterStore(config: try checkpoint.requireConfig(), heads: .preTraining, device: device, training: true)
        for spec in parameters.specs {
            let values = checkpoint.tensor(spec.name) != nil ? try checkpoint.readFloats(spec.name)
                : try expected.readFloats("weights.\(spec.name)")
            try device.write(values, to: try parameters.value(spec.name))
        }
        try parameters.zeroGradients()
        let encoder = try BertEncoder(parameters: parameters, shape: EncoderShape(batch: batch, sequence: 11), mode: .training)
        try encoder.setInputs(EncoderInputs(ids: try expected.readInt32("input_ids"), types: try expected.readInt32("token_type_ids"),
                                            mask: try expected.readInt32("attention_mask")))
        try encoder.forward()
        return try PretrainingHead(encoder: encoder, maxPredictions: predictions)
    }

    private var targets: PretrainingTargets {
        get throws {
            PretrainingTargets(positions: try expected.readInt32("masked_lm_positions"), labels: try expected.readInt32("masked_lm_ids"),
                               weights: try expected.readFloats("masked_lm_weights"),
                               nextSentence: try expected.readInt32("next_sentence_labels"))
        }
    }

    func testLossesPredictionsAndGradientsMatchBertForPreTraining() throws {
        let weights = try expected.readFloats("masked_lm_weights")
        let weightSum = Double(weights.reduce(0, +))
        for device in try TestDevices.both() {
            let head = try head(device)
            try head.setTargets(try targets)
            head.prepareStep(maskedWeightSum: weightSum, examples: batch)
            try head.resetLoss()
            try head.forward()
            try head.encoder.backward(try head.backward(nextScale: 1 / Float(batch)))
            let (masked, next) = try head.lossSums()
            XCTAssertEqual(Float(masked / (weightSum + 1e-5)), try expected.readFloats("mlm_loss")[0], accuracy: 1e-4,
                           "masked LM loss on \(device.info)")
            XCTAssertEqual(Float(next / Double(batch)), try expected.readFloats("nsp_loss")[0], accuracy: 1e-4,
                           "next-sentence loss on \(device.info)")
            XCTAssertEqual(try device.readFloats(head.lossTotal)[0] / Float(batch), try expected.readFloats("loss")[0],
                           accuracy: 1e-4, "total loss on \(device.info)")
            let predicted = try expected.readInt32("predicted_ids"), labels = try targets.labels
            let correct = zip(zip(predicted, labels), weights).reduce(0.0) { $0 + ($1.0.0 == $1.0.1 ? Double($1.1) : 0) }
            XCTAssertEqual(head.counts.maskedWeight, weightSum, "scored positions on \(device.info)")
            XCTAssertEqual(head.counts.maskedCorrect, correct, "masked LM hits on \(device.info)")
            let parameters = head.encoder.parameters
            for spec in parameters.specs {
                let reference = try expected.readFloats("grad.\(spec.name)")
                let scale = Double(reference.map { abs($0) }.max() ?? 1)
                assertClose(try device.readFloats(try parameters.gradient(spec.name)), reference,
                            atol: 1e-3 * max(scale, 1e-4), rtol: 1e-3, "∂L/∂\(spec.name) on \(device.info)")
            }
        }
    }

    func testExampleOutputsGiveTheHeldOutMetrics() throws {
        let weights = try expected.readFloats("masked_lm_weights")
        for device in try TestDevices.both() {
            let head = try head(device)
            try head.setTargets(try targets)
            try head.forward()
            let rows = try head.exampleOutputs()
            XCTAssertEqual(rows.count, batch)
            let masked = rows.reduce(0) { $0 + Double($1[0]) }, weightSum = rows.reduce(0) { $0 + Double($1[1]) }
            XCTAssertEqual(weightSum, Double(weights.reduce(0, +)))
            XCTAssertEqual(Float(masked / (weightSum + 1e-5)), try expected.readFloats("mlm_loss")[0], accuracy: 1e-4,
                           "held-out masked LM loss on \(device.info)")
            let next = rows.reduce(0) { $0 + Double($1[3]) } / Double(batch)
            XCTAssertEqual(Float(next), try expected.readFloats("nsp_loss")[0], accuracy: 1e-4, "held-out NSP loss on \(device.info)")
            let logits = try expected.readFloats("next_sentence_logits"), labels = try targets.nextSentence
            for e in 0..<batch {
                XCTAssertEqual(rows[e][4], (logits[2 * e + 1] > logits[2 * e] ? 1 : 0) == labels[e] ? 1 : 0, "NSP hit of example \(e)")
            }
        }
    }

    func testBadTargetsAreRejectedWithTheExample() throws {
        let head = try head(TestDevices.cpu)
        var bad = try targets
        bad.positions[5] = 11
        XCTAssertThrowsError(try head.setTargets(bad)) { error in
            XCTAssertTrue("\(error)".contains("masked position 11 of example 1"), "\(error)")
        }
        bad = try targets
        bad.labels[0] = 99
        XCTAssertThrowsError(try head.setTargets(bad)) { error in
            XCTAssertTrue("\(error)".contains("outside the vocabulary of 99"), "\(error)")
        }
    }
}
