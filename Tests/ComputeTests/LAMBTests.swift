import Foundation
import TestSupport
import XCTest
@testable import Compute

/// The multi-tensor LAMB step (Kernels/lamb.cl, Ops/Optimizer/LAMB+CPU.swift): against a double-precision per-tensor loop over
/// three steps, OpenCL against the CPU twin, trust ratios of excluded and zero-norm tensors, clipping, bias
/// correction on and off, determinism, untouched gaps, and the layout and table checks.
final class LAMBTests: XCTestCase {
    /// Odd sizes, gaps between tensors, several chunks per tensor (chunk size 1000), one tensor of zeros and one
    /// with zero gradients and moments (both adapt: their zero norms must give r = 1).
    private let tensors = [
        LAMBTensor(offset: 3, count: 2_501, decay: true, adapt: true),      // 3 chunks
        LAMBTensor(offset: 2_507, count: 999, decay: false, adapt: false),  // LayerNorm-like: no decay, no adaptation
        LAMBTensor(offset: 3_600, count: 1_000, decay: true, adapt: true),  // exactly one chunk
        LAMBTensor(offset: 4_600, count: 4_097, decay: true, adapt: true),  // 5 chunks, the last of 97
        LAMBTensor(offset: 8_700, count: 17, decay: true, adapt: true),     // p = 0: ‖p‖ = 0
        LAMBTensor(offset: 8_720, count: 1_203, decay: false, adapt: true), // g = m = v = 0, no decay: ‖u‖ = 0
        LAMBTensor(offset: 9_923, count: 333, decay: false, adapt: false),
    ]
    private let n = 10_300

    /// Per step: parameters, gradients (each step's own), m, v — gaps hold sentinels the step must not touch.
    private struct Inputs {
        var p: [Float], m: [Float], v: [Float]
        var grads: [[Float]]   // [steps][n]
    }

    private func inputs(steps: Int, seed: UInt64) -> Inputs {
        var data = TestData(seed: seed)
        var p = data.uniform(n, -0.5, 0.5), m = data.uniform(n, -0.01, 0.01), v = data.uniform(n, 0, 1e-4)
        var grads = (0..<steps).map { _ in data.uniform(n, -0.1, 0.1) }
        let zeroP = tensors[4], quiet = tensors[5]
        for i in zeroP.offset..<(zeroP.offset + zeroP.count) { p[i] = 0 }
        for i in quiet.offset..<(quiet.offset + quiet.count) {
            m[i] = 0; v[i] = 0
            for s in 0..<steps { grads[s][i] = 0 }
        }
        // Gaps: 7 in p, m, v (must stay); 0 in the gradients (so they add nothing to the norm).
        var covered = [Bool](repeating: false, count: n)
        for t in tensors { for i in t.offset..<(t.offset + t.count) { covered[i] = true } }
        for i in 0..<n where !covered[i] {
            p[i] = 7; m[i] = 7; v[i] = 7
            for s in 0..<steps { grads[s][i] = 0 }
        }
        return Inputs(p: p, m: m, v: v, grads: grads)
    }

    /// The step as the papers write it, per tensor, in double precision. Returns the trust ratios.
    private func referenceStep(_ p: inout [Double], _ m: inout [Double], _ v: inout [Double], grad: [Float],
                               _ c: LAMBConfig) -> [Double] {
        let norm = grad.reduce(0.0) { $0 + Double($1) * Double($1) }.squareRoot()
        let clip = c.maxGradNorm > 0 && norm > Double(c.maxGradNorm) ? Double(c.maxGradNorm) / norm : 1
        let (b1, b2, eps) = (Double(c.beta1), Double(c.beta2), Double(c.epsilon))
        let c1 = c.biasCorrection ? 1 - pow(b1, Double(c.step)) : 1, c2 = c.biasCorrection ? 1 - pow(b2, Double(c.step)) : 1
        var ratios: [Double] = []
        for t in tensors {
            let range = t.offset..<(t.offset + t.count)
            let wd = t.decay ? Double(c.weightDecay) : 0
            var u = [Double](repeating: 0, count: t.count)
            for (k, i) in range.enumerated() {
                let g = Double(grad[i]) * clip
                m[i] = b1 * m[i] + (1 - b1) * g
                v[i] = b2 * v[i] + (1 - b2) * g * g
                u[k] = (m[i] / c1) / ((v[i] / c2).squareRoot() + eps) + wd * p[i]
            }
            let pNorm = range.reduce(0.0) { $0 + p[$1] * p[$1] }.squareRoot()
            let uNorm = u.reduce(0.0) { $0 + $1 * $1 }.squareRoot()
            let r = t.adapt && pNorm > 0 && uNorm > 0 ? pNorm / uNorm : 1
            for (k, i) in range.enumerated() { p[i] -= Double(c.learningRate) * r * u[k] }
            ratios.append(r)
        }
        return ratios
    }

