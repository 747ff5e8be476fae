import Compute
import Foundation
import TestSupport
import XCTest
@testable import BERT

/// The encoder against PyTorch fixtures (Tools/reference/make_encoder_fixtures.py) on both devices, plus
/// finite differences, dropout agreement between devices, padding and inference/training agreement.
final class EncoderTests: XCTestCase {
    /// Loads the tiny random model of the fixture onto `device`.
    private func tinyModel(_ device: any Device, training: Bool) throws -> ParameterStore {
        let checkpoint = try Checkpoint.open(EncoderTestSupport.fixture("tiny"))
        let parameters = try ParameterStore(config: try checkpoint.requireConfig(), heads: .encoder, device: device,
                                            training: training)
        try parameters.load(from: checkpoint)
        return parameters
    }

    func testMiniLMHiddenStatesMatchPyTorch() throws {
        let folder = try Fixtures.miniLMFolder()
        let expected = try SafetensorsFile(path: EncoderTestSupport.fixture("minilm_hidden_states.safetensors"))
        let ids = try expected.readInt32("input_ids")
        let shapeEntry = try XCTUnwrap(expected.entry("input_ids"))
        let shape = EncoderShape(batch: shapeEntry.shape[0], sequence: shapeEntry.shape[1])
        let checkpoint = try Checkpoint.open(folder)
        for device in try TestDevices.both() {
            let parameters = try ParameterStore(config: try checkpoint.requireConfig(), heads: .encoder, device: device,
                                                training: false)
            try parameters.load(from: checkpoint)
            let encoder = try BertEncoder(parameters: parameters, shape: shape, mode: .inference)
            try encoder.setInputs(EncoderInputs(ids: ids, types: try expected.readInt32("token_type_ids"),
                                                mask: try expected.readInt32("attention_mask")))
            try encoder.forward()
            for n in 0...parameters.config.numHiddenLayers {
                assertClose(try device.readFloats(encoder.hiddenState(n)), try expected.readFloats("hidden_states.\(n)"),
                            atol: 1e-4, rtol: 1e-4, "hidden state \(n) on \(device.info)")
            }
            assertClose(try device.readFloats(encoder.pooled), try expected.readFloats("pooler_output"),
                        atol: 1e-4, rtol: 1e-4, "pooler on \(device.info)")
        }
    }

    /// Runs the fixture's loss L = Σ last·r_hidden + Σ pooled·r_pooled forward and backward.
    private func tinyGradients(_ device: any Device, dropout: DropoutPlan? = nil) throws
        -> (loss: Double, last: [Float], pooled: [Float], grads: [String: [Float]]) {
        let expected = try SafetensorsFile(path: EncoderTestSupport.fixture("tiny/expected.safetensors"))
        let parameters = try tinyModel(device, training: true)
        let entry = try XCTUnwrap(expected.entry("input_ids"))
        let encoder = try BertEncoder(parameters: parameters, shape: EncoderShape(batch: entry.shape[0], sequence: entry.shape[1]),
                                      mode: .training)
        try encoder.setInputs(EncoderInputs(ids: try expected.readInt32("input_ids"),
                                            types: try expected.readInt32("token_type_ids"),
                                            mask: try expected.readInt32("attention_mask")))
        try parameters.zeroGradients()
        try encoder.forward(dropout: dropout)
        let rHidden = try expected.readFloats("r_hidden"), rPooled = try expected.readFloats("r_pooled")
        let last = try device.readFloats(encoder.hiddenState(parameters.config.numHiddenLayers))
        let pooled = try device.readFloats(encoder.pooled)
        let loss = zip(last, rHidden).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
            + zip(pooled, rPooled).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        try encoder.backward(gradLastHidden: try device.upload(rHidden, label: "r_hidden"),
                             gradPooled: try device.upload(rPooled, label: "r_pooled"))
        var grads: [String: [Float]] = [:]
        for spec in parameters.specs { grads[spec.name] = try device.readFloats(try parameters.gradient(spec.name)) }
        return (loss, last, pooled, grads)
    }

    func testTinyModelLossAndEveryGradientMatchPyTorch() throws {
        let expected = try SafetensorsFile(path: EncoderTestSupport.fixture("tiny/expected.safetensors"))
        let expectedLoss = Double(try expected.readFloats("loss")[0])
        for device in try TestDevices.both() {
            let result = try tinyGradients(device)
            XCTAssertEqual(result.loss, expectedLoss, accuracy: 1e-4 * abs(expectedLoss), "loss on \(device.info)")
            assertClose(result.last, try expected.readFloats("last_hidden"), atol: 1e-4, rtol: 1e-4, "last hidden on \(device.info)")
            assertClose(result.pooled, try expected.readFloats("pooled"), atol: 1e-4, rtol: 1e-4, "pooled on \(device.info)")
            XCTAssertEqual(result.grads.count, 39)
            for (name, grad) in result.grads.sorted(by: { $0.key < $1.key }) {
                let reference = try expected.readFloats("grad.\(name)")
                let scale = Double(reference.map { abs($0) }.max() ?? 1)
                assertClose(grad, reference, atol: 1e-3 * max(scale, 1e-3), rtol: 1e-3, "∂L/∂\(name) on \(device.info)")
            }
        }
    }

