/// BERT's tokenization algorithm with its tables: immutable after construction and shared by every call.
///
/// The order of operations is the reference's: (HuggingFace: lower-case every character outside special
/// tokens, find special tokens), remove control characters, map whitespace, isolate CJK ideographs, (HuggingFace:
/// NFC), split at whitespace, lower-case, NFD and drop accents, split off punctuation, WordPiece. Chunks of
/// printable ASCII take a fast path with byte tables; any chunk with another character takes the general path
/// over Unicode scalars (``SourceUnit``), which implements every step literally.
struct Pipeline: Sendable {
    let table: VocabularyTable
    let unknownID: Int32
    let bytes: ByteTables
    let classes: CharacterClasses
    let maxCharacters: Int
    /// HuggingFace lower-cases the whole text character by character before anything else.
    let lowercasesFirst: Bool
    /// Lower-case each whitespace-delimited word (both references; a no-op after `lowercasesFirst`).
    let lowercasesWords: Bool
    /// Google lower-cases whole words, so Python's final-sigma rule applies.
    let appliesFinalSigma: Bool
    let stripsAccents: Bool
    /// HuggingFace normalizes to NFC after cleaning.
    let composes: Bool
    /// Special and added tokens found whole in the text (HuggingFace), longest first.
    let specials: SpecialTokenMatcher
    /// Tokens kept out of the initial lower-casing, in HuggingFace's alternation order.
    let protectedFromLowercasing: SpecialTokenMatcher
    /// Whitespace-delimited words that are neither lower-cased nor split (HuggingFace's `never_split` plus the
    /// special tokens).
    let protectedWords: Set<[Unicode.Scalar]>
    /// The first scalars and the longest length of ``protectedWords``, to skip most chunks without hashing.
    let protectedFirstScalars: Set<Unicode.Scalar>
    let protectedMaxLength: Int
    /// Basic-tokenizer outputs emitted whole rather than split into pieces (`never_split`), with their ids.
    let neverSplitIDs: [[Unicode.Scalar]: Int32]
    /// Whether special-token matching on the raw bytes and the ASCII fast path give the reference's result
    /// (tests turn it off to compare the two paths).
    var usesFastPath: Bool

    struct Resolved {
        var specials: [(content: String, id: Int32)]
        var protectedFromLowercasing: [(content: String, id: Int32)]
        var protectedWords: [String]
        var neverSplit: [(content: String, id: Int32)]
    }

    init(table: VocabularyTable, unknownID: Int32, configuration: TokenizerConfiguration, resolved: Resolved) {
        self.table = table
        self.unknownID = unknownID
        let huggingFace = configuration.compatibility == .huggingFace
        bytes = ByteTables(lowercase: configuration.lowercase, table: table, unknownID: unknownID)
        classes = CharacterClasses(compatibility: configuration.compatibility,
                                   tokenizeChineseCharacters: configuration.tokenizeChineseCharacters)
        maxCharacters = configuration.maxInputCharactersPerWord
        lowercasesFirst = huggingFace && configuration.lowercase
        lowercasesWords = configuration.lowercase
        appliesFinalSigma = !huggingFace && configuration.lowercase
        stripsAccents = configuration.stripsAccents
        composes = huggingFace
        specials = SpecialTokenMatcher(tokens: resolved.specials, preference: .longest)
        protectedFromLowercasing = SpecialTokenMatcher(tokens: resolved.protectedFromLowercasing, preference: .firstListed)
        protectedWords = Set(resolved.protectedWords.map { Array($0.unicodeScalars) })
        protectedFirstScalars = Set(protectedWords.compactMap(\.first))
        protectedMaxLength = protectedWords.map(\.count).max() ?? 0
        var neverSplit: [[Unicode.Scalar]: Int32] = [:]
        for (content, id) in resolved.neverSplit { neverSplit[Array(content.unicodeScalars)] = id }
        neverSplitIDs = neverSplit
        // Raw-byte matching equals matching after HuggingFace's initial lower-casing when every token is kept
        // out of that lower-casing and no lower-casing can produce one of its characters: ASCII without a-z
        // (Python's lower() yields ASCII only as a-z, from A-Z, U+0130 and U+212A). The fast path never sees a
        // whitespace word equal to a special token (the matcher took those), but `never_split` needs the
        // general path's checks.
        let protected = Set(resolved.protectedFromLowercasing.map(\.content))
        let rawMatchingIsExact = !lowercasesFirst || resolved.specials.allSatisfy { token in
            protected.contains(token.content) && token.content.utf8.allSatisfy { $0 < 0x80 && !(0x61...0x7A).contains($0) }
        }
        usesFastPath = rawMatchingIsExact && resolved.neverSplit.isEmpty
    }

