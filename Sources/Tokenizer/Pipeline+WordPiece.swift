/// Where the bytes of a normalized word came from, and where pieces may end.
protocol PieceLayout {
    /// Whether a piece may end before byte `index` (a scalar boundary, or the end of the word).
    func isBoundary(_ index: Int) -> Bool
    /// The source span of the word's bytes `start..<end`.
    func offsets(_ start: Int, _ end: Int) -> TokenOffsets
}

/// A word of ASCII letters and digits copied from consecutive bytes of the text: one byte, one scalar.
struct ASCIILayout: PieceLayout {
    let utf8Start: Int
    let scalarStart: Int

    @inline(__always)
    func isBoundary(_ index: Int) -> Bool { true }

    @inline(__always)
    func offsets(_ start: Int, _ end: Int) -> TokenOffsets {
        TokenOffsets(utf8Start: utf8Start + start, utf8End: utf8Start + end, scalarStart: scalarStart + start,
                     scalarEnd: scalarStart + end)
    }
}

/// A word of normalized scalars, each with its own source span.
struct UnitLayout: PieceLayout {
    let units: ArraySlice<SourceUnit>
    let bytes: UnsafeMutablePointer<UInt8>
    let scalarIndex: UnsafeMutablePointer<Int32>
    let count: Int

    func isBoundary(_ index: Int) -> Bool { index >= count || bytes[index] & 0xC0 != 0x80 }

    func offsets(_ start: Int, _ end: Int) -> TokenOffsets {
        let first = units.startIndex + Int(scalarIndex[start])
        let last = units.startIndex + Int(scalarIndex[end - 1])
        return Pipeline.cover(units[first...last])
    }
}

extension Pipeline {
    /// Greedy longest-match-first WordPiece over the bytes of one normalized word: pieces after the first are
    /// looked up with "##"; if some position has no piece, the whole word becomes the unknown token.
    @inline(__always)
    func appendPieces<Layout: PieceLayout>(_ word: UnsafeMutablePointer<UInt8>, count: Int, layout: Layout,
                                           states: UnsafeMutablePointer<UInt64>, into output: inout TokenizedText) {
        let mark = output.count
        var start = 0
        while start < count {
            let continuation = start > 0
            let limit = min(count - start, continuation ? table.maxContinuationLength : table.maxTokenLength)
            var state = continuation ? VocabularyTable.continuationSeed : VocabularyTable.initialSeed
            for index in 0..<limit {
                state = VocabularyTable.step(state, word[start + index])
                states[index] = state
            }
            var length = limit
            var id: Int32 = -1
            while length > 0 {
                if layout.isBoundary(start + length) {
                    id = table.find(state: states[length - 1], bytes: word + start, count: length, continuation: continuation)
                    if id >= 0 { break }
                }
                length -= 1
            }
            guard id >= 0 else {
                output.truncate(to: mark)
                output.append(unknownID, layout.offsets(0, count))
                return
            }
            output.append(id, layout.offsets(start, start + length))
            start += length
        }
    }
}
