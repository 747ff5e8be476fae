import Compute
import Foundation
import TestSupport
import XCTest
@testable import BERT

/// Activation recompute and half-precision storage change memory, not numerics: with float32 storage every
/// policy gives bit-identical hidden states and gradients; with half storage they agree within the rounding
/// of the kept tensors. Dropout is on (masks are redrawn in recompute), on both devices.
final class RecomputeTests: XCTestCase {
    private let config = BertConfig(vocabSize: 60, hiddenSize: 32, numHiddenLayers: 3, numAttentionHeads: 4,
                                    intermediateSize: 48, activation: .erf, hiddenDropoutProb: 0.1,
                                    attentionProbsDropoutProb: 0.1, maxPositionEmbeddings: 24)
    private let shape = EncoderShape(batch: 3, sequence: 12)

    /// Last hidden state, pooled output and every parameter gradient after one forward/backward with `policy`.
    private func run(_ policy: ActivationPolicy, on device: any Device) throws -> (outputs: [Float], grads: [Float]) {
        let parameters = try ParameterStore(config: config, heads: .encoder, device: device, training: true)
        try parameters.initialize(seed: 7)
        let encoder = try BertEncoder(parameters: parameters, shape: shape, mode: .training, policy: policy)
        var random = SplitMix64(seed: 11)
        let t = shape.tokens
        // The last sequence is padded after 5 tokens, so masked keys take part.
        let mask = (0..<t).map { Int32($0 / shape.sequence == 2 && $0 % shape.sequence >= 5 ? 0 : 1) }
        try encoder.setInputs(EncoderInputs(ids: (0..<t).map { _ in Int32(random.next() % 60) },
                                            types: (0..<t).map { Int32($0 % shape.sequence < 6 ? 0 : 1) }, mask: mask))
        let gradHidden = try device.upload((0..<(t * config.hiddenSize)).map { _ in random.nextUnitFloat() - 0.5 }, label: "dH")
        let gradPooled = try device.upload((0..<(shape.batch * config.hiddenSize)).map { _ in random.nextUnitFloat() - 0.5 },
                                           label: "dP")
        try parameters.zeroGradients()
        try encoder.forward(dropout: DropoutPlan(config: config, seed: 5, step: 3))
        let outputs = try device.readFloats(encoder.hiddenState(config.numHiddenLayers)) + device.readFloats(encoder.pooled)
        try encoder.backward(gradLastHidden: gradHidden, gradPooled: gradPooled)
        let grads = try parameters.specs.flatMap { try device.readFloats(try parameters.gradient($0.name)) }
        return (outputs, grads)
    }

    func testFloat32RecomputeIsBitIdenticalAndHalfStorageIsClose() throws {
        for device in try TestDevices.both() {
            let reference = try run(.keepAll, on: device)
            for policy in ActivationPolicy.all where policy != .keepAll {
                let result = try run(policy, on: device)
                XCTAssertEqual(result.outputs, reference.outputs, "outputs with \(policy) on \(device.info)")
                if policy.storage == .float32 {
                    XCTAssertEqual(result.grads, reference.grads, "gradients with \(policy) on \(device.info)")
                } else {
                    // Half storage: relative error of the whole gradient vector.
                    let error = zip(result.grads, reference.grads).reduce(0.0) { $0 + pow(Double($1.0 - $1.1), 2) }.squareRoot()
                    let norm = reference.grads.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
                    XCTAssertLessThan(error / norm, 2e-3, "gradients with \(policy) on \(device.info)")
                    print(String(format: "half storage: relative gradient error %.2e (%@, %@)", error / norm,
                                 policy.description, device.info.backend.rawValue))
                    XCTAssertGreaterThan(error, 0, "half storage should round something (\(policy) on \(device.info))")
                }
            }
        }
    }

    func testRecomputeShrinksTheKeptActivations() throws {
        let large = BertConfig(size: .large)
        let shape = EncoderShape(batch: 8, sequence: 512)
        func bytes(_ policy: ActivationPolicy) -> Int {
            EncoderLayout(config: large, shape: shape, mode: .training, attentionDropout: true, policy: policy).arena.payloadBytes
        }
        let all = bytes(.keepAll), attention = bytes(ActivationPolicy(recompute: .attention))
        let layer = bytes(ActivationPolicy(recompute: .layer)), layerHalf = bytes(ActivationPolicy(recompute: .layer, storage: .float16))
        XCTAssertLessThan(attention, all * 6 / 10)     // S×S is ~46 % of keep-all at seq 512
        XCTAssertLessThan(layer, attention / 2)
        XCTAssertLessThan(layerHalf, layer)
        // Layer recompute keeps exactly the 24 layer inputs [T, H] (+ the same working set whatever L is).
        let kept = EncoderLayout(config: large, shape: shape, mode: .training, attentionDropout: true,
                                 policy: ActivationPolicy(recompute: .layer)).keptBytesByKind
        XCTAssertEqual(kept.map(\.kind), ["layer inputs"])
        XCTAssertEqual(kept.first?.bytes, 24 * shape.tokens * 1024 * 4)
    }
}
