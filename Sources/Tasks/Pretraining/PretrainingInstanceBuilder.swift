/// A tokenized document: its sentences (lines), each a non-empty list of token ids.
public typealias PretrainingDocument = [[Int32]]

/// Google's `create_training_instances` and `create_instances_from_document` over tokenized documents, driven
/// by ``PythonRandom`` so that the same documents, vocabulary and seed give exactly the instances of
/// `create_pretraining_data.py`, in the same order.
public struct PretrainingInstanceBuilder: Sendable {
    /// The settings (``PretrainingOptions/shardDocuments`` is not used here).
    public let options: PretrainingOptions
    /// The vocabulary view.
    public let vocabulary: PretrainingVocabulary

    /// A builder; `options` are validated.
    public init(options: PretrainingOptions, vocabulary: PretrainingVocabulary) throws {
        try options.validate()
        self.options = options
        self.vocabulary = vocabulary
    }

    /// Google's `create_training_instances` from the point where the documents are read: shuffles `documents`,
    /// makes instances from each document `dupeFactor` times, and shuffles the instances.
    ///
    /// Instances are handed to `emit` in creation order; the return value is the final order — element k is
    /// the creation index of the k-th instance of Google's output — so a caller can store instances compactly
    /// before the final shuffle.
    ///
    /// - Parameter documents: Documents with at least one sentence each (empty ones are dropped first).
    public func build(documents: [PretrainingDocument], rng: inout PythonRandom, counts: inout MaskingCounts,
                      emit: (PretrainingInstance) throws -> Void) rethrows -> [Int] {
        var documents = documents.filter { !$0.isEmpty }
        rng.shuffle(&documents)
        let predictor = MaskedLMPredictor(vocabulary: vocabulary, maskedLMProbability: options.maskedLMProbability,
                                          maxPredictions: options.maxPredictionsPerSeq, wholeWordMask: options.wholeWordMask)
        var created = 0
        for _ in 0..<options.dupeFactor {
            for index in documents.indices {
                try instances(from: documents, at: index, predictor: predictor, rng: &rng, counts: &counts) { instance in
                    created += 1
                    try emit(instance)
                }
            }
        }
        var order = Array(0..<created)
        rng.shuffle(&order)
        return order
    }

    /// All instances in Google's final order (convenient for small corpora and tests).
    public func instances(documents: [PretrainingDocument], seed: Int) -> [PretrainingInstance] {
        var rng = PythonRandom(seed: seed)
        var counts = MaskingCounts()
        var created: [PretrainingInstance] = []
        let order = build(documents: documents, rng: &rng, counts: &counts) { created.append($0) }
        return order.map { created[$0] }
    }

    /// `create_instances_from_document`.
    private func instances(from documents: [PretrainingDocument], at documentIndex: Int, predictor: MaskedLMPredictor,
                           rng: inout PythonRandom, counts: inout MaskingCounts,
                           emit: (PretrainingInstance) throws -> Void) rethrows {
        let document = documents[documentIndex]
        let maxTokens = options.maxSeqLength - 3
        var targetLength = maxTokens
        if rng.random() < options.shortSeqProbability {
            targetLength = rng.randint(2, maxTokens)
        }
        var chunk: [[Int32]] = []
        var chunkLength = 0
        var i = 0
        while i < document.count {
            let segment = document[i]
            chunk.append(segment)
            chunkLength += segment.count
            if i == document.count - 1 || chunkLength >= targetLength {
                if !chunk.isEmpty {
                    let aEnd = chunk.count >= 2 ? rng.randint(1, chunk.count - 1) : 1
                    var tokensA = Array(chunk[..<aEnd].joined())
                    var tokensB: [Int32] = []
                    let isRandomNext: Bool
                    if chunk.count == 1 || rng.random() < 0.5 {
                        isRandomNext = true
                        let targetBLength = targetLength - tokensA.count
                        var randomIndex = 0
                        for _ in 0..<10 {
                            randomIndex = rng.randint(0, documents.count - 1)
                            if randomIndex != documentIndex { break }
                        }
                        let randomDocument = documents[randomIndex]
                        let start = rng.randint(0, randomDocument.count - 1)
                        for j in start..<randomDocument.count {
                            tokensB.append(contentsOf: randomDocument[j])
                            if tokensB.count >= targetBLength { break }
                        }
                        // The segments not used go back for the next instance.
                        i -= chunk.count - aEnd
                    } else {
                        isRandomNext = false
                        tokensB = Array(chunk[aEnd...].joined())
                    }
                    truncatePair(&tokensA, &tokensB, maxTokens: maxTokens, rng: &rng)
                    var tokens: [Int32] = [vocabulary.classifierID]
                    tokens.reserveCapacity(tokensA.count + tokensB.count + 3)
                    tokens += tokensA
                    tokens.append(vocabulary.separatorID)
                    tokens += tokensB
                    tokens.append(vocabulary.separatorID)
                    var segments = [Int32](repeating: 0, count: tokensA.count + 2)
                    segments += [Int32](repeating: 1, count: tokensB.count + 1)
                    let (positions, labels) = predictor.predict(&tokens, rng: &rng, counts: &counts)
                    try emit(PretrainingInstance(tokenIDs: tokens, segmentIDs: segments, maskedPositions: positions,
                                                 maskedLabels: labels, isRandomNext: isRandomNext))
                }
                chunk = []
                chunkLength = 0
            }
            i += 1
        }
    }

    /// `truncate_seq_pair`: drops a token from the longer side (B on ties), from the front or the back with
    /// equal chance, until the pair fits.
    private func truncatePair(_ a: inout [Int32], _ b: inout [Int32], maxTokens: Int, rng: inout PythonRandom) {
        while a.count + b.count > maxTokens {
            let fromFront = rng.random() < 0.5
            if a.count > b.count {
                if fromFront { a.removeFirst() } else { a.removeLast() }
            } else {
                if fromFront { b.removeFirst() } else { b.removeLast() }
            }
        }
    }
}
