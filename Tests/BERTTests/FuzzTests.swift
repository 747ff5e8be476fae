import Compute
@testable import BERT
import Foundation
import XCTest

/// A deterministic property harness: thousands of mutated safetensors files, TensorFlow index files and
/// configs must each open and read cleanly or fail with an error — never crash or hang.
final class FuzzTests: XCTestCase {
    private var folder: TemporaryFolder!

    override func setUpWithError() throws { folder = try TemporaryFolder() }
    override func tearDown() { folder = nil }

    func testMutatedSafetensorsNeverCrash() throws {
        let small = try SafetensorsWriter.encode([
            TensorPayload(name: "embeddings.LayerNorm.weight", shape: [4], values: [1, 2, 3, 4]),
            TensorPayload(name: "pooler.dense.weight", shape: [2, 2], values: [0.5, -0.5, 0.25, -0.25]),
            TensorPayload(name: "pooler.dense.bias", shape: [2], values: [0, 1]),
        ], path: "seed")
        let real = try Data(contentsOf: URL(fileURLWithPath: Fixtures.hfTiny + "/variants/f16-noprefix.safetensors"))
        var mutator = Mutator(seed: 0x5AFE_7E45)
        var outcomes = Outcomes()
        for iteration in 0..<2500 {
            let seed = iteration % 8 == 0 ? real.bytes : small.bytes
            let headerEnd = min(seed.count, 8 + Int(seed.prefix(8).withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }))
            let bytes = mutator.mutate(seed, focus: 0..<headerEnd, lengthField: 0..<8)
            let path = try fresh(bytes, name: "fuzz.safetensors", iteration: iteration)
            defer { try? FileManager.default.removeItem(atPath: path) }
            outcomes.record {
                let checkpoint = try Checkpoint.open(path)
                for tensor in checkpoint.tensors { _ = try checkpoint.readFloats(tensor.name) }
            }
        }
        print("safetensors fuzz: \(outcomes)")
        XCTAssertGreaterThan(outcomes.opened, 0, "some mutations still parse")
        XCTAssertGreaterThan(outcomes.failed, 1000, "most mutations are errors")
    }

    func testMutatedTensorFlowIndexesNeverCrash() throws {
        let checkpoint = try folder.copy(Fixtures.tfTiny, as: "ckpt")
        let indexPath = checkpoint + "/bert_model.ckpt.index"
        let seed = try Data(contentsOf: URL(fileURLWithPath: indexPath)).bytes
        let blocks = try Self.blockRanges(seed)
        var mutator = Mutator(seed: 0x7F_1DE5)
        var outcomes = Outcomes()
        for iteration in 0..<2000 {
            var bytes = mutator.mutate(seed, focus: 0..<seed.count, lengthField: nil)
            // Half the time, repair the block checksums so the mutation reaches the block and proto parsers.
            if iteration % 2 == 0, bytes.count == seed.count { Self.repairChecksums(&bytes, blocks: blocks) }
            XCTAssertEqual(rename(try fresh(bytes, name: "index", iteration: iteration), indexPath), 0)
            outcomes.record {
                let opened = try Checkpoint.open(checkpoint)
                for tensor in opened.tensors { _ = try opened.readFloats(tensor.name) }
            }
        }
        print("TensorFlow index fuzz: \(outcomes)")
        XCTAssertGreaterThan(outcomes.opened, 0)
        XCTAssertGreaterThan(outcomes.failed, 500)
    }

    func testMutatedConfigsNeverCrash() throws {
        let seeds = [try Data(contentsOf: URL(fileURLWithPath: Fixtures.hfTiny + "/config.json")).bytes,
                     try Data(contentsOf: URL(fileURLWithPath: Fixtures.tfTiny + "/bert_config.json")).bytes]
        var mutator = Mutator(seed: 0xC0_4F16)
        var outcomes = Outcomes()
        for iteration in 0..<2000 {
            let seed = seeds[iteration % 2]
            let bytes = mutator.mutate(seed, focus: 0..<seed.count, lengthField: nil)
            outcomes.record {
                let config = try BertConfig.parse(Data(bytes), file: "fuzz.json", dialect: iteration % 2 == 0 ? .huggingFace : .google)
                _ = config.parameterCount(heads: .preTraining)
            }
        }
        print("config fuzz: \(outcomes)")
        XCTAssertGreaterThan(outcomes.opened, 0)
    }

    // MARK: Helpers

    /// Writes `bytes` to a new file (a new inode each time, so no earlier mapping ever sees its file change;
    /// no fsync, so the harness runs at memory speed).
    private func fresh(_ bytes: [UInt8], name: String, iteration: Int) throws -> String {
        let path = folder.path + "/\(iteration)-\(name)"
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        guard fd >= 0 else { throw CheckpointError(.io, file: path, "cannot create the fuzz input") }
        defer { close(fd) }
        let written = bytes.withUnsafeBytes { Foundation.write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count else { throw CheckpointError(.io, file: path, "cannot write the fuzz input") }
        return path
    }

    /// The (start, end) of every block's contents in a valid index file: data blocks, metaindex, index.
    private static func blockRanges(_ bytes: [UInt8]) throws -> [Range<Int>] {
        func varint(_ position: inout Int) -> Int {
            var value = 0, shift = 0
            while true {
                let byte = bytes[position]
                position += 1
                value |= Int(byte & 0x7f) << shift
                if byte & 0x80 == 0 { return value }
                shift += 7
            }
        }
        var position = bytes.count - SSTable.footerSize
        let metaOffset = varint(&position), metaSize = varint(&position)
        let indexOffset = varint(&position), indexSize = varint(&position)
        var ranges = [metaOffset..<(metaOffset + metaSize), indexOffset..<(indexOffset + indexSize)]
        // The index block's entries end with the data block handles; in this small fixture there is one data block.
        ranges.append(0..<metaOffset - SSTable.trailerSize)
        return ranges
    }

    private static func repairChecksums(_ bytes: inout [UInt8], blocks: [Range<Int>]) {
        for block in blocks where block.upperBound + SSTable.trailerSize <= bytes.count {
            let crc = bytes.withUnsafeBytes { CRC32C.checksum(UnsafeRawBufferPointer(rebasing: $0[block.lowerBound...block.upperBound])) }
            let masked = CRC32C.mask(crc)
            for i in 0..<4 { bytes[block.upperBound + 1 + i] = UInt8(truncatingIfNeeded: masked >> (8 * UInt32(i))) }
        }
    }
}

