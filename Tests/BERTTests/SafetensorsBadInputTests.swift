import BERT
import Foundation
import XCTest

/// Every way a safetensors file can be wrong gives a CheckpointError naming the file and the tensor or field.
final class SafetensorsBadInputTests: XCTestCase {
    private var folder: TemporaryFolder!

    override func setUpWithError() throws { folder = try TemporaryFolder() }
    override func tearDown() { folder = nil }

    /// A file with `header` as its JSON header and `dataBytes` zero bytes after it.
    private func file(_ header: String, dataBytes: Int, declaredLength: UInt64? = nil, name: String = "bad.safetensors") throws -> String {
        var data = Data()
        let headerBytes = Data(header.utf8)
        withUnsafeBytes(of: (declaredLength ?? UInt64(headerBytes.count)).littleEndian) { data.append(contentsOf: $0) }
        data.append(headerBytes)
        data.append(Data(count: dataBytes))
        return try folder.write(data, to: name)
    }

    private func open(_ path: String) throws { _ = try SafetensorsFile(path: path) }

    func testTruncatedFiles() throws {
        let tiny = try folder.write(Data([1, 2, 3]), to: "short.safetensors")
        assertCheckpointError(.truncated, mentions: ["short.safetensors", "8-byte header length"]) { try open(tiny) }
        let header = #"{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}"#
        let cut = try file(header, dataBytes: 10)
        assertCheckpointError(.truncated, mentions: ["bad.safetensors", "tensor 'w'", "[0, 16]", "10 bytes"]) { try open(cut) }
        let empty = try folder.write(Data(), to: "empty.safetensors")
        assertCheckpointError(.truncated, mentions: ["empty.safetensors"]) { try open(empty) }
    }

    func testHeaderLengthOutsideTheFile() throws {
        let header = #"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#
        let long = try file(header, dataBytes: 4, declaredLength: 4096)
        assertCheckpointError(.truncated, mentions: ["bad.safetensors", "header length 4096", "past the end"]) { try open(long) }
        let huge = try file(header, dataBytes: 4, declaredLength: UInt64.max, name: "huge.safetensors")
        assertCheckpointError(.malformed, mentions: ["huge.safetensors", "limit"]) { try open(huge) }
    }

    func testOffsetsOutsideTheDataArea() throws {
        let path = try file(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}"#, dataBytes: 8)
        assertCheckpointError(.truncated, mentions: ["tensor 'w'", "[4, 12]", "8 bytes"]) { try open(path) }
        let backwards = try file(#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}"#, dataBytes: 8, name: "b.safetensors")
        assertCheckpointError(.malformed, mentions: ["b.safetensors", "tensor 'w'", "begin"]) { try open(backwards) }
        let negative = try file(#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}}"#, dataBytes: 8, name: "n.safetensors")
        assertCheckpointError(.malformed, mentions: ["tensor 'w'"]) { try open(negative) }
        let three = try file(#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4,8]}}"#, dataBytes: 8, name: "t.safetensors")
        assertCheckpointError(.malformed, mentions: ["tensor 'w'", "[begin, end]"]) { try open(three) }
    }

    func testOverlappingTensors() throws {
        let path = try file(#"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"b":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}"#,
                            dataBytes: 16)
        assertCheckpointError(.malformed, mentions: ["bad.safetensors", "tensor 'b'", "overlaps tensor 'a'"]) { try open(path) }
        let hidden = try file(#"{"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},"z":{"dtype":"F32","shape":[0],"data_offsets":[4,4]},"c":{"dtype":"F32","shape":[2],"data_offsets":[8,16]}}"#,
                              dataBytes: 16, name: "h.safetensors")
        assertCheckpointError(.malformed, mentions: ["tensor 'c'", "overlaps tensor 'a'"]) { try open(hidden) }
    }

    func testBadDType() throws {
        let path = try file(#"{"w":{"dtype":"Q4","shape":[2],"data_offsets":[0,8]}}"#, dataBytes: 8)
        assertCheckpointError(.unsupportedDType, mentions: ["bad.safetensors", "tensor 'w'", "Q4", "F32"]) { try open(path) }
        // An integer tensor under a parameter's name is not loadable.
        let integer = try file(#"{"pooler.dense.bias":{"dtype":"I64","shape":[2],"data_offsets":[0,16]}}"#, dataBytes: 16,
                               name: "int.safetensors")
        assertCheckpointError(.unsupportedDType, mentions: ["int.safetensors", "pooler.dense.bias", "I64"]) {
            _ = try Checkpoint.open(integer)
        }
    }

    func testShapeTimesDTypeMustEqualBytes() throws {
        let path = try file(#"{"w":{"dtype":"F16","shape":[2,3],"data_offsets":[0,24]}}"#, dataBytes: 24)
        assertCheckpointError(.malformed, mentions: ["tensor 'w'", "24 bytes", "[2, 3]", "F16", "needs 12"]) { try open(path) }
        let overflow = try file(#"{"w":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,8]}}"#, dataBytes: 8,
                                name: "o.safetensors")
        assertCheckpointError(.malformed, mentions: ["tensor 'w'", "too large"]) { try open(overflow) }
        let negative = try file(#"{"w":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, dataBytes: 4, name: "neg.safetensors")
        assertCheckpointError(.malformed, mentions: ["tensor 'w'", "negative"]) { try open(negative) }
    }

    func testBadJSON() throws {
        let broken = try file(#"{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}"#, dataBytes: 4)
        assertCheckpointError(.invalidJSON, mentions: ["bad.safetensors", "not valid JSON"]) { try open(broken) }
        let notObject = try file(#"[1, 2, 3]"#, dataBytes: 0, name: "array.safetensors")
        assertCheckpointError(.malformed, mentions: ["array.safetensors", "'{'"]) { try open(notObject) }
        let missing = try file(#"{"w":{"dtype":"F32","data_offsets":[0,4]}}"#, dataBytes: 4, name: "m.safetensors")
        assertCheckpointError(.malformed, mentions: ["tensor 'w' field 'shape'", "missing"]) { try open(missing) }
        let wrongType = try file(#"{"w":{"dtype":"F32","shape":"4","data_offsets":[0,16]}}"#, dataBytes: 16, name: "w.safetensors")
        assertCheckpointError(.invalidJSON, mentions: ["tensor 'w' field 'shape'", "array"]) { try open(wrongType) }
        let metadata = try file(#"{"__metadata__":{"format":1}}"#, dataBytes: 0, name: "meta.safetensors")
        assertCheckpointError(.malformed, mentions: ["__metadata__", "format"]) { try open(metadata) }
        let entry = try file(#"{"w":7}"#, dataBytes: 0, name: "entry.safetensors")
        assertCheckpointError(.invalidJSON, mentions: ["tensor 'w'", "object"]) { try open(entry) }
    }

    func testReadingChecksTheDestination() throws {
        let path = try file(#"{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"i":{"dtype":"I32","shape":[1],"data_offsets":[8,12]}}"#,
                            dataBytes: 12)
        let file = try SafetensorsFile(path: path)
        assertCheckpointError(.shapeMismatch, mentions: ["tensor 'w'", "2 elements"]) {
            var three = [Float](repeating: 0, count: 3)
            try three.withUnsafeMutableBufferPointer { try file.read("w", into: $0) }
        }
        assertCheckpointError(.unknownTensor, mentions: ["tensor 'nope'"]) { _ = try file.readFloats("nope") }
        assertCheckpointError(.unsupportedDType, mentions: ["tensor 'i'", "I32"]) { _ = try file.readFloats("i") }
    }
}
