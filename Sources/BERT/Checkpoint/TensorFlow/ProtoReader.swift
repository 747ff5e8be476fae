/// A minimal protocol-buffer wire-format reader: enough for TensorFlow's BundleHeaderProto, BundleEntryProto
/// and TensorShapeProto, and the varints of LevelDB tables. Every read is bounds-checked; a malformed message throws `ProtoReader.Failure`.
struct ProtoReader {
    /// Why a message could not be decoded.
    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    enum WireType: UInt8 {
        case varint = 0
        case fixed64 = 1
        case lengthDelimited = 2
        case fixed32 = 5
    }

    private let bytes: ArraySlice<UInt8>
    private var position: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.position = bytes.startIndex
    }

    var isAtEnd: Bool { position >= bytes.endIndex }

    /// The next `count` raw bytes.
    mutating func take(_ count: Int) throws -> ArraySlice<UInt8> {
        guard count >= 0, count <= bytes.endIndex - position else {
            throw Failure(description: "\(count) bytes run past the end (\(bytes.endIndex - position) left)")
        }
        let start = position
        position += count
        return bytes[start..<position]
    }

    /// A varint that must fit in 32 bits (LevelDB block entry lengths).
    mutating func varint32() throws -> Int {
        let value = try varint()
        guard value <= UInt64(UInt32.max) else { throw Failure(description: "varint32 value \(value) is too large") }
        return Int(value)
    }

    /// The next field's number and wire type, or nil at the end of the message.
    mutating func nextField() throws -> (number: Int, wireType: WireType)? {
        guard !isAtEnd else { return nil }
        let key = try varint()
        let number = key >> 3
        guard number > 0, number <= 536_870_911 else { throw Failure(description: "invalid field number \(number)") }
        guard let wireType = WireType(rawValue: UInt8(key & 7)) else {
            throw Failure(description: "field \(number) has unsupported wire type \(key & 7)")
        }
        return (Int(number), wireType)
    }

    /// A base-128 varint of at most 10 bytes.
    mutating func varint() throws -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < bytes.endIndex else { throw Failure(description: "varint runs past the end of the message") }
            guard shift < 64 else { throw Failure(description: "varint longer than 10 bytes") }
            let byte = bytes[position]
            position += 1
            result |= UInt64(byte & 0x7f) << shift
            if byte & 0x80 == 0 { return result }
            shift += 7
        }
    }

    mutating func fixed32() throws -> UInt32 {
        guard bytes.endIndex - position >= 4 else { throw Failure(description: "fixed32 runs past the end of the message") }
        var value: UInt32 = 0
        for i in 0..<4 { value |= UInt32(bytes[position + i]) << (8 * UInt32(i)) }
        position += 4
        return value
    }

    mutating func lengthDelimited() throws -> ArraySlice<UInt8> {
        let length = try varint()
        guard length <= UInt64(bytes.endIndex - position) else {
            throw Failure(description: "a length-delimited field of \(length) bytes runs past the end of the message")
        }
        return try take(Int(length))
    }

    /// Skips a field's value.
    mutating func skip(_ wireType: WireType) throws {
        switch wireType {
        case .varint: _ = try varint()
        case .fixed32: _ = try fixed32()
        case .fixed64:
            guard bytes.endIndex - position >= 8 else { throw Failure(description: "fixed64 runs past the end of the message") }
            position += 8
        case .lengthDelimited: _ = try lengthDelimited()
        }
    }

    /// Reads a varint field as a signed 64-bit value (proto `int64` / `int32`, two's complement).
    mutating func int64(_ wireType: WireType, field: String) throws -> Int64 {
        guard wireType == .varint else { throw Failure(description: "\(field) must be a varint") }
        return Int64(bitPattern: try varint())
    }
}
