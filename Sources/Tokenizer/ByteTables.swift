/// Per-byte tables for the ASCII fast path, built once per tokenizer.
final class ByteTables: @unchecked Sendable {
    // @unchecked: written in `init` only.

    /// What the fast path does with a byte.
    enum Kind: UInt8 {
        /// A letter or digit: part of a word.
        case word = 0
        /// ASCII punctuation: a word of its own.
        case punctuation = 1
        /// Space, tab, newline, carriage return: ends a word.
        case whitespace = 2
        /// A control character or a non-ASCII byte: the region takes the general path.
        case general = 3
    }

    let kind: UnsafeMutablePointer<UInt8>
    /// The byte lower-cased when the tokenizer lower-cases, else itself.
    let fold: UnsafeMutablePointer<UInt8>
    /// The id of the one-byte word made of this (folded) byte, or the unknown id.
    let singleByteID: UnsafeMutablePointer<Int32>

    init(lowercase: Bool, table: VocabularyTable, unknownID: Int32) {
        kind = .allocate(capacity: 256)
        fold = .allocate(capacity: 256)
        singleByteID = .allocate(capacity: 256)
        for value in 0..<256 {
            let byte = UInt8(value)
            let kind: Kind
            switch byte {
            case 0x09, 0x0A, 0x0D, 0x20: kind = .whitespace
            case 0x00...0x1F, 0x7F...0xFF: kind = .general
            default: kind = CharacterClasses.isASCIIPunctuation(byte) ? .punctuation : .word
            }
            self.kind[value] = kind.rawValue
            let folded = lowercase && (0x41...0x5A).contains(byte) ? byte + 32 : byte
            fold[value] = folded
            var single = folded
            let id = table.find(state: VocabularyTable.step(VocabularyTable.initialSeed, folded), bytes: &single, count: 1,
                                continuation: false)
            singleByteID[value] = id >= 0 ? id : unknownID
        }
    }

    deinit {
        kind.deallocate()
        fold.deallocate()
        singleByteID.deallocate()
    }
}
