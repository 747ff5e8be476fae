import TestSupport
import XCTest
@testable import Compute

/// The embedding sum and its deterministic CSR scatter-add, on both devices; the host-side index builder.
final class EmbeddingTests: XCTestCase {
    func testScatterIndexGroupsTokensAndRejectsOutOfRangeIds() throws {
        let index = try ScatterIndex.build(ids: [5, 2, 5, 0, 2, 5], tableRows: 6, table: "word")
        XCTAssertEqual(index.rows, [0, 2, 5])
        XCTAssertEqual(index.offsets, [0, 1, 3, 6])
        XCTAssertEqual(index.members, [3, 1, 4, 0, 2, 5])
        assertComputeError(["token 1 has id 7", "6 rows of the word table"]) {
            _ = try ScatterIndex.build(ids: [1, 7], tableRows: 6, table: "word")
        }
        XCTAssertEqual(try ScatterIndex.positions(tokens: 6, sequence: 3).members, [0, 3, 1, 4, 2, 5])
    }

    func testForwardAndBackwardOnBothDevices() throws {
        // Batch 3 × seq 16, hidden 48, vocab 50: repeated ids exercise the scatter-add.
        let (batch, seq, hidden, vocab) = (3, 16, 48, 50)
        let tokens = batch * seq
        var data = TestData(seed: 80)
        let ids = (0..<tokens).map { _ in Int32(data.random.next() % 20) }
        let types = (0..<tokens).map { Int32(($0 % seq) < 9 ? 0 : 1) }
        let word = data.uniform(vocab * hidden), position = data.uniform(64 * hidden), type = data.uniform(2 * hidden)
        let dout = data.uniform(tokens * hidden)
        let shape = EmbeddingShape(tokens: tokens, sequence: seq, hidden: hidden)

        var expectedOut = [Float](repeating: 0, count: tokens * hidden)
        var expectedWordGrad = [Double](repeating: 0, count: vocab * hidden)
        var expectedPositionGrad = [Double](repeating: 0, count: 64 * hidden)
        for t in 0..<tokens {
            for c in 0..<hidden {
                expectedOut[t * hidden + c] = word[Int(ids[t]) * hidden + c] + position[(t % seq) * hidden + c]
                    + type[Int(types[t]) * hidden + c]
                expectedWordGrad[Int(ids[t]) * hidden + c] += Double(dout[t * hidden + c])
                expectedPositionGrad[(t % seq) * hidden + c] += Double(dout[t * hidden + c])
            }
        }
        var grads: [[Float]] = []
        for device in [TestDevices.cpu as any Device, try TestDevices.openCL()] {
            let out = try device.allocate(tokens * hidden, label: "embeddings")
            let wordTable = try device.uploadAtOffset(word, label: "word")
            try device.embedding(EmbeddingForward(ids: try device.upload(ids, label: "ids"),
                                                  types: try device.upload(types, label: "types"),
                                                  word: wordTable, position: try device.upload(position, label: "pos"),
                                                  type: try device.upload(type, label: "type"), output: out), shape: shape)
            XCTAssertEqual(try device.readFloats(out), expectedOut, "forward on \(device.info)")

            let doutView = try device.upload(dout, label: "dout")
            let wordGrad = try device.upload([Float](repeating: 0, count: vocab * hidden), label: "dword")
            let positionGrad = try device.upload([Float](repeating: 0, count: 64 * hidden), label: "dpos")
            for (index, grad) in [(try ScatterIndex.build(ids: ids, tableRows: vocab, table: "word"), wordGrad),
                                  (try ScatterIndex.positions(tokens: tokens, sequence: seq), positionGrad)] {
                let deviceIndex = DeviceScatterIndex(rows: try device.upload(index.rows, label: "rows"),
                                                     offsets: try device.upload(index.offsets, label: "offsets"),
                                                     members: try device.upload(index.members, label: "members"))
                try device.scatterAddRows(doutView, index: deviceIndex, into: grad, hidden: hidden)
                try device.scatterAddRows(doutView, index: deviceIndex, into: grad, hidden: hidden)   // accumulates
            }
            let dword = try device.readFloats(wordGrad), dpos = try device.readFloats(positionGrad)
            assertClose(dword, expectedWordGrad.map { Float(2 * $0) }, atol: 1e-5, rtol: 1e-5, "word grad on \(device.info)")
            assertClose(dpos, expectedPositionGrad.map { Float(2 * $0) }, atol: 1e-5, rtol: 1e-5, "position grad on \(device.info)")
            grads.append(dword + dpos)
        }
        XCTAssertEqual(grads[0], grads[1], "the same summation order on both devices: bit-identical gradients")
    }
}
