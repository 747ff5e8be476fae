import Foundation
import TestSupport
import XCTest
@testable import Compute

/// The attention pieces: fused softmax (mask, dropout) forward/backward, head layout changes, and the
/// online-softmax forward, which must equal the unfused GEMM → softmax → GEMM path on both devices.
final class AttentionTests: XCTestCase {
    /// Key masks for batch 3: a padded row, a full row, and an all-padding row (must give zeros, not NaN).
    private func masks(batch: Int, keys: Int) -> [Int32] {
        (0..<batch).flatMap { b -> [Int32] in
            (0..<keys).map { j in b == 0 ? (j < keys - 5 ? 1 : 0) : b == 1 ? 1 : (b == 2 ? 0 : Int32(j % 2)) }
        }
    }

    private func softmaxRun(_ device: any Device, shape s: AttentionShape, scores: [Float], mask: [Int32],
                            dropout: DropoutConfig?, upstream: [Float]) throws -> (p: [Float], d: [Float], ds: [Float]) {
        let sv = try device.uploadAtOffset(scores, label: "scores")
        let mv = try device.upload(mask, label: "mask")
        let pv = try device.allocate(s.scoreCount, label: "P"), dv = try device.allocate(s.scoreCount, label: "D")
        let scale = 1 / Float(s.headDim).squareRoot()
        try device.attentionSoftmax(AttentionSoftmaxForward(scores: sv, keyMask: mv, probabilities: pv, dropout: dropout,
                                                            dropped: dv, scale: scale), shape: s)
        let up = try device.uploadAtOffset(upstream, label: "dD")
        try device.attentionSoftmaxBackward(AttentionSoftmaxBackward(gradDropped: up, probabilities: pv, gradScores: up,
                                                                     dropout: dropout, scale: scale), shape: s)
        return (try device.readFloats(pv), try device.readFloats(dv), try device.readFloats(up))
    }

    func testSoftmaxMatchesReferenceAndFullyMaskedRowsAreZero() throws {
        let s = AttentionShape(batch: 3, heads: 2, queryLength: 5, keyLength: 19, headDim: 16)
        var data = TestData(seed: 70)
        let scores = data.uniform(s.scoreCount, -8, 8), upstream = data.uniform(s.scoreCount)
        let mask = masks(batch: 3, keys: 19)
        let cpu = try softmaxRun(TestDevices.cpu, shape: s, scores: scores, mask: mask, dropout: nil, upstream: upstream)
        let scale = 0.25
        var expectedP = [Float](repeating: 0, count: s.scoreCount), expectedDS = expectedP
        for g in 0..<s.scoreRows {
            let b = g / (s.heads * s.queryLength)
            let valid = (0..<19).filter { mask[b * 19 + $0] != 0 }
            guard !valid.isEmpty else { continue }
            let m = valid.map { scale * Double(scores[g * 19 + $0]) }.max()!
            let total = valid.reduce(0.0) { $0 + exp(scale * Double(scores[g * 19 + $1]) - m) }
            var p = [Double](repeating: 0, count: 19)
            for j in valid { p[j] = exp(scale * Double(scores[g * 19 + j]) - m) / total }
            let dot = (0..<19).reduce(0.0) { $0 + p[$1] * Double(upstream[g * 19 + $1]) }
            for j in 0..<19 {
                expectedP[g * 19 + j] = Float(p[j])
                expectedDS[g * 19 + j] = Float(scale * p[j] * (Double(upstream[g * 19 + j]) - dot))
            }
        }
        assertClose(cpu.p, expectedP, atol: 1e-7, rtol: 1e-5, "softmax")
        assertClose(cpu.ds, expectedDS, atol: 1e-7, rtol: 1e-4, "softmax backward")
        XCTAssertEqual(cpu.d, cpu.p, "without dropout the dropped copy equals P")
        XCTAssertFalse(cpu.p.contains { $0.isNaN })
        XCTAssertTrue(cpu.p[(2 * s.heads * s.queryLength * 19)...].allSatisfy { $0 == 0 }, "all-padding batch row")
    }

    func testOpenCLSoftmaxMatchesCPUWithDropout() throws {
        let openCL = try TestDevices.openCL()
        // BERT-Base heads at seq 128 for one example, plus the masks above.
        let s = AttentionShape(batch: 3, heads: 12, queryLength: 128, keyLength: 128, headDim: 64)
        var data = TestData(seed: 71)
        let scores = data.uniform(s.scoreCount, -10, 10), upstream = data.uniform(s.scoreCount)
        for dropout in [nil, DropoutConfig(probability: 0.1, seed: 3, stream: 11)] {
            let cpu = try softmaxRun(TestDevices.cpu, shape: s, scores: scores, mask: masks(batch: 3, keys: 128),
                                     dropout: dropout, upstream: upstream)
            let cl = try softmaxRun(openCL, shape: s, scores: scores, mask: masks(batch: 3, keys: 128),
                                    dropout: dropout, upstream: upstream)
            assertClose(cl.p, cpu.p, atol: 1e-7, rtol: 1e-5, "P")
            assertClose(cl.d, cpu.d, atol: 1e-7, rtol: 1e-5, "dropout(P)")
            assertClose(cl.ds, cpu.ds, atol: 1e-7, rtol: 1e-4, "dS")
            if dropout != nil {
                XCTAssertEqual(zip(cpu.p, cpu.d).map { $0 != 0 && $1 == 0 }, zip(cl.p, cl.d).map { $0 != 0 && $1 == 0 },
                               "the same elements are dropped on both devices")
            }
        }
    }

