import BERT
import Compute
import Foundation
import TestSupport
import XCTest
@testable import Training

/// `LAMBOptimizer` on a tiny model: its memory is exactly the moments, the norm² float and `extraStateBytes`; one
/// step per tensor as the formula says (weight decay and adaptation off for LayerNorm and biases), on both
/// devices; the factory and the checkpoint slot names.
final class LAMBOptimizerTests: XCTestCase {
    private let config = BertConfig(vocabSize: 50, hiddenSize: 16, numHiddenLayers: 2, numAttentionHeads: 2,
                                    intermediateSize: 24, activation: .erf, maxPositionEmbeddings: 16)
    private let heads = BertHeads.classifier(labels: 2)

    func testAllocatesExactlyTheMomentsTheNormAndTheExtraStateBytes() throws {
        for device in [TestDevices.cpu as any Device, DryRunDevice(mirroring: try TestDevices.openCL())] {
            let parameters = try ParameterStore(config: config, heads: heads, device: device, training: true)
            let before = device.memory.current
            let optimizer = try LAMBOptimizer(parameters: parameters)
            let moments = 2 * (try parameters.layout.place(maxChunkBytes: device.info.maxAllocation).totalBytes)
            let extra = LAMBOptimizer.extraStateBytes(config: config, heads: heads, device: device)
            XCTAssertEqual(device.memory.current - before, moments + DType.float32.size + extra, "\(device.info)")
            XCTAssertEqual(optimizer.layouts.reduce(0) { $0 + $1.tensors.count }, parameters.specs.count)
        }
    }

    func testOneStepPerTensorOnBothDevices() throws {
        let learningRate: Float = 1e-2, weightDecay: Float = 0.01
        var results: [[Float]] = []
        for device in try TestDevices.both() {
            let parameters = try ParameterStore(config: config, heads: heads, device: device, training: true)
            try parameters.initialize(seed: 5)
            var data = TestData(seed: 140)
            for spec in parameters.specs {
                try device.write(data.uniform(spec.count, -0.01, 0.01), to: try parameters.gradient(spec.name))
            }
            let grads = try Dictionary(uniqueKeysWithValues: parameters.specs.map {
                ($0.name, try device.readFloats(try parameters.gradient($0.name)))
            })
            let before = try Dictionary(uniqueKeysWithValues: parameters.specs.map { ($0.name, try parameters.read($0.name)) })
            let optimizer = try makeOptimizer(kind: .lamb, parameters: parameters, weightDecay: weightDecay, maxGradNorm: 0)
            XCTAssertTrue(optimizer is LAMBOptimizer)
            let norm = try optimizer.globalNorm()
            XCTAssertGreaterThan(norm, 0)
            try optimizer.update(learningRate: learningRate, step: 1)
            var all: [Float] = []
            for name in ["classifier.weight", "encoder.layer.1.attention.self.key.weight",
                         "encoder.layer.0.output.LayerNorm.weight", "pooler.dense.bias"] {
                let spec = try XCTUnwrap(parameters.specs.first { $0.name == name }, name)
                let p = before[spec.name]!.map(Double.init), g = grads[spec.name]!.map(Double.init)
                let decays = ParameterStore.decays(spec.name)
                // Step 1 with bias correction: m̂ = g, v̂ = g², u = g/(|g| + ε) + wd·p.
                let u = zip(g, p).map { g, p in g / (abs(g) + 1e-6) + (decays ? Double(weightDecay) : 0) * p }
                let pNorm = p.reduce(0) { $0 + $1 * $1 }.squareRoot(), uNorm = u.reduce(0) { $0 + $1 * $1 }.squareRoot()
                let r = decays && pNorm > 0 && uNorm > 0 ? pNorm / uNorm : 1
                let expected = zip(p, u).map { Float($0 - Double(learningRate) * r * $1) }
                let got = try parameters.read(spec.name)
                assertClose(got, expected, atol: 1e-6, rtol: 1e-5, "\(spec.name) on \(device.info)")
                XCTAssertNotEqual(got, before[spec.name]!, "\(spec.name) moved")
                all += got
            }
            results.append(all)
            let names = try optimizer.stateTensors().map(\.name)
            XCTAssertTrue(names.contains("classifier.weight.lamb_m") && names.contains("classifier.weight.lamb_v"))
        }
        assertClose(results[1], results[0], atol: 1e-6, rtol: 1e-5, "OpenCL vs CPU")
    }

    func testFactoryAndKinds() throws {
        let parameters = try ParameterStore(config: config, heads: heads, device: TestDevices.cpu, training: true)
        XCTAssertTrue(try makeOptimizer(kind: .google, parameters: parameters, weightDecay: 0.01, maxGradNorm: 1) is AdamWOptimizer)
        XCTAssertTrue(try makeOptimizer(kind: .pytorch, parameters: parameters, weightDecay: 0.01, maxGradNorm: 1) is AdamWOptimizer)
        XCTAssertThrowsError(try AdamWOptimizer(parameters: parameters, kind: .lamb))
        XCTAssertEqual(OptimizerKind(rawValue: "lamb"), .lamb)
        XCTAssertEqual(OptimizerKind.lamb.epsilon, 1e-6)
    }
}