    /// Runs `steps` steps on `device`; returns p, m, v, the last step's update (gradient buffer) and ratios, and
    /// every step's ratios.
    private func run(on device: any Device, _ input: Inputs, _ config: LAMBConfig, layout: LAMBLayout)
        throws -> (p: [Float], m: [Float], v: [Float], u: [Float], ratios: [Float], stepRatios: [[Float]]) {
        let slice = OptimizerSlice(parameters: try device.uploadAtOffset(input.p, label: "p"),
                                   gradients: try device.uploadAtOffset(input.grads[0], label: "g"),
                                   m: try device.uploadAtOffset(input.m, label: "m"),
                                   v: try device.uploadAtOffset(input.v, label: "v"))                 // [n] each
        let tables = try LAMBTables.allocate([layout], on: device, label: "test LAMB")[0]
        let normSquared = try device.allocate(1, label: "norm²")                                   // [1]
        var stepRatios: [[Float]] = []
        for (s, grad) in input.grads.enumerated() {
            try device.write(grad, to: slice.gradients)
            try device.sumOfSquares(slice.gradients, into: normSquared, accumulate: false)
            var c = config
            c.step = s + 1
            try device.lamb(slice, tables: tables, normSquared: normSquared, config: c)
            stepRatios.append(try device.readFloats(tables.ratios))
        }
        return (try device.readFloats(slice.parameters), try device.readFloats(slice.m), try device.readFloats(slice.v),
                try device.readFloats(slice.gradients), stepRatios.last ?? [], stepRatios)
    }