    func testGradientsMatchFiniteDifferences() throws {
        // Central differences of the double-accumulated loss for a few coordinates of several tensors.
        let device = TestDevices.cpu
        let analytic = try tinyGradients(device).grads
        let probes: [(String, Int)] = [
            ("embeddings.word_embeddings.weight", 5 * 32 + 3), ("embeddings.LayerNorm.weight", 7),
            ("encoder.layer.0.attention.self.query.weight", 100), ("encoder.layer.0.attention.self.key.bias", 4),
            ("encoder.layer.1.attention.self.value.weight", 33), ("encoder.layer.1.intermediate.dense.weight", 200),
            ("encoder.layer.1.output.LayerNorm.bias", 9), ("pooler.dense.weight", 65),
        ]
        let expected = try SafetensorsFile(path: EncoderTestSupport.fixture("tiny/expected.safetensors"))
        let rHidden = try expected.readFloats("r_hidden"), rPooled = try expected.readFloats("r_pooled")
        let parameters = try tinyModel(device, training: false)
        let encoder = try BertEncoder(parameters: parameters, shape: EncoderShape(batch: 3, sequence: 11), mode: .inference)
        try encoder.setInputs(EncoderInputs(ids: try expected.readInt32("input_ids"),
                                            types: try expected.readInt32("token_type_ids"),
                                            mask: try expected.readInt32("attention_mask")))
        func loss() throws -> Double {
            try encoder.forward()
            let last = try device.readFloats(encoder.hiddenState(2)), pooled = try device.readFloats(encoder.pooled)
            return zip(last, rHidden).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
                + zip(pooled, rPooled).reduce(0.0) { $0 + Double($1.0) * Double($1.1) }
        }
        for (name, index) in probes {
            let view = try parameters.value(name)
            var values = try device.readFloats(view)
            let original = values[index], h: Float = 1e-2
            values[index] = original + h
            try device.write(values, to: view)
            let plus = try loss()
            values[index] = original - h
            try device.write(values, to: view)
            let minus = try loss()
            values[index] = original
            try device.write(values, to: view)
            let numeric = (plus - minus) / Double(2 * h)
            let value = Double(try XCTUnwrap(analytic[name])[index])
            XCTAssertEqual(value, numeric, accuracy: 2e-2 * max(1, abs(numeric)), "∂L/∂\(name)[\(index)]")
        }
    }

    func testDropoutGivesTheSameLossAndGradientsOnBothDevices() throws {
        let plan = DropoutPlan(seed: 42, step: 3, hiddenProbability: 0.1, attentionProbability: 0.1)
        let cpu = try tinyGradients(TestDevices.cpu, dropout: plan)
        let cl = try tinyGradients(try TestDevices.openCL(), dropout: plan)
        let plain = try tinyGradients(TestDevices.cpu)
        XCTAssertNotEqual(cpu.loss, plain.loss, "dropout changes the loss")
        XCTAssertEqual(cl.loss, cpu.loss, accuracy: 1e-4 * abs(cpu.loss))
        for (name, grad) in cpu.grads {
            let scale = Double(grad.map { abs($0) }.max() ?? 1)
            assertClose(try XCTUnwrap(cl.grads[name]), grad, atol: 1e-4 * max(scale, 1e-3), rtol: 1e-3, "∂L/∂\(name) with dropout")
        }
    }

    func testPaddedAndUnpaddedInputsAgreeAndInferenceEqualsTraining() throws {
        let device = TestDevices.cpu
        let expected = try SafetensorsFile(path: EncoderTestSupport.fixture("tiny/expected.safetensors"))
        let ids = try expected.readInt32("input_ids"), types = try expected.readInt32("token_type_ids")
        // Example 1 of the fixture has 8 real tokens, then padding.
        let alone = try BertEncoder(parameters: try tinyModel(device, training: false), shape: EncoderShape(batch: 1, sequence: 8),
                                    mode: .inference)
        try alone.setInputs(EncoderInputs(ids: Array(ids[11..<19]), types: Array(types[11..<19]),
                                          mask: [Int32](repeating: 1, count: 8)))
        try alone.forward()
        let batch = try BertEncoder(parameters: try tinyModel(device, training: true), shape: EncoderShape(batch: 3, sequence: 11),
                                    mode: .training)
        try batch.setInputs(EncoderInputs(ids: ids, types: types, mask: try expected.readInt32("attention_mask")))
        try batch.forward()
        let padded = try device.readFloats(batch.hiddenState(2))
        assertClose(Array(padded[(11 * 32)..<(11 * 32 + 8 * 32)]), try device.readFloats(alone.hiddenState(2)),
                    atol: 1e-5, rtol: 1e-5, "padded vs unpadded")
        assertClose(padded, try expected.readFloats("last_hidden"), atol: 1e-4, rtol: 1e-4, "training-mode forward")
    }
}
