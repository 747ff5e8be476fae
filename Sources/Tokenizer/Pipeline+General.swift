/// The general path: every step of the basic tokenizer over Unicode scalars with their source spans.
extension Pipeline {
    /// Cleans `units` (text between special tokens, already lower-cased first where HuggingFace does that),
    /// splits it into whitespace-delimited chunks with each CJK ideograph on its own, and tokenizes each chunk.
    func processUnits(_ units: ArraySlice<SourceUnit>, workspace: inout Workspace, into output: inout TokenizedText) {
        // The chunk is moved out of the workspace while it is built, so it can be passed on `inout` beside it.
        var chunk: [SourceUnit] = []
        swap(&chunk, &workspace.chunk)
        chunk.removeAll(keepingCapacity: true)
        var index = units.startIndex
        while index < units.endIndex {
            let unit = units[index]
            index += 1
            switch classes.cleanClass(unit.scalar) {
            case .dropped:
                continue
            case .whitespace:
                finishChunk(&chunk, workspace: &workspace, into: &output)
            case .chinese:
                finishChunk(&chunk, workspace: &workspace, into: &output)
                chunk.append(unit)
                finishChunk(&chunk, workspace: &workspace, into: &output)
            case .kept:
                chunk.append(unit)
            }
        }
        finishChunk(&chunk, workspace: &workspace, into: &output)
        swap(&chunk, &workspace.chunk)
    }

    /// Normalizes a chunk, splits off punctuation and appends the pieces of every word; leaves `chunk` empty.
    private func finishChunk(_ chunk: inout [SourceUnit], workspace: inout Workspace, into output: inout TokenizedText) {
        guard !chunk.isEmpty else { return }
        defer { chunk.removeAll(keepingCapacity: true) }
        if composes { workspace.normalizer.compose(&chunk) }
        if let first = chunk.first, chunk.count <= protectedMaxLength, protectedFirstScalars.contains(first.scalar),
           protectedWords.contains(chunk.map(\.scalar)) {
            appendWord(chunk[...], workspace: &workspace, into: &output)
            return
        }
        if lowercasesWords {
            var lowered: [SourceUnit] = []
            swap(&lowered, &workspace.lowered)
            lowered.removeAll(keepingCapacity: true)
            Normalizer.lowercase(chunk[...], finalSigma: appliesFinalSigma, into: &lowered)
            swap(&chunk, &lowered)
            swap(&lowered, &workspace.lowered)
        }
        if stripsAccents { workspace.normalizer.decomposeStrippingMarks(&chunk) }
        var wordStart = 0
        var index = 0
        while index < chunk.count {
            if CharacterClasses.isPunctuation(chunk[index].scalar) {
                if wordStart < index { appendWord(chunk[wordStart..<index], workspace: &workspace, into: &output) }
                appendWord(chunk[index...index], workspace: &workspace, into: &output)
                wordStart = index + 1
            }
            index += 1
        }
        if wordStart < chunk.count { appendWord(chunk[wordStart..<chunk.count], workspace: &workspace, into: &output) }
    }

    /// Appends the pieces of one normalized word (or its `never_split` id, or the unknown token).
    private func appendWord(_ word: ArraySlice<SourceUnit>, workspace: inout Workspace, into output: inout TokenizedText) {
        if !neverSplitIDs.isEmpty, let id = neverSplitIDs[Array(word.lazy.map(\.scalar))] {
            output.append(id, Self.cover(word))
            return
        }
        guard word.count <= maxCharacters else {
            output.append(unknownID, Self.cover(word))
            return
        }
        workspace.buffers.reserve(4 * word.count)
        let bytes = workspace.buffers.bytes
        let scalarIndex = workspace.buffers.scalarIndex
        var byteCount = 0
        var index = word.startIndex
        while index < word.endIndex {
            let start = byteCount
            UTF8Bytes.write(word[index].scalar.value, to: bytes, at: &byteCount)
            let number = Int32(index - word.startIndex)
            var position = start
            while position < byteCount {
                scalarIndex[position] = number
                position += 1
            }
            index += 1
        }
        let layout = UnitLayout(units: word, bytes: bytes, scalarIndex: scalarIndex, count: byteCount)
        appendPieces(bytes, count: byteCount, layout: layout, states: workspace.buffers.states, into: &output)
    }

    /// The smallest span covering every unit (units are never empty here).
    static func cover(_ units: ArraySlice<SourceUnit>) -> TokenOffsets {
        guard var span = units.first else { return TokenOffsets(utf8Start: 0, utf8End: 0, scalarStart: 0, scalarEnd: 0) }
        var index = units.startIndex + 1
        while index < units.endIndex {
            span.cover(units[index])
            index += 1
        }
        return TokenOffsets(utf8Start: span.utf8Start, utf8End: span.utf8End, scalarStart: span.scalarStart,
                            scalarEnd: span.scalarEnd)
    }
}

/// UTF-8 encoding of a scalar value into a byte buffer.
enum UTF8Bytes {
    /// Writes the 1–4 bytes of `value` at `position` and advances it.
    @inline(__always)
    static func write(_ value: UInt32, to bytes: UnsafeMutablePointer<UInt8>, at position: inout Int) {
        if value < 0x80 {
            bytes[position] = UInt8(value)
            position += 1
        } else if value < 0x800 {
            bytes[position] = UInt8(0xC0 | value >> 6)
            bytes[position + 1] = UInt8(0x80 | value & 0x3F)
            position += 2
        } else if value < 0x10000 {
            bytes[position] = UInt8(0xE0 | value >> 12)
            bytes[position + 1] = UInt8(0x80 | value >> 6 & 0x3F)
            bytes[position + 2] = UInt8(0x80 | value & 0x3F)
            position += 3
        } else {
            bytes[position] = UInt8(0xF0 | value >> 18)
            bytes[position + 1] = UInt8(0x80 | value >> 12 & 0x3F)
            bytes[position + 2] = UInt8(0x80 | value >> 6 & 0x3F)
            bytes[position + 3] = UInt8(0x80 | value & 0x3F)
            position += 4
        }
    }
}