    func testSplitAndMergeHeads() throws {
        // Q, K, V inside a fused [B·S, 3H] projection output, H = heads·D.
        let layout = HeadLayout(batch: 2, sequence: 7, heads: 3, headDim: 4, rowStride: 36)
        var data = TestData(seed: 72)
        let qkv = data.uniform(2 * 7 * 36)
        for device in [TestDevices.cpu as any Device, try TestDevices.openCL()] {
            let fused = try device.upload(qkv, label: "qkv")
            let k = try device.allocate(layout.headMajorCount, label: "k")
            try device.splitHeads(try fused.slice(12, count: qkv.count - 12), into: k, layout: layout)
            let split = try device.readFloats(k)
            for b in 0..<2 { for h in 0..<3 { for s in 0..<7 { for e in 0..<4 {
                XCTAssertEqual(split[((b * 3 + h) * 7 + s) * 4 + e], qkv[(b * 7 + s) * 36 + 12 + h * 4 + e])
            } } } }
            let back = try device.upload([Float](repeating: -1, count: qkv.count), label: "back")
            try device.mergeHeads(k, into: try back.slice(12, count: qkv.count - 12), layout: layout)
            let merged = try device.readFloats(back)
            for row in 0..<14 {
                XCTAssertEqual(Array(merged[(row * 36 + 12)..<(row * 36 + 24)]), Array(qkv[(row * 36 + 12)..<(row * 36 + 24)]))
                XCTAssertTrue(merged[(row * 36)..<(row * 36 + 12)].allSatisfy { $0 == -1 }, "other columns untouched")
            }
        }
    }

    /// Unfused attention: scores = Q·Kᵀ, softmax (+dropout), context = dropout(P)·V, merged into rows.
    private func unfused(_ device: any Device, _ s: AttentionShape, q: BufferView, k: BufferView, v: BufferView,
                         mask: BufferView, dropout: DropoutConfig?) throws -> [Float] {
        let (S, D) = (s.queryLength, s.headDim)
        let scores = try device.allocate(s.scoreCount, label: "scores"), dropped = try device.allocate(s.scoreCount, label: "D")
        let bh = s.batch * s.heads
        try device.gemmStridedBatched(GEMMShape(m: S, n: S, k: D, transB: .transposed),
                                      batch: BatchStrides(count: bh, a: S * D, b: S * D, c: S * S), a: q, b: k, c: scores)
        try device.attentionSoftmax(AttentionSoftmaxForward(scores: scores, keyMask: mask, probabilities: scores,
                                                            dropout: dropout, dropped: dropped,
                                                            scale: 1 / Float(D).squareRoot()), shape: s)
        let context = try device.allocate(bh * S * D, label: "context")
        try device.gemmStridedBatched(GEMMShape(m: S, n: D, k: S), batch: BatchStrides(count: bh, a: S * S, b: S * D, c: S * D),
                                      a: dropped, b: v, c: context)
        let out = try device.allocate(s.batch * S * s.heads * D, label: "out")
        try device.mergeHeads(context, into: out, layout: HeadLayout(batch: s.batch, sequence: S, heads: s.heads,
                                                                     headDim: D, rowStride: s.heads * D))
        return try device.readFloats(out)
    }

    func testFlashAttentionEqualsUnfusedPathOnBothDevices() throws {
        let openCL = try TestDevices.openCL()
        for (headDim, seq) in [(32, 40), (64, 77)] {
            let s = AttentionShape(batch: 3, heads: 2, queryLength: seq, keyLength: seq, headDim: headDim)
            var data = TestData(seed: 73)
            let n = s.scoreRows * headDim
            let (q, k, v) = (data.uniform(n, -2, 2), data.uniform(n, -2, 2), data.uniform(n))
            for dropout in [nil, DropoutConfig(probability: 0.1, seed: 5, stream: 9)] {
                var flashResults: [[Float]] = []
                for device in [TestDevices.cpu as any Device, openCL] {
                    let qv = try device.upload(q, label: "q"), kv = try device.upload(k, label: "k")
                    let vv = try device.upload(v, label: "v"), mv = try device.upload(masks(batch: 3, keys: seq), label: "mask")
                    let expected = try unfused(device, s, q: qv, k: kv, v: vv, mask: mv, dropout: dropout)
                    let out = try device.allocate(n, label: "flash out")
                    try device.flashAttention(FlashAttentionForward(query: qv, key: kv, value: vv, keyMask: mv, output: out,
                                                                    outputRowStride: s.heads * headDim, dropout: dropout,
                                                                    scale: 1 / Float(headDim).squareRoot()), shape: s)
                    let flash = try device.readFloats(out)
                    assertClose(flash, expected, atol: 1e-5, rtol: 1e-4,
                                "flash vs unfused, d=\(headDim), dropout \(dropout != nil) on \(device.info)")
                    XCTAssertTrue(flash[(2 * seq * s.heads * headDim)...].allSatisfy { $0 == 0 }, "all-padding example")
                    flashResults.append(flash)
                }
                assertClose(flashResults[1], flashResults[0], atol: 1e-5, rtol: 1e-4, "flash opencl vs cpu d=\(headDim)")
            }
        }
    }
}
