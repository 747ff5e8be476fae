import Compute
import Foundation
import TestSupport
import XCTest
@testable import BERT

/// `EncoderOutput.classToken` computes the last block at the [CLS] rows only: the pooled output and every
/// parameter gradient equal those of the whole block (`.everyToken`) under every activation policy, in training
/// and inference, at the full and at a shorter length, on both devices; recompute stays bit-identical with
/// dropout on; a head that needs every token's gradient is refused.
final class ClassTokenOutputTests: XCTestCase {
    private func config(dropout: Double) -> BertConfig {
        BertConfig(vocabSize: 60, hiddenSize: 32, numHiddenLayers: 3, numAttentionHeads: 4, intermediateSize: 48,
                   activation: .erf, hiddenDropoutProb: dropout, attentionProbsDropoutProb: dropout,
                   maxPositionEmbeddings: 24)
    }
    private let capacity = EncoderShape(batch: 3, sequence: 12)

    /// Inputs of `shape`; the last sequence is padded after 5 tokens, so masked keys take part.
    private func inputs(_ shape: EncoderShape) -> EncoderInputs {
        var random = SplitMix64(seed: 11)
        let t = shape.tokens, s = shape.sequence
        return EncoderInputs(ids: (0..<t).map { _ in Int32(random.next() % 60) },
                             types: (0..<t).map { Int32($0 % s < s / 2 ? 0 : 1) },
                             mask: (0..<t).map { Int32($0 / s == shape.batch - 1 && $0 % s >= 5 ? 0 : 1) })
    }

    /// Pooled output and every parameter gradient after one forward/backward from a fixed ∂L/∂pooled.
    private func training(_ output: EncoderOutput, _ policy: ActivationPolicy, shape: EncoderShape, dropout: Double,
                          on device: any Device) throws -> (pooled: [Float], grads: [Float]) {
        let config = config(dropout: dropout)
        let parameters = try ParameterStore(config: config, heads: .classifier(labels: 2), device: device, training: true)
        try parameters.initialize(seed: 7)
        let encoder = try BertEncoder(parameters: parameters, shape: capacity, mode: .training, policy: policy, output: output)
        try encoder.setInputs(inputs(shape), shape: shape)
        var random = SplitMix64(seed: 13)
        let gradPooled = try device.upload((0..<(shape.batch * config.hiddenSize)).map { _ in random.nextUnitFloat() - 0.5 },
                                           label: "dP")
        try parameters.zeroGradients()
        try encoder.forward(dropout: dropout > 0 ? DropoutPlan(config: config, seed: 5, step: 3) : nil)
        let pooled = try device.readFloats(encoder.pooled)
        try encoder.backward(gradLastHidden: nil, gradPooled: gradPooled)
        let grads = try parameters.specs.flatMap { try device.readFloats(try parameters.gradient($0.name)) }
        return (pooled, grads)
    }

    func testTheClassRowsGiveThePooledOutputAndGradientsOfTheWholeBlock() throws {
        for device in try TestDevices.both() {
            for shape in [capacity, EncoderShape(batch: 2, sequence: 7)] {
                for policy in ActivationPolicy.all {
                    let whole = try training(.everyToken, policy, shape: shape, dropout: 0, on: device)
                    let cls = try training(.classToken, policy, shape: shape, dropout: 0, on: device)
                    let context = "\(policy), \(shape.batch)×\(shape.sequence) on \(device.info)"
                    let pooled = Comparison(cls.pooled, whole.pooled, atol: 1e-6, rtol: 1e-5)
                    XCTAssertTrue(pooled.passed, "pooled output, \(context): \(pooled)")
                    let grads = Comparison(cls.grads, whole.grads, atol: 1e-6, rtol: 1e-4)
                    XCTAssertTrue(grads.passed, "gradients, \(context): \(grads)")
                    XCTAssertGreaterThan(whole.grads.map { abs($0) }.max() ?? 0, 0, "a test that can fail: \(context)")
                }
            }
        }
    }

    func testRecomputeOfTheClassRowsIsBitIdenticalWithDropout() throws {
        for device in try TestDevices.both() {
            let reference = try training(.classToken, .keepAll, shape: capacity, dropout: 0.1, on: device)
            let noDropout = try training(.classToken, .keepAll, shape: capacity, dropout: 0, on: device)
            XCTAssertNotEqual(reference.grads, noDropout.grads, "dropout should change the gradients on \(device.info)")
            for policy in ActivationPolicy.all where policy != .keepAll && policy.storage == .float32 {
                let result = try training(.classToken, policy, shape: capacity, dropout: 0.1, on: device)
                XCTAssertEqual(result.pooled, reference.pooled, "pooled output with \(policy) on \(device.info)")
                XCTAssertEqual(result.grads, reference.grads, "gradients with \(policy) on \(device.info)")
            }
        }
    }

    func testInferenceOfTheClassRowsGivesThePooledOutputOfTheWholeBlock() throws {
        for device in try TestDevices.both() {
            var pooled: [[Float]] = []
            for output in [EncoderOutput.everyToken, .classToken] {
                let parameters = try ParameterStore(config: config(dropout: 0), heads: .classifier(labels: 2), device: device,
                                                    training: false)
                try parameters.initialize(seed: 7)
                let encoder = try BertEncoder(parameters: parameters, shape: capacity, mode: .inference, output: output)
                let shape = EncoderShape(batch: 3, sequence: 9)
                try encoder.setInputs(inputs(shape), shape: shape)
                try encoder.forward()
                pooled.append(try device.readFloats(encoder.pooled))
            }
            let comparison = Comparison(pooled[1], pooled[0], atol: 1e-6, rtol: 1e-5)
            XCTAssertTrue(comparison.passed, "pooled output on \(device.info): \(comparison)")
        }
    }

    func testEveryTokenGradientsAndPoolerlessModelsAreRefused() throws {
        let device = TestDevices.cpu
        let parameters = try ParameterStore(config: config(dropout: 0), heads: .classifier(labels: 2), device: device,
                                            training: true)
        try parameters.initialize(seed: 7)
        let encoder = try BertEncoder(parameters: parameters, shape: capacity, mode: .training, output: .classToken)
        try encoder.setInputs(inputs(capacity))
        try encoder.forward()
        let gradHidden = try device.upload([Float](repeating: 0.1, count: capacity.tokens * 32), label: "dH")
        XCTAssertThrowsError(try encoder.backward(gradLastHidden: gradHidden, gradPooled: nil)) { error in
            XCTAssertTrue("\(error)".contains(".everyToken"), "\(error)")
        }
        let span = try ParameterStore(config: config(dropout: 0), heads: .questionAnswering, device: device, training: true)
        XCTAssertThrowsError(try BertEncoder(parameters: span, shape: capacity, mode: .training, output: .classToken)) { error in
            XCTAssertTrue("\(error)".contains("pooler"), "\(error)")
        }
    }
}
