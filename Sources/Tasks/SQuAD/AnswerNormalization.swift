/// The answer comparison of the official SQuAD evaluation scripts (`normalize_answer`, exact match, token F1).
public enum AnswerNormalization {
    /// `normalize_answer`: lower-case, remove ASCII punctuation, replace the words "a", "an", "the" by a space,
    /// and collapse whitespace.
    public static func normalize(_ text: String) -> String {
        let lowered = PythonText.lower(text)
        var kept = String.UnicodeScalarView()
        for scalar in lowered.unicodeScalars where !PythonText.isASCIIPunctuation(scalar) { kept.append(scalar) }
        return PythonText.collapseWhitespace(removeArticles(Array(kept)))
    }

    /// `re.sub(r'\b(a|an|the)\b', ' ', text)`: scanning left to right, the first alternative that matches at a
    /// word boundary on both sides is replaced.
    private static func removeArticles(_ text: [Unicode.Scalar]) -> String {
        let articles: [[Unicode.Scalar]] = [["a"], ["a", "n"], ["t", "h", "e"]]
        func isBoundary(_ index: Int) -> Bool {
            let before = index > 0 && PythonText.isWordCharacter(text[index - 1])
            let after = index < text.count && PythonText.isWordCharacter(text[index])
            return before != after
        }
        var output = String.UnicodeScalarView(), index = 0
        while index < text.count {
            let match = isBoundary(index) ? articles.first { article in
                index + article.count <= text.count && text[index..<(index + article.count)].elementsEqual(article)
                    && isBoundary(index + article.count)
            } : nil
            if let match {
                output.append(" ")
                index += match.count
            } else {
                output.append(text[index])
                index += 1
            }
        }
        return String(output)
    }

    /// Exact match after normalization (code point by code point, as Python compares strings).
    public static func exactMatch(_ prediction: String, _ gold: String) -> Bool {
        normalize(prediction).unicodeScalars.elementsEqual(normalize(gold).unicodeScalars)
    }

    /// Token F1 of evaluate-v1.1.py: 0 when no normalized token is shared (also when either side is empty).
    public static func f1V1(_ prediction: String, _ gold: String) -> Double {
        tokenF1(PythonText.split(normalize(prediction)), PythonText.split(normalize(gold))) ?? 0
    }

    /// Token F1 of evaluate-v2.0.py: when either side has no tokens, 1 if both have none, else 0.
    public static func f1V2(_ prediction: String, _ gold: String) -> Double {
        let predicted = PythonText.split(normalize(prediction)), expected = PythonText.split(normalize(gold))
        if predicted.isEmpty || expected.isEmpty { return predicted.isEmpty && expected.isEmpty ? 1 : 0 }
        return tokenF1(predicted, expected) ?? 0
    }

    /// 2PR/(P+R) over the multiset of shared tokens; `nil` when none is shared.
    private static func tokenF1(_ predicted: [String], _ gold: [String]) -> Double? {
        var counts: [[Unicode.Scalar]: Int] = [:]
        for token in gold { counts[Array(token.unicodeScalars), default: 0] += 1 }
        var shared = 0
        for token in predicted.map({ Array($0.unicodeScalars) }) where (counts[token] ?? 0) > 0 {
            counts[token, default: 0] -= 1
            shared += 1
        }
        guard shared > 0 else { return nil }
        let precision = Double(shared) / Double(predicted.count), recall = Double(shared) / Double(gold.count)
        return 2 * precision * recall / (precision + recall)
    }
}