/// Counts how mutated inputs ended; anything but a CheckpointError is a test failure.
private struct Outcomes: CustomStringConvertible {
    var opened = 0
    var failed = 0
    var kinds: [CheckpointError.Kind: Int] = [:]
    let start = Date()

    mutating func record(file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void) {
        do {
            try body()
            opened += 1
        } catch let error as CheckpointError {
            failed += 1
            kinds[error.kind, default: 0] += 1
            XCTAssertFalse(error.file.isEmpty, "an error must name its file: \(error)", file: file, line: line)
        } catch {
            XCTFail("unexpected error type \(type(of: error)): \(error)", file: file, line: line)
        }
    }

    var description: String {
        let byKind = kinds.sorted { $0.value > $1.value }.map { "\($0.key.rawValue) \($0.value)" }.joined(separator: ", ")
        return "\(opened) opened, \(failed) errors (\(byKind)) in \(String(format: "%.2f", Date().timeIntervalSince(start))) s"
    }
}

/// Byte-level mutations: bit flips, random bytes, truncation, insertions and deletions, huge length fields,
/// maximal varints and altered JSON digits.
private struct Mutator {
    var rng: SplitMix64

    init(seed: UInt64) { rng = SplitMix64(seed: seed) }

    mutating func mutate(_ seed: [UInt8], focus: Range<Int>, lengthField: Range<Int>?) -> [UInt8] {
        var bytes = seed
        for _ in 0..<Int.random(in: 1...4, using: &rng) where !bytes.isEmpty {
            let inFocus = focus.clamped(to: 0..<bytes.count)
            let position = !inFocus.isEmpty && Int.random(in: 0..<10, using: &rng) < 8
                ? Int.random(in: inFocus, using: &rng) : Int.random(in: 0..<bytes.count, using: &rng)
            switch Int.random(in: 0..<9, using: &rng) {
            case 0: bytes[position] ^= UInt8(1) << UInt8.random(in: 0..<8, using: &rng)
            case 1: bytes[position] = UInt8.random(in: 0...255, using: &rng)
            case 2: bytes.removeLast(Int.random(in: 0...bytes.count, using: &rng))
            case 3:
                let run = min(Int.random(in: 1...8, using: &rng), bytes.count - position)
                for i in 0..<run { bytes[position + i] = UInt8.random(in: 0...255, using: &rng) }
            case 4:
                if let lengthField, lengthField.upperBound <= bytes.count {
                    let huge: [UInt64] = [.max, 1 << 63, UInt64(bytes.count), UInt64(bytes.count) - 7, 0, .random(in: 0...(1 << 40), using: &rng)]
                    let value = huge[Int.random(in: 0..<huge.count, using: &rng)]
                    for (i, index) in lengthField.enumerated() { bytes[index] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(i))) }
                } else {
                    // A maximal 10-byte varint (or an unterminated one) where a length might be.
                    let varint: [UInt8] = Bool.random(using: &rng) ? [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01]
                        : [0xff, 0xff, 0xff, 0xff, 0x0f]
                    for (i, byte) in varint.enumerated() where position + i < bytes.count { bytes[position + i] = byte }
                }
            case 5:
                let insert = (0..<Int.random(in: 1...16, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                bytes.insert(contentsOf: insert, at: position)
            case 6:
                bytes.removeSubrange(position..<min(bytes.count, position + Int.random(in: 1...16, using: &rng)))
            case 7:
                // Change a JSON number: another digit, a sign, or a huge literal.
                if let digit = bytes[position...].firstIndex(where: { (48...57).contains($0) }) {
                    let replacements: [[UInt8]] = [[UInt8.random(in: 48...57, using: &rng)], Array("-".utf8),
                                                   Array("99999999999999999999".utf8), Array("1e308".utf8), Array("0.5".utf8)]
                    bytes.replaceSubrange(digit...digit, with: replacements[Int.random(in: 0..<replacements.count, using: &rng)])
                }
            default:
                // Duplicate a chunk (repeated keys, repeated entries).
                let end = min(bytes.count, position + Int.random(in: 1...64, using: &rng))
                bytes.insert(contentsOf: bytes[position..<end], at: end)
            }
        }
        return bytes
    }
}