    private func checkAgainstReference(_ config: LAMBConfig, seed: UInt64, file: StaticString = #filePath,
                                       line: UInt = #line) throws {
        let steps = 3
        let input = inputs(steps: steps, seed: seed)
        let layout = try LAMBLayout(tensors: tensors, chunkSize: 1000)
        XCTAssertEqual(layout.chunkCount, 3 + 1 + 1 + 5 + 1 + 2 + 1)
        var p = input.p.map(Double.init), m = input.m.map(Double.init), v = input.v.map(Double.init)
        var stepRatios: [[Double]] = []
        for s in 0..<steps {
            var c = config
            c.step = s + 1
            stepRatios.append(referenceStep(&p, &m, &v, grad: input.grads[s], c))
        }
        let ratios = stepRatios[steps - 1]
        XCTAssertEqual(ratios[1], 1, "excluded tensor", file: file, line: line)
        XCTAssertEqual(stepRatios[0][4], 1, "‖p‖ = 0 in the first step", file: file, line: line)
        XCTAssertNotEqual(ratios[4], 1, "p ≠ 0 after the first step", file: file, line: line)
        XCTAssertEqual(ratios[5], 1, "‖u‖ = 0", file: file, line: line)
        XCTAssertTrue(ratios[0] != 1 && ratios[3] != 1, "adapted tensors have real ratios", file: file, line: line)
        var outputs: [[Float]] = [], updates: [[Float]] = []
        for device in try TestDevices.both() {
            let got = try run(on: device, input, config, layout: layout)
            let name = "\(config) on \(device.info)"
            assertClose(got.p, p.map(Float.init), atol: 1e-6, rtol: 1e-5, "parameters \(name)", file: file, line: line)
            assertClose(got.m, m.map(Float.init), atol: 1e-8, rtol: 1e-5, "m \(name)", file: file, line: line)
            assertClose(got.v, v.map(Float.init), atol: 1e-10, rtol: 1e-5, "v \(name)", file: file, line: line)
            for s in 0..<steps {
                assertClose(got.stepRatios[s], stepRatios[s].map(Float.init), atol: 0, rtol: 1e-5, "step \(s + 1) ratios \(name)",
                            file: file, line: line)
            }
            XCTAssertEqual(got.ratios[1], 1, "excluded: exactly 1 on \(device.info)", file: file, line: line)
            XCTAssertEqual(got.stepRatios[0][4], 1, "‖p‖ = 0: exactly 1 on \(device.info)", file: file, line: line)
            XCTAssertEqual(got.ratios[5], 1, "‖u‖ = 0: exactly 1 on \(device.info)", file: file, line: line)
            let quiet = tensors[5]
            XCTAssertEqual(Set(got.p[quiet.offset..<(quiet.offset + quiet.count)]),
                           Set(input.p[quiet.offset..<(quiet.offset + quiet.count)]), "u = 0 leaves p", file: file, line: line)
            outputs.append(got.p + got.m + got.v + got.ratios)
            updates.append(got.u)
        }
        assertClose(outputs[1], outputs[0], atol: 1e-7, rtol: 1e-5, "OpenCL vs CPU twin", file: file, line: line)
        // u = m̂/(√v̂ + ε) + wd·p: terms of order 1 that can cancel, so an absolute tolerance at their scale.
        assertClose(updates[1], updates[0], atol: 1e-5, rtol: 1e-5, "OpenCL vs CPU twin: u", file: file, line: line)
    }

    func testThreeStepsMatchADoublePrecisionReferenceWithClippingAndBiasCorrection() throws {
        // Gradient norms ≈ 3.3 > 1: clipped.
        try checkAgainstReference(LAMBConfig(learningRate: 1e-3, weightDecay: 0.01, biasCorrection: true, maxGradNorm: 1),
                                  seed: 130)
    }

    func testThreeStepsWithoutBiasCorrectionOrClipping() throws {
        try checkAgainstReference(LAMBConfig(learningRate: 5e-3, epsilon: 1e-6, weightDecay: 0.1, biasCorrection: false,
                                             maxGradNorm: 0), seed: 131)
    }

    func testClippingChangesTheStep() throws {
        // The reference and the devices must agree that clipping matters (a test that cannot pass by ignoring it).
        let input = inputs(steps: 1, seed: 132)
        let layout = try LAMBLayout(tensors: tensors, chunkSize: 1000)
        let clipped = LAMBConfig(learningRate: 1e-2, biasCorrection: true, maxGradNorm: 0.01)
        let free = LAMBConfig(learningRate: 1e-2, biasCorrection: true, maxGradNorm: 0)
        for device in try TestDevices.both() {
            let a = try run(on: device, input, clipped, layout: layout), b = try run(on: device, input, free, layout: layout)
            XCTAssertNotEqual(a.m, b.m, "m differs with clipping on \(device.info)")
            var p = input.p.map(Double.init), m = input.m.map(Double.init), v = input.v.map(Double.init)
            _ = referenceStep(&p, &m, &v, grad: input.grads[0], clipped)
            assertClose(a.m, m.map(Float.init), atol: 1e-9, rtol: 1e-5, "clipped m on \(device.info)")
        }
    }