    /// Tokenizes one text, appending its pieces to `output`.
    func tokenize(_ text: String, scratch: Scratch, into output: inout TokenizedText) {
        scratch.withWorkspace { workspace in tokenize(text, workspace: &workspace, into: &output) }
    }

    private func tokenize(_ text: String, workspace: inout Workspace, into output: inout TokenizedText) {
        var text = text
        text.withUTF8 { buffer in
            guard let base = buffer.baseAddress else { return }
            if usesFastPath {
                tokenizeFast(base, count: buffer.count, workspace: &workspace, into: &output)
            } else {
                tokenizeGeneral(base, count: buffer.count, workspace: &workspace, into: &output)
            }
        }
    }

    // MARK: Whole text

    private func tokenizeFast(_ base: UnsafePointer<UInt8>, count: Int, workspace: inout Workspace,
                              into output: inout TokenizedText) {
        // Scalar offset = byte offset − delta, where delta counts the continuation bytes seen so far.
        var delta = 0
        var segmentStart = 0
        while !specials.isEmpty, let match = specials.firstMatch(in: base, from: segmentStart, to: count) {
            tokenizeSegment(base, from: segmentStart, to: match.start, delta: &delta, workspace: &workspace, into: &output)
            let scalarStart = match.start - delta
            output.append(match.id, TokenOffsets(utf8Start: match.start, utf8End: match.end, scalarStart: scalarStart,
                                                 scalarEnd: scalarStart + match.scalarCount))
            delta += (match.end - match.start) - match.scalarCount
            segmentStart = match.end
        }
        tokenizeSegment(base, from: segmentStart, to: count, delta: &delta, workspace: &workspace, into: &output)
    }

    private func tokenizeGeneral(_ base: UnsafePointer<UInt8>, count: Int, workspace: inout Workspace,
                                 into output: inout TokenizedText) {
        var raw: [SourceUnit] = []
        decode(base, from: 0, to: count, scalarStart: 0, lowercasing: false, into: &raw)
        var units: [SourceUnit] = []
        units.reserveCapacity(raw.count)
        if lowercasesFirst {
            var index = 0
            while index < raw.count {
                if let (length, _) = protectedFromLowercasing.match(raw, at: index) {
                    units.append(contentsOf: raw[index..<index + length])
                    index += length
                } else {
                    Normalizer.lowercase(raw[index], into: &units)
                    index += 1
                }
            }
        } else {
            units = raw
        }
        var segmentStart = 0
        var index = 0
        while index < units.count {
            guard !specials.isEmpty, let (length, id) = specials.match(units, at: index) else {
                index += 1
                continue
            }
            processUnits(units[segmentStart..<index], workspace: &workspace, into: &output)
            output.append(id, Self.cover(units[index..<index + length]))
            index += length
            segmentStart = index
        }
        processUnits(units[segmentStart..<units.count], workspace: &workspace, into: &output)
    }

    // MARK: Fast path

