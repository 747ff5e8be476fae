/// `get_final_text` of `run_squad.py`: the predicted pieces projected back onto the original words.
///
/// Google de-tokenizes the predicted pieces (`pred_text`), runs its basic tokenizer over the original words the
/// pieces came from (`orig_text`), looks for the first occurrence of `pred_text` in that normalized text, and maps
/// it back character by character when normalization kept the length; otherwise it returns the whole words.
///
/// The normalized basic tokens are exactly the words' pieces glued back together (a `##` piece continues the
/// token before it), so this implementation builds the normalized text from the pieces' vocabulary spellings
/// instead of re-running a basic tokenizer. That is exact whenever the spanned words have no `[UNK]` piece. When
/// the predicted pieces contain `[UNK]`, Google's search fails and it returns the whole words — so does this. The
/// one case it cannot reproduce — an unknown word among the spanned words but outside the predicted pieces (the
/// prediction starts or ends inside a word next to it) — is answered from the tokenizer's offsets instead: the
/// original characters of the predicted pieces.
struct FinalText {
    let paragraph: SQuADParagraph
    let pieces: ParagraphPieces
    /// The vocabulary spelling of every piece of the paragraph.
    let spellings: [String]
    let unknownID: Int32

    /// The answer text for the pieces `start...end` of the paragraph.
    func text(start: Int, end: Int) -> String {
        guard start <= end, start >= 0, end < pieces.count else { return "" }
        let firstWord = pieces.words[start], lastWord = pieces.words[end]
        let original = Array(paragraph.words[firstWord...lastWord].joined(separator: " ").unicodeScalars)
        if pieces.ids[start...end].contains(unknownID) { return String(String.UnicodeScalarView(original)) }
        let spanned = spannedPieces(firstWord: firstWord, lastWord: lastWord)
        if spanned.contains(where: { pieces.ids[$0] == unknownID }) {
            return fromOffsets(start: start, end: end, firstWord: firstWord, original: original)
        }
        let predicted = detokenized(Array(start...end))
        let normalized = basicTokens(spanned)
        guard let found = ScalarText.find(predicted, in: normalized) else { return String(String.UnicodeScalarView(original)) }
        let last = found + predicted.count - 1
        let originalMap = nonSpacePositions(original), normalizedMap = nonSpacePositions(normalized)
        guard originalMap.count == normalizedMap.count,
              let startIndex = normalizedMap.firstIndex(of: found), let endIndex = normalizedMap.firstIndex(of: last) else {
            return String(String.UnicodeScalarView(original))
        }
        return String(String.UnicodeScalarView(original[originalMap[startIndex]...originalMap[endIndex]]))
    }

    /// The pieces of words `firstWord...lastWord`.
    private func spannedPieces(firstWord: Int, lastWord: Int) -> [Int] {
        guard let first = pieces.words.firstIndex(where: { $0 >= firstWord }) else { return [] }
        var result: [Int] = []
        var index = first
        while index < pieces.count, pieces.words[index] <= lastWord {
            result.append(index)
            index += 1
        }
        return result
    }

    /// `pred_text`: the pieces joined by spaces, `" ##"` and then `"##"` removed, whitespace collapsed.
    private func detokenized(_ indices: [Int]) -> [Unicode.Scalar] {
        let joined = Array(indices.map { spellings[$0] }.joined(separator: " ").unicodeScalars)
        let glued = ScalarText.replace(Array("##".unicodeScalars), with: [],
                                       in: ScalarText.replace(Array(" ##".unicodeScalars), with: [], in: joined))
        return Array(PythonText.collapseWhitespace(String(String.UnicodeScalarView(glued))).unicodeScalars)
    }

    /// The basic tokens of the spanned words, joined by spaces: each piece starts a token unless it is a `##`
    /// continuation, which is glued to the token before it.
    private func basicTokens(_ indices: [Int]) -> [Unicode.Scalar] {
        var tokens: [[Unicode.Scalar]] = []
        for index in indices {
            let spelling = Array(spellings[index].unicodeScalars)
            if spelling.starts(with: ["#", "#"]), !tokens.isEmpty {
                tokens[tokens.count - 1] += spelling.dropFirst(2)
            } else {
                tokens.append(spelling)
            }
        }
        return Array(tokens.joined(separator: [" "]))
    }

    /// The positions of the characters that are not U+0020 (`_strip_spaces`'s map).
    private func nonSpacePositions(_ text: [Unicode.Scalar]) -> [Int] {
        text.indices.filter { text[$0] != " " }
    }

    /// The original characters of pieces `start...end`, located in the joined words.
    private func fromOffsets(start: Int, end: Int, firstWord: Int, original: [Unicode.Scalar]) -> String {
        func position(ofScalar scalar: Int, word: Int) -> Int {
            let before = paragraph.words[firstWord..<word].reduce(0) { $0 + $1.unicodeScalars.count + 1 }
            return before + scalar - paragraph.wordStarts[word]
        }
        let lower = max(0, position(ofScalar: pieces.scalarStarts[start], word: pieces.words[start]))
        let upper = min(original.count, position(ofScalar: pieces.scalarEnds[end], word: pieces.words[end]))
        guard lower < upper else { return String(String.UnicodeScalarView(original)) }
        return String(String.UnicodeScalarView(original[lower..<upper]))
    }
}