    func testDeterministicAndDefaultChunksSpanningTensors() throws {
        // The default chunk size over tensors larger than one chunk (150,001 = 3 chunks), bit-identical run to run.
        let big = [LAMBTensor(offset: 0, count: 150_001, decay: true, adapt: true),
                   LAMBTensor(offset: 150_016, count: 70_000, decay: false, adapt: false),
                   LAMBTensor(offset: 220_032, count: 65_536, decay: true, adapt: true)]
        let layout = try LAMBLayout(tensors: big)
        XCTAssertEqual(layout.chunkCount, 3 + 2 + 1)
        XCTAssertEqual(layout.tensorTable, [0, 3, 3, 3, 2, 0, 5, 1, 3])
        XCTAssertEqual(Array(layout.chunkTable[6..<9]), [131_072, 18_929, 0])
        var data = TestData(seed: 133)
        let count = layout.elementCount
        let input = Inputs(p: data.uniform(count, -0.5, 0.5), m: data.uniform(count, -0.01, 0.01),
                           v: data.uniform(count, 0, 1e-4), grads: [data.uniform(count, -0.01, 0.01)])
        let config = LAMBConfig(learningRate: 1e-3, maxGradNorm: 1)
        var perDevice: [[Float]] = []
        for device in try TestDevices.both() {
            let first = try run(on: device, input, config, layout: layout)
            let second = try run(on: device, input, config, layout: layout)
            XCTAssertEqual(first.p, second.p, "bit-identical parameters run to run on \(device.info)")
            XCTAssertEqual(first.ratios, second.ratios, "bit-identical ratios run to run on \(device.info)")
            XCTAssertEqual(first.ratios[1], 1)
            perDevice.append(first.p + first.ratios)
        }
        assertClose(perDevice[1], perDevice[0], atol: 1e-7, rtol: 1e-5, "OpenCL vs CPU twin")
    }

    func testLayoutChecks() throws {
        XCTAssertThrowsError(try LAMBLayout(tensors: [LAMBTensor(offset: 10, count: 5, decay: true, adapt: true),
                                                      LAMBTensor(offset: 12, count: 5, decay: true, adapt: true)]))
        let synthetic = try LAMBLayout.synthetic(count: 1_000_003, tensors: 7, chunks: 20)
        XCTAssertEqual(synthetic.tensors.count, 7)
        XCTAssertEqual(synthetic.chunkCount, 20)
        XCTAssertLessThanOrEqual(synthetic.elementCount, 1_000_003)
        XCTAssertThrowsError(try LAMBLayout.synthetic(count: 10, tensors: 2, chunks: 3), "3 chunks need > 65536 elements")
        XCTAssertEqual(LAMBLayout.chunkCount(tensorSizes: [1, 65_536, 65_537, 0]), 4)
        XCTAssertEqual(LAMBTables.allocationBytes(chunks: 4, tensors: 3), 4 * 21 + 4 * 11)
    }

    func testTablesOutsideTheSliceAreRefusedOnTheCPU() throws {
        let device = TestDevices.cpu
        let layout = try LAMBLayout(tensors: [LAMBTensor(offset: 0, count: 100, decay: true, adapt: true)])
        let tables = try LAMBTables.allocate([layout], on: device, label: "bad")[0]
        let short = OptimizerSlice(parameters: try device.allocate(99, label: "p"), gradients: try device.allocate(99, label: "g"),
                                   m: try device.allocate(99, label: "m"), v: try device.allocate(99, label: "v"))
        assertComputeError(["lamb", "chunk 0"]) {
            try device.lamb(short, tables: tables, normSquared: try device.upload([Float(1)], label: "n²"),
                            config: LAMBConfig(learningRate: 1))
        }
        let wrongPartials = LAMBTables(chunks: tables.chunks, tensors: tables.tensors, partials: tables.ratios,
                                       ratios: tables.ratios)
        for d in [device as any Device, DryRunDevice(mirroring: device)] {
            let slice = OptimizerSlice(parameters: try d.allocate(100, label: "p"), gradients: try d.allocate(100, label: "g"),
                                       m: try d.allocate(100, label: "m"), v: try d.allocate(100, label: "v"))
            let own = d === device ? wrongPartials : try LAMBTables.allocate([layout], on: d, label: "dry")[0]
            let bad = LAMBTables(chunks: own.chunks, tensors: own.tensors, partials: own.ratios, ratios: own.ratios)
            assertComputeError(["lamb", "partials"]) {
                try d.lamb(slice, tables: bad, normSquared: try d.allocate(1, label: "n²"), config: LAMBConfig(learningRate: 1))
            }
        }
    }
}