    /// Tokenizes `base[start..<end]`, text without special tokens, by whitespace-delimited chunks.
    private func tokenizeSegment(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int, delta: inout Int,
                                 workspace: inout Workspace, into output: inout TokenizedText) {
        let kinds = bytes.kind
        let word = ByteTables.Kind.word.rawValue
        let punctuation = ByteTables.Kind.punctuation.rawValue
        let whitespace = ByteTables.Kind.whitespace.rawValue
        let generalKind = ByteTables.Kind.general.rawValue
        var position = start
        while position < end {
            if kinds[Int(base[position])] == whitespace {
                position += 1
                continue
            }
            let chunkStart = position
            let mark = output.count
            var wordStart = position
            var general = false
            while position < end {
                let kind = kinds[Int(base[position])]
                if kind == word {
                    position += 1
                    continue
                }
                if kind == generalKind {
                    general = true
                    break
                }
                if wordStart < position {
                    appendASCIIWord(base, from: wordStart, to: position, delta: delta, workspace: &workspace, into: &output)
                }
                if kind == punctuation {
                    let scalar = position - delta
                    output.append(bytes.singleByteID[Int(base[position])],
                                  TokenOffsets(utf8Start: position, utf8End: position + 1, scalarStart: scalar, scalarEnd: scalar + 1))
                    position += 1
                    wordStart = position
                    continue
                }
                wordStart = position
                break
            }
            if general {
                output.truncate(to: mark)
                position = tokenizeRegion(base, from: chunkStart, to: end, delta: &delta, workspace: &workspace, into: &output)
            } else if wordStart < position {
                appendASCIIWord(base, from: wordStart, to: position, delta: delta, workspace: &workspace, into: &output)
            }
        }
    }

    /// The pieces of a word of ASCII letters and digits.
    @inline(__always)
    private func appendASCIIWord(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int, delta: Int,
                                 workspace: inout Workspace, into output: inout TokenizedText) {
        let count = end - start
        let layout = ASCIILayout(utf8Start: start, scalarStart: start - delta)
        guard count <= maxCharacters else {
            output.append(unknownID, layout.offsets(0, count))
            return
        }
        workspace.buffers.reserve(count)
        let word = workspace.buffers.bytes
        let fold = bytes.fold
        for index in 0..<count { word[index] = fold[Int(base[start + index])] }
        appendPieces(word, count: count, layout: layout, states: workspace.buffers.states, into: &output)
    }

    /// Runs the general path over `base[start...]` up to the next ASCII whitespace (or `end`); returns where it
    /// stopped.
    private func tokenizeRegion(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int, delta: inout Int,
                                workspace: inout Workspace, into output: inout TokenizedText) -> Int {
        let whitespace = ByteTables.Kind.whitespace.rawValue
        var stop = start
        while stop < end, bytes.kind[Int(base[stop])] != whitespace { stop += 1 }
        var units: [SourceUnit] = []
        swap(&units, &workspace.units)
        units.removeAll(keepingCapacity: true)
        let scalarCount = decode(base, from: start, to: stop, scalarStart: start - delta, lowercasing: lowercasesFirst,
                                 into: &units)
        delta = stop - (start - delta + scalarCount)
        defer { swap(&units, &workspace.units) }
        processUnits(units[...], workspace: &workspace, into: &output)
        return stop
    }

    /// Decodes valid UTF-8 into units, lower-casing each scalar when asked; returns the number of scalars.
    @discardableResult
    private func decode(_ base: UnsafePointer<UInt8>, from start: Int, to end: Int, scalarStart: Int, lowercasing: Bool,
                        into units: inout [SourceUnit]) -> Int {
        var position = start
        var scalarIndex = scalarStart
        while position < end {
            let lead = base[position]
            let length = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4
            var value = length == 1 ? UInt32(lead) : UInt32(lead) & (0xFF >> UInt32(length + 1))
            var offset = 1
            while offset < length, position + offset < end {
                value = value << 6 | UInt32(base[position + offset] & 0x3F)
                offset += 1
            }
            let unit = SourceUnit(scalar: Unicode.Scalar(value) ?? "\u{FFFD}", utf8Start: position,
                                  utf8End: min(position + length, end), scalarStart: scalarIndex, scalarEnd: scalarIndex + 1)
            if lowercasing {
                Normalizer.lowercase(unit, into: &units)
            } else {
                units.append(unit)
            }
            position += length
            scalarIndex += 1
        }
        return scalarIndex - scalarStart
    }
}
