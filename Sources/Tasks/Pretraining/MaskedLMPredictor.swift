/// Counts of what masking drew, for the summary: how many positions became `[MASK]`, kept their token, or got
/// a random word (Google's 80 / 10 / 10).
public struct MaskingCounts: Sendable, Equatable, Codable {
    /// Positions replaced by `[MASK]`.
    public var mask = 0
    /// Positions left as they were.
    public var keep = 0
    /// Positions replaced by a random vocabulary word.
    public var random = 0

    /// All zero.
    public init() {}

    /// Every masked position.
    public var total: Int { mask + keep + random }

    /// Adds another count.
    public mutating func add(_ other: MaskingCounts) {
        mask += other.mask
        keep += other.keep
        random += other.random
    }
}

/// Google's `create_masked_lm_predictions`: the same candidates, shuffle, budget and 80/10/10 draws, in the same
/// order of random calls.
struct MaskedLMPredictor {
    let vocabulary: PretrainingVocabulary
    let maskedLMProbability: Double
    let maxPredictions: Int
    let wholeWordMask: Bool

    /// Masks `tokens` in place and returns the masked positions (ascending) and their original ids.
    func predict(_ tokens: inout [Int32], rng: inout PythonRandom, counts: inout MaskingCounts) -> (positions: [Int32], labels: [Int32]) {
        var candidates: [[Int]] = []
        for (index, token) in tokens.enumerated() where token != vocabulary.classifierID && token != vocabulary.separatorID {
            if wholeWordMask, !candidates.isEmpty, vocabulary.isContinuation(token) {
                candidates[candidates.count - 1].append(index)
            } else {
                candidates.append([index])
            }
        }
        rng.shuffle(&candidates)
        let original = tokens
        // Python's round() on a float rounds half to even.
        let wanted = Int((Double(tokens.count) * maskedLMProbability).rounded(.toNearestOrEven))
        let budget = min(maxPredictions, max(1, wanted))
        var masked: [(index: Int, label: Int32)] = []
        var covered = Set<Int>()
        for group in candidates {
            if masked.count >= budget { break }
            if masked.count + group.count > budget { continue }
            if group.contains(where: covered.contains) { continue }
            for index in group {
                covered.insert(index)
                if rng.random() < 0.8 {
                    tokens[index] = vocabulary.maskID
                    counts.mask += 1
                } else if rng.random() < 0.5 {
                    counts.keep += 1
                } else {
                    tokens[index] = vocabulary.randomWords[rng.randint(0, vocabulary.randomWords.count - 1)]
                    counts.random += 1
                }
                masked.append((index, original[index]))
            }
        }
        masked.sort { $0.index < $1.index }
        return (masked.map { Int32($0.index) }, masked.map(\.label))
    }
}
