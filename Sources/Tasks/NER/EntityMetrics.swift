/// Entity-level precision, recall and F1 as seqeval computes them by default (conlleval's chunk rules,
/// micro-averaged over all entities), with scores per entity type and word-level accuracy.
public struct EntityMetrics: Sendable, Equatable {
    /// Scores for one entity type (or all of them).
    public struct Scores: Sendable, Equatable {
        /// Correct entities / predicted entities (0 when nothing is predicted).
        public var precision: Double
        /// Correct entities / gold entities (0 when there is no gold entity).
        public var recall: Double
        /// Their harmonic mean (0 when both are 0).
        public var f1: Double
        /// The number of gold entities.
        public var support: Int
    }

    /// Micro-averaged over every entity.
    public var overall: Scores
    /// Per entity type.
    public var byType: [String: Scores]
    /// The fraction of words whose predicted tag equals the gold tag (seqeval's `accuracy_score`).
    public var accuracy: Double

    /// Scores `predicted` tag sequences against `gold`, sentence by sentence (sentences of different lengths are
    /// compared over the shorter length).
    public init(gold: [[String]], predicted: [[String]]) {
        var goldChunks: [String: Set<[Int]>] = [:], predictedChunks: [String: Set<[Int]>] = [:]
        var words = 0, correctWords = 0
        for (sentence, (goldTags, predictedTags)) in zip(gold, predicted).enumerated() {
            for chunk in EntityTags.chunks(goldTags) { goldChunks[chunk.type, default: []].insert([sentence, chunk.start, chunk.end]) }
            for chunk in EntityTags.chunks(predictedTags) {
                predictedChunks[chunk.type, default: []].insert([sentence, chunk.start, chunk.end])
            }
            words += min(goldTags.count, predictedTags.count)
            correctWords += zip(goldTags, predictedTags).filter { $0 == $1 }.count
        }
        var byType: [String: Scores] = [:]
        var allCorrect = 0, allPredicted = 0, allGold = 0
        for type in Set(goldChunks.keys).union(predictedChunks.keys) {
            let goldSet = goldChunks[type] ?? [], predictedSet = predictedChunks[type] ?? []
            let correct = goldSet.intersection(predictedSet).count
            byType[type] = Self.scores(correct: correct, predicted: predictedSet.count, gold: goldSet.count)
            allCorrect += correct
            allPredicted += predictedSet.count
            allGold += goldSet.count
        }
        self.overall = Self.scores(correct: allCorrect, predicted: allPredicted, gold: allGold)
        self.byType = byType
        self.accuracy = words == 0 ? 0 : Double(correctWords) / Double(words)
    }

    /// Precision and recall are 0 when undefined (seqeval's default `zero_division`), and so is F1.
    private static func scores(correct: Int, predicted: Int, gold: Int) -> Scores {
        let precision = predicted == 0 ? 0 : Double(correct) / Double(predicted)
        let recall = gold == 0 ? 0 : Double(correct) / Double(gold)
        let f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
        return Scores(precision: precision, recall: recall, f1: f1, support: gold)
    }

    /// The metrics dictionary: `precision`, `recall`, `f1`, `accuracy`, and `<TYPE>_precision`, `<TYPE>_recall`,
    /// `<TYPE>_f1`, `<TYPE>_support` for every type.
    public var dictionary: [String: Double] {
        var metrics = ["precision": overall.precision, "recall": overall.recall, "f1": overall.f1, "accuracy": accuracy]
        for (type, scores) in byType {
            metrics["\(type)_precision"] = scores.precision
            metrics["\(type)_recall"] = scores.recall
            metrics["\(type)_f1"] = scores.f1
            metrics["\(type)_support"] = Double(scores.support)
        }
        return metrics
    }
}
