import BERT
import Tokenizer
import Training

/// CoNLL sentences as token-tagging features, with seqeval's entity metrics.
///
/// Each word is tokenized on its own into word pieces; the first piece of a word carries the word's label and
/// the others −1, as do [CLS], [SEP] and padding. A sentence whose pieces do not fit in `maxSequenceLength − 2`
/// is split into windows with a doc stride, or else **truncated**: the words whose first piece is cut off are
/// counted in ``truncatedWords``, predicted `O`, and still scored against their gold tags, so truncation lowers the
/// metrics rather than hiding words. A word that tokenizes to nothing (only characters the tokenizer drops) is handled the
/// same way and counted in ``wordsWithoutPieces``.
public struct NERDataset: TaskDataset {
    /// The sentences in file order: one feature each, or with ``docStride`` one per window of a long one.
    public let sentences: [NERSentence]
    public let features: [Feature]
    public let sequenceLength: Int
    public let warnings: [DataWarning]
    /// The tag of every label id.
    public let labels: [String]
    /// The gold tags in IOB2 (IOB1 input repaired as seqeval reads it); `nil` for unlabelled sentences.
    public let goldTags: [[String]?]
    /// Sentences that lost word pieces to truncation.
    public var truncatedSentences: Int { truncation?.truncatedInputs ?? 0 }
    /// The sentences and word pieces truncation cut.
    public let truncation: Truncation?
    /// Words whose first piece did not fit.
    public let truncatedWords: Int
    /// Words with no word piece at all.
    public let wordsWithoutPieces: Int
    /// Gold tags rewritten from IOB1 to IOB2.
    public let repairedTags: Int
    /// For each sentence and word, where the word's first piece is read: its feature (a long sentence's max-context
    /// window) and position there (`nil`: truncated or empty).
    let wordPositions: [[WordPosition?]]
    /// Long sentences become windows this many pieces apart instead of being truncated (`nil`: truncated).
    public let docStride: Int?

    /// Where a word's first piece sits: which feature, at which position.
    struct WordPosition: Equatable {
        let feature: Int
        let position: Int
    }

    public var head: TaskHeadKind { .tagging(labels: labels) }
    public var primaryMetric: String { "f1" }

