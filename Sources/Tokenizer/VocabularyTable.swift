/// The vocabulary as an open-addressing hash table keyed by UTF-8 bytes, built once and read without locks.
///
/// WordPiece looks up many candidate substrings per word, so a lookup must not build a `String`: callers hash the
/// bytes incrementally (FNV-1a, so the hash of every prefix of a word comes out of one pass) and probe with a
/// pointer and a length. A continuation piece `##xyz` is found by hashing `xyz` from ``continuationSeed``, the
/// hash state after `##`, and is compared against the stored bytes `##xyz`.
final class VocabularyTable: @unchecked Sendable {
    // @unchecked: every stored property is written in `init` and only read afterwards.

    /// FNV-1a 64-bit offset basis: the hash of the empty string.
    static let initialSeed: UInt64 = 0xcbf2_9ce4_8422_2325
    /// The FNV-1a state after hashing `##`.
    static let continuationSeed: UInt64 = step(step(initialSeed, 0x23), 0x23)

    private struct Entry {
        var hash: UInt64
        var keyOffset: UInt32
        var keyLength: UInt32
        var id: Int32
    }

    private let entries: UnsafeMutablePointer<Entry>
    private let keys: UnsafeMutablePointer<UInt8>
    private let mask: Int
    private let shift: UInt64
    /// The longest token, in bytes.
    let maxTokenLength: Int
    /// The longest continuation token without its `##`, in bytes.
    let maxContinuationLength: Int

    /// Builds the table; a token that appears on several lines maps to its last line, as in both references.
    init(tokens: [String]) {
        var capacity = 16
        while capacity < tokens.count * 2 { capacity <<= 1 }
        let shift = UInt64(64 - capacity.trailingZeroBitCount)
        let entries = UnsafeMutablePointer<Entry>.allocate(capacity: capacity)
        entries.initialize(repeating: Entry(hash: 0, keyOffset: 0, keyLength: 0, id: -1), count: capacity)
        let totalBytes = tokens.reduce(0) { $0 + $1.utf8.count }
        let keys = UnsafeMutablePointer<UInt8>.allocate(capacity: max(totalBytes, 1))
        var offset = 0
        var longest = 0
        var longestContinuation = 0
        var id = 0
        while id < tokens.count {
            let bytes = Array(tokens[id].utf8)
            var state = Self.initialSeed
            var index = 0
            while index < bytes.count {
                keys[offset + index] = bytes[index]
                state = Self.step(state, bytes[index])
                index += 1
            }
            let hashValue = Self.hash(state)
            var slot = Int(truncatingIfNeeded: (hashValue &* 0x9E37_79B9_7F4A_7C15) >> shift)
            while entries[slot].id >= 0 {
                let entry = entries[slot]
                if entry.hash == hashValue, Int(entry.keyLength) == bytes.count,
                   Self.equal(keys + Int(entry.keyOffset), keys + offset, bytes.count) {
                    break
                }
                slot = (slot + 1) & (capacity - 1)
            }
            entries[slot] = Entry(hash: hashValue, keyOffset: UInt32(offset), keyLength: UInt32(bytes.count), id: Int32(id))
            offset += bytes.count
            longest = max(longest, bytes.count)
            if bytes.count > 2, bytes[0] == 0x23, bytes[1] == 0x23 { longestContinuation = max(longestContinuation, bytes.count - 2) }
            id += 1
        }
        self.entries = entries
        self.keys = keys
        self.mask = capacity - 1
        self.shift = shift
        maxTokenLength = longest
        maxContinuationLength = longestContinuation
    }

    deinit {
        entries.deallocate()
        keys.deallocate()
    }

    /// One FNV-1a step.
    @inline(__always)
    static func step(_ state: UInt64, _ byte: UInt8) -> UInt64 {
        (state ^ UInt64(byte)) &* 0x0000_0100_0000_01B3
    }

    /// The final hash of a state (the state itself; kept separate so the mixing can change in one place).
    @inline(__always)
    static func hash(_ state: UInt64) -> UInt64 { state }

    @inline(__always)
    private static func equal(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ count: Int) -> Bool {
        var i = 0
        while i < count {
            if a[i] != b[i] { return false }
            i += 1
        }
        return true
    }

    /// The id of the token spelled by `count` bytes at `bytes`, or -1.
    ///
    /// - Parameters:
    ///   - state: The FNV-1a state after those bytes, started from ``initialSeed`` for a whole token or from
    ///     ``continuationSeed`` for a continuation piece.
    ///   - continuation: Whether to look for `##` followed by the bytes.
    @inline(__always)
    func find(state: UInt64, bytes: UnsafePointer<UInt8>, count: Int, continuation: Bool) -> Int32 {
        let hashValue = Self.hash(state)
        let keyLength = continuation ? count + 2 : count
        var slot = Int(truncatingIfNeeded: (hashValue &* 0x9E37_79B9_7F4A_7C15) >> shift)
        while true {
            let entry = entries[slot]
            if entry.id < 0 { return -1 }
            if entry.hash == hashValue, Int(entry.keyLength) == keyLength {
                let key = keys + Int(entry.keyOffset)
                if continuation {
                    if key[0] == 0x23, key[1] == 0x23, Self.equal(key + 2, bytes, count) { return entry.id }
                } else if Self.equal(key, bytes, count) {
                    return entry.id
                }
            }
            slot = (slot + 1) & mask
        }
    }

    /// The id of a whole token given as bytes, or -1.
    func find(_ bytes: UnsafeBufferPointer<UInt8>) -> Int32 {
        guard let base = bytes.baseAddress else { return find(state: Self.initialSeed, bytes: keys, count: 0, continuation: false) }
        var h = Self.initialSeed
        for byte in bytes { h = Self.step(h, byte) }
        return find(state: h, bytes: base, count: bytes.count, continuation: false)
    }
}
