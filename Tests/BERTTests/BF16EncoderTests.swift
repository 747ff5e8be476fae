import Compute
import Foundation
import TestSupport
import XCTest
@testable import BERT

/// Mixed precision (`--precision bf16`): the real MiniLM's hidden states with bf16 GEMMs against PyTorch's fp32
/// ones (the fixture of `EncoderTests`).
final class BF16EncoderTests: XCTestCase {
    private func bf16CPU() -> CPUDevice {
        var options = DeviceOptions()
        options.precision = .bf16
        return CPUDevice(options: options)
    }

    /// ‖a − b‖ / ‖b‖.
    private func relativeError(_ a: [Float], _ b: [Float]) -> Double {
        let difference = zip(a, b).reduce(0.0) { $0 + Double($1.0 - $1.1) * Double($1.0 - $1.1) }
        let norm = b.reduce(0.0) { $0 + Double($1) * Double($1) }
        return (difference / max(norm, .leastNormalMagnitude)).squareRoot()
    }

    func testMiniLMHiddenStatesInBF16AreWithinTwoPercentOfFP32() throws {
        try XCTSkipUnless(CPUDevice.bf16GEMMAvailable, "no bf16 GEMMs here (built without oneDNN, or oneDNN has no bf16 matmul for this processor)")
        let expected = try SafetensorsFile(path: EncoderTestSupport.fixture("minilm_hidden_states.safetensors"))
        let ids = try expected.readInt32("input_ids")
        let shapeEntry = try XCTUnwrap(expected.entry("input_ids"))
        let checkpoint = try Checkpoint.open(try Fixtures.miniLMFolder())
        let device = bf16CPU()
        XCTAssertEqual(device.gemmPrecision, .bf16)
        let parameters = try ParameterStore(config: try checkpoint.requireConfig(), heads: .encoder, device: device,
                                            training: false)
        try parameters.load(from: checkpoint)
        let encoder = try BertEncoder(parameters: parameters,
                                      shape: EncoderShape(batch: shapeEntry.shape[0], sequence: shapeEntry.shape[1]),
                                      mode: .inference)
        try encoder.setInputs(EncoderInputs(ids: ids, types: try expected.readInt32("token_type_ids"),
                                            mask: try expected.readInt32("attention_mask")))
        try encoder.forward()
        var worst = 0.0
        for n in 1...parameters.config.numHiddenLayers {
            let error = relativeError(try device.readFloats(encoder.hiddenState(n)), try expected.readFloats("hidden_states.\(n)"))
            XCTAssertLessThanOrEqual(error, 2e-2, "hidden state \(n): relative error \(error)")
            worst = max(worst, error)
        }
        print("bf16 MiniLM hidden states: worst relative error \(worst) of PyTorch fp32")
        // The GEMMs really ran in bf16 (fp32 GEMMs match the fixture to ~1e-6).
        XCTAssertGreaterThan(worst, 1e-4)
    }
}
