import Foundation

/// A safetensors file, memory-mapped and validated on open: an 8-byte little-endian header length, a JSON
/// header mapping each tensor name to `{dtype, shape, data_offsets}` (plus an optional `__metadata__` object
/// of strings), then the tensor bytes.
///
/// Opening checks everything a later read relies on: the header lies inside the file and is a JSON object,
/// every entry has a known dtype, a shape of non-negative integers and `data_offsets` [begin, end] with
/// begin ≤ end inside the data area, the byte length equals the element count × dtype size, and no two tensors
/// overlap. Reads then cannot go out of bounds.
///
/// ```swift
/// let file = try SafetensorsFile(path: "model.safetensors")
/// let bias: [Float] = try file.readFloats("pooler.dense.bias")   // F16/BF16 are widened to Float
/// ```
public final class SafetensorsFile: @unchecked Sendable {
    /// One tensor's header entry.
    public struct Entry: Sendable, Equatable {
        public let name: String
        public let dtype: TensorDType
        public let shape: [Int]
        /// Absolute byte range in the file.
        public let byteRange: Range<Int>
        /// Number of elements.
        public var count: Int { shape.reduce(1, *) }
    }

    /// Largest header the official implementation accepts (100 MB).
    public static let maxHeaderBytes = 100_000_000

    /// The file.
    public let path: String
    /// Entries in file order (by data offset).
    public let entries: [Entry]
    /// The `__metadata__` strings (e.g. `format: pt`).
    public let metadata: [String: String]
    private let file: MappedFile
    private let indexByName: [String: Int]

    /// Maps and validates `path`.
    public init(path: String) throws {
        let file = try MappedFile(path: path)
        self.file = file
        self.path = path
        let header = try Self.headerRange(of: file)
        let fields = try JSONFields(try JSONValue.parse(Data(file.slice(header)), file: path), file: path,
                                    missingKind: .malformed)
        var metadata: [String: String] = [:]
        var entries: [Entry] = []
        let dataArea = header.upperBound..<file.count
        for key in fields.members.keys.sorted() {
            guard let value = fields.members[key] else { continue }
            if key == "__metadata__" {
                metadata = try Self.parseMetadata(value, file: path)
            } else {
                entries.append(try Self.parseEntry(key, value, dataArea: dataArea, file: path))
            }
        }
        entries.sort { ($0.byteRange.lowerBound, $0.byteRange.upperBound, $0.name) < ($1.byteRange.lowerBound, $1.byteRange.upperBound, $1.name) }
        try Self.checkNoOverlap(entries, file: path)
        self.entries = entries
        self.metadata = metadata
        var index: [String: Int] = [:]
        for (i, entry) in entries.enumerated() { index[entry.name] = i }
        self.indexByName = index
    }

    /// The entry of a tensor, or nil.
    public func entry(_ name: String) -> Entry? {
        indexByName[name].map { entries[$0] }
    }

    /// The stored bytes of a tensor (little-endian, its own dtype).
    public func bytes(of name: String) throws -> UnsafeRawBufferPointer {
        file.slice(try requireEntry(name).byteRange)
    }

    /// Reads a floating-point tensor as Float32 into `destination`, which must have exactly its element count.
    public func read(_ name: String, into destination: UnsafeMutableBufferPointer<Float>) throws {
        let entry = try requireEntry(name)
        guard entry.dtype.isFloatingPoint else {
            throw CheckpointError(.unsupportedDType, file: path, subject: "tensor '\(name)'",
                                  "dtype \(entry.dtype) cannot be read as floating-point values")
        }
        guard destination.count == entry.count else {
            throw CheckpointError(.shapeMismatch, file: path, subject: "tensor '\(name)'",
                                  "has \(entry.count) elements (shape \(entry.shape)), the destination holds \(destination.count)")
        }
        entry.dtype.convertToFloat(file.slice(entry.byteRange), into: destination)
    }

    /// Reads a floating-point tensor as Float32.
    public func readFloats(_ name: String) throws -> [Float] {
        let count = try requireEntry(name).count
        return try [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            try read(name, into: buffer)
            initialized = count
        }
    }

    private func requireEntry(_ name: String) throws -> Entry {
        guard let entry = entry(name) else {
            throw CheckpointError(.unknownTensor, file: path, subject: "tensor '\(name)'", "not in this file")
        }
        return entry
    }