    /// Tokenizes and labels the sentences. With `docStride`, a sentence whose pieces do not fit becomes overlapping
    /// windows (``SlidingWindows``, starts `docStride` pieces apart): each word's first piece is labelled, and
    /// predicted, in the one window that gives it the most context on both sides (Google's SQuAD rule), so every
    /// word is tagged and scored once.
    ///
    /// - Throws: ``TaskDataError/unknownLabel(path:line:label:known:)`` for a gold tag outside `labels`;
    ///   ``TaskDataError/invalidSetting(name:expected:)`` for a sequence length below 3, a stride below 1 or no labels.
    public init(sentences: [NERSentence], labels: [String], tokenizer: WordPieceTokenizer, maxSequenceLength: Int,
                docStride: Int? = nil, warnings: [DataWarning] = []) throws {
        guard maxSequenceLength >= 3 else {
            throw TaskDataError.invalidSetting(name: "--max-seq-length", expected: "at least 3, got \(maxSequenceLength)")
        }
        if let docStride, docStride < 1 {
            throw TaskDataError.invalidSetting(name: "--doc-stride", expected: "at least 1 word piece, got \(docStride)")
        }
        guard !labels.isEmpty else { throw TaskDataError.invalidSetting(name: "labels", expected: "at least one tag") }
        let labelIDs = Dictionary(labels.enumerated().map { ($1, Int32($0)) }, uniquingKeysWith: { first, _ in first })
        let session = TokenizerSession()
        let special = tokenizer.specialIDs
        let room = maxSequenceLength - 2
        var features: [Feature] = [], positions: [[WordPosition?]] = [], gold: [[String]?] = []
        var truncation = Truncation(), truncatedWords = 0, emptyWords = 0, repaired = 0
        func feature(_ ids: ArraySlice<Int32>, labels tokenLabels: [Int32]) -> Feature {
            let real = ids.count + 2, padding = maxSequenceLength - real
            var feature = Feature(ids: [special.classifier] + ids + [special.separator] + [Int32](repeating: special.padding, count: padding),
                                  types: [Int32](repeating: 0, count: maxSequenceLength),
                                  mask: [Int32](repeating: 1, count: real) + [Int32](repeating: 0, count: padding))
            feature.tokenLabels = [-1] + tokenLabels + [Int32](repeating: -1, count: padding + 1)
            return feature
        }
        for sentence in sentences {
            let tags = sentence.tags.map(EntityTags.toIOB2)
            if let tags, let original = sentence.tags { repaired += zip(tags, original).filter { $0 != $1 }.count }
            var wordLabels = [Int32](repeating: -1, count: sentence.words.count)
            for (index, tag) in (tags ?? []).enumerated() where index < wordLabels.count {
                guard let id = labelIDs[tag] else {
                    throw TaskDataError.unknownLabel(path: sentence.path, line: sentence.line + index, label: tag, known: labels)
                }
                wordLabels[index] = id
            }
            // The whole sentence's pieces; each word's first piece carries its label (nil: a word with no piece).
            var ids: [Int32] = [], pieceLabels: [Int32] = [], firstPieces: [Int?] = []
            var pieces = TokenizedText()
            for (index, word) in sentence.words.enumerated() {
                pieces.ids.removeAll(keepingCapacity: true)
                pieces.offsets.removeAll(keepingCapacity: true)
                tokenizer.tokenize(word, session: session, into: &pieces)
                guard pieces.count > 0 else {
                    emptyWords += 1
                    firstPieces.append(nil)
                    continue
                }
                firstPieces.append(ids.count)
                ids += pieces.ids
                pieceLabels += [wordLabels[index]] + [Int32](repeating: -1, count: pieces.count - 1)
            }
            if let docStride, ids.count > room {
                // Windows: a piece is labelled in (and a word read from) its max-context window only.
                let spans = SlidingWindows.spans(pieceCount: ids.count, windowLength: room, stride: docStride)
                var owner = [Int](repeating: 0, count: ids.count)
                for piece in ids.indices {
                    owner[piece] = spans.indices.first { SlidingWindows.isMaxContext(spans: spans, current: $0, position: piece) } ?? 0
                }
                for (index, span) in spans.enumerated() {
                    let range = span.start..<(span.start + span.length)
                    features.append(feature(ids[range], labels: range.map { owner[$0] == index ? pieceLabels[$0] : -1 }))
                }
                let base = features.count - spans.count
                positions.append(firstPieces.map { first in
                    first.map { WordPosition(feature: base + owner[$0], position: 1 + $0 - spans[owner[$0]].start) }
                })
                truncation.count(pieces: ids.count, lost: 0)
            } else {
                // Truncation: the first `room` pieces; a word whose first piece is past them is cut.
                let kept = min(ids.count, room)
                features.append(feature(ids[0..<kept], labels: Array(pieceLabels[0..<kept])))
                positions.append(firstPieces.map { first in
                    first.flatMap { $0 < kept ? WordPosition(feature: features.count - 1, position: 1 + $0) : nil }
                })
                truncatedWords += firstPieces.filter { ($0 ?? -1) >= kept }.count
                truncation.count(pieces: ids.count, lost: ids.count - kept)
            }
            gold.append(tags)
        }
        self.sentences = sentences
        self.features = features
        self.sequenceLength = maxSequenceLength
        self.docStride = docStride
        self.warnings = warnings
        self.labels = labels
        self.goldTags = gold
        self.truncation = truncation
        self.truncatedWords = truncatedWords
        self.wordsWithoutPieces = emptyWords
        self.repairedTags = repaired
        self.wordPositions = positions
    }

    /// The predicted tag of every word: the arg-max label at its first piece (in a long sentence's max-context
    /// window); `O` for words that have no piece in the features.
    public func predictedTags(_ outputs: [[Float]]) throws -> [[String]] {
        try checkOutputs(outputs)
        let classes = labels.count
        let outside = labels.contains("O") ? "O" : labels[0]
        return wordPositions.map { positions in
            positions.map { word in
                guard let word, (word.position + 1) * classes <= outputs[word.feature].count else { return outside }
                let best = Scores.argmax(outputs[word.feature][(word.position * classes)..<((word.position + 1) * classes)]) ?? 0
                return labels.indices.contains(best) ? labels[best] : outside
            }
        }
    }