    // MARK: Validation

    private static func headerRange(of file: MappedFile) throws -> Range<Int> {
        guard let declared = file.littleEndian(UInt64.self, at: 0) else {
            throw CheckpointError(.truncated, file: file.path,
                                  "the file is \(file.count) bytes; a safetensors file starts with an 8-byte header length")
        }
        guard declared <= UInt64(maxHeaderBytes) else {
            throw CheckpointError(.malformed, file: file.path,
                                  "header length \(declared) is larger than the \(maxHeaderBytes)-byte limit")
        }
        let length = Int(declared)
        guard length <= file.count - 8 else {
            throw CheckpointError(.truncated, file: file.path,
                                  "header length \(length) runs past the end of the file (\(file.count) bytes)")
        }
        guard length >= 2, file.bytes[8] == UInt8(ascii: "{") else {
            throw CheckpointError(.malformed, file: file.path, "the header must be a JSON object starting with '{'")
        }
        return 8..<(8 + length)
    }

    private static func parseMetadata(_ value: JSONValue, file: String) throws -> [String: String] {
        guard case .object(let members) = value else {
            throw CheckpointError(.malformed, file: file, subject: "field '__metadata__'",
                                  "expected an object of strings, found \(value.typeName)")
        }
        var result: [String: String] = [:]
        for (key, member) in members {
            guard case .string(let text) = member else {
                throw CheckpointError(.malformed, file: file, subject: "field '__metadata__'",
                                      "entry '\(key)' must be a string, found \(member.typeName)")
            }
            result[key] = text
        }
        return result
    }

    private static func parseEntry(_ name: String, _ value: JSONValue, dataArea: Range<Int>, file: String) throws -> Entry {
        let subject = "tensor '\(name)'"
        let fields = try JSONFields(value, file: file, context: subject, missingKind: .malformed)
        func fail(_ message: String, _ kind: CheckpointError.Kind = .malformed) -> CheckpointError {
            CheckpointError(kind, file: file, subject: subject, message)
        }
        let dtypeName = try fields.string("dtype")
        guard let dtype = TensorDType(rawValue: dtypeName) else {
            throw fail("dtype \"\(dtypeName)\" is not supported; expected F32, F16 or BF16 "
                       + "(or I64/I32 for buffers such as embeddings.position_ids)", .unsupportedDType)
        }
        let shape = try fields.ints("shape")
        guard shape.allSatisfy({ $0 >= 0 }) else { throw fail("shape \(shape) has a negative dimension") }
        let offsets = try fields.ints("data_offsets")
        guard offsets.count == 2 else {
            throw fail("data_offsets must be [begin, end], got \(offsets.count) numbers")
        }
        let (begin, end) = (offsets[0], offsets[1])
        guard begin >= 0, begin <= end else {
            throw fail("data_offsets [\(begin), \(end)]: begin must be ≥ 0 and ≤ end")
        }
        let dataSize = dataArea.count
        guard end <= dataSize else {
            throw fail("data_offsets [\(begin), \(end)] run past the end of the data area "
                       + "(\(dataSize) bytes after the header)", .truncated)
        }
        var bytes = dtype.size
        for dimension in shape {
            let (product, overflow) = bytes.multipliedReportingOverflow(by: dimension)
            guard !overflow else { throw fail("shape \(shape) is too large") }
            bytes = product
        }
        guard bytes == end - begin else {
            throw fail("data_offsets [\(begin), \(end)] hold \(end - begin) bytes, but shape \(shape) of \(dtype) "
                       + "needs \(bytes)")
        }
        return Entry(name: name, dtype: dtype, shape: shape,
                     byteRange: (dataArea.lowerBound + begin)..<(dataArea.lowerBound + end))
    }

    private static func checkNoOverlap(_ sorted: [Entry], file: String) throws {
        var furthest: Entry?
        for entry in sorted where !entry.byteRange.isEmpty {
            if let previous = furthest, entry.byteRange.lowerBound < previous.byteRange.upperBound {
                throw CheckpointError(.malformed, file: file, subject: "tensor '\(entry.name)'",
                                      "its data \(entry.byteRange) overlaps tensor '\(previous.name)' \(previous.byteRange)")
            }
            if furthest.map({ entry.byteRange.upperBound > $0.byteRange.upperBound }) ?? true { furthest = entry }
        }
    }
}