    /// seqeval's entity-level precision, recall and F1 (micro), per type, and word accuracy, over the labelled
    /// sentences (see ``EntityMetrics/dictionary``).
    public func metrics(_ outputs: [[Float]]) throws -> [String: Double] {
        var metrics = try entityMetrics(outputs).dictionary
        if let loss = devLoss(outputs) { metrics["loss"] = loss }
        return metrics
    }

    /// The dev loss: the training objective, cross-entropy over the tagged pieces (those with a token label); nil
    /// when no piece has one.
    func devLoss(_ outputs: [[Float]]) -> Double? {
        let classes = labels.count
        var logits: [ArraySlice<Float>] = [], gold: [Int] = []
        for (feature, row) in zip(features, outputs) {
            for (position, label) in (feature.tokenLabels ?? []).enumerated()
            where label >= 0 && (position + 1) * classes <= row.count {
                logits.append(row[(position * classes)..<((position + 1) * classes)])
                gold.append(Int(label))
            }
        }
        return gold.isEmpty ? nil : ClassificationMetrics.crossEntropy(logits, gold: gold)
    }

    /// The metrics as a structure.
    public func entityMetrics(_ outputs: [[Float]]) throws -> EntityMetrics {
        let predicted = try predictedTags(outputs)
        let scored = zip(goldTags, predicted).compactMap { gold, predicted in gold.map { ($0, predicted) } }
        guard !scored.isEmpty else {
            throw TaskDataError.invalidSetting(name: "evaluation data", expected: "labelled sentences (these have no tags)")
        }
        return EntityMetrics(gold: scored.map(\.0), predicted: scored.map(\.1))
    }

    /// One prediction per sentence: its words and their predicted tags.
    public func predictions(_ outputs: [[Float]]) throws -> [NERPrediction] {
        zip(sentences, try predictedTags(outputs)).map { NERPrediction(line: $0.line, words: $0.words, tags: $1) }
    }
}

/// What `bert predict` writes for one sentence (one JSON line).
public struct NERPrediction: Codable, Sendable, Equatable {
    /// The line of the sentence's first word in the input file.
    public var line: Int
    /// The sentence's words.
    public var words: [String]
    /// One predicted tag per word.
    public var tags: [String]

    public init(line: Int, words: [String], tags: [String]) {
        self.line = line
        self.words = words
        self.tags = tags
    }
}

/// Loading CoNLL files.
public enum NERData {
    /// The sentences of a CoNLL file as features.
    ///
    /// - Parameters:
    ///   - labels: The tag of every label id; `nil` takes them from this file (``labels(of:)``): pass the training
    ///     set's ``NERDataset/labels`` when loading its dev or test file.
    ///   - labelled: Whether the file has a tag column (prediction input need not).
    public static func load(path: String, labels: [String]? = nil, labelled: Bool = true, tokenizer: WordPieceTokenizer,
                            options: TaskOptions = TaskOptions()) throws -> NERDataset {
        let read = try CoNLLReader.read(path: path, labelled: labelled, policy: options.badRows)
        guard let labels = labels ?? (labelled ? self.labels(of: read.sentences) : nil) else {
            throw TaskDataError.invalidSetting(name: "labels", expected: "the tag list for the unlabelled file \(path)")
        }
        return try NERDataset(sentences: read.sentences, labels: labels, tokenizer: tokenizer,
                              maxSequenceLength: options.maxSequenceLength, docStride: options.docStride, warnings: read.warnings)
    }

    /// The tag list of labelled sentences: `O` and, for every entity type seen, `B-<type>` and `I-<type>`,
    /// sorted by code point (for CoNLL-2003: B-LOC, B-MISC, B-ORG, B-PER, I-LOC, I-MISC, I-ORG, I-PER, O).
    public static func labels(of sentences: [NERSentence]) -> [String] {
        var tags: Set<String> = ["O"]
        for sentence in sentences {
            for tag in sentence.tags ?? [] where tag != "O" {
                let type = EntityTags.parts(tag).type
                tags.insert("B-" + type)
                tags.insert("I-" + type)
            }
        }
        return tags.sorted { $0.unicodeScalars.lexicographicallyPrecedes($1.unicodeScalars) }
    }
}
