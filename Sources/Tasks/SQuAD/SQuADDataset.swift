import BERT
import Tokenizer
import Training

/// A SQuAD 1.1 or 2.0 file as span features (one per context window), with `run_squad.py`'s post-processing
/// and the official evaluation.
///
/// ```swift
/// let train = try SQuADData.load(path: "train-v1.1.json", training: true, tokenizer: tokenizer)
/// let dev = try SQuADData.load(path: "dev-v1.1.json", training: false, tokenizer: tokenizer)
/// let answers = try dev.predictionSet(outputs)      // outputs: trainer.predict(dev.features)
/// try answers.write(to: "out")                      // predictions.json, nbest_predictions.json
/// let scores = try dev.metrics(outputs)             // exact_match, f1
/// ```
public struct SQuADDataset: TaskDataset {
    /// The file's SQuAD version.
    public let version: SQuADVersion
    /// Whether the features carry training targets (and unusable answers were skipped).
    public let isTraining: Bool
    /// Every paragraph of the file, in order.
    public let paragraphs: [SQuADParagraph]
    /// The questions kept, in file order.
    public let examples: [SQuADExample]
    public let features: [Feature]
    /// The window behind each feature.
    public let windows: [SQuADWindow]
    public let sequenceLength: Int
    /// How the features were made.
    public let options: SQuADOptions
    /// Answers not found at their `answer_start` (and, for training, the questions skipped for it) and contexts
    /// without pieces.
    public let warnings: [DataWarning]
    /// The tokenizer the features were made with (post-processing reads its vocabulary).
    public let tokenizer: WordPieceTokenizer
    /// How outputs become answers.
    public var postprocessing: SQuADPostprocessing
    let paragraphPieces: [ParagraphPieces]

    /// `nil`: windows cover every context (questions are cut at `--max-query-length`, as Google's run_squad.py does).
    public var truncation: Truncation? { nil }
    public var head: TaskHeadKind { .span }
    public var primaryMetric: String { "f1" }

    /// Reads and converts a SQuAD file (see ``SQuADData/load(path:training:tokenizer:options:postprocessing:)``).
    public init(path: String, training: Bool, tokenizer: WordPieceTokenizer, options: SQuADOptions = SQuADOptions(),
                postprocessing: SQuADPostprocessing = SQuADPostprocessing()) throws {
        try options.validate()
        let reader = try SQuADReader(path: path, version: options.version, isTraining: training)
        let session = TokenizerSession()
        let pieces = reader.paragraphs.map { ParagraphPieces($0, tokenizer: tokenizer, session: session) }
        let built = try SQuADFeatureBuilder(tokenizer: tokenizer, options: options, isTraining: training)
            .build(examples: reader.examples, paragraphs: pieces, path: path)
        version = reader.version
        isTraining = training
        paragraphs = reader.paragraphs
        examples = reader.examples
        features = built.features
        windows = built.windows
        sequenceLength = options.maxSequenceLength
        self.options = options
        warnings = reader.warnings + built.warnings
        self.tokenizer = tokenizer
        self.postprocessing = postprocessing
        paragraphPieces = pieces
    }

    /// The answers to every question (`write_predictions`); write them with ``SQuADPredictionSet/write(to:)``.
    public func predictionSet(_ outputs: [[Float]]) throws -> SQuADPredictionSet {
        try checkOutputs(outputs)
        return SQuADPostprocessor(dataset: self, settings: postprocessing).predictions(outputs)
    }

    /// One record per question.
    public func predictions(_ outputs: [[Float]]) throws -> [SQuADPrediction] {
        try predictionSet(outputs).records
    }

    /// The official evaluation of the predicted answers against the gold answers: 1.1 gives `exact_match` and
    /// `f1`; 2.0 gives `exact`, `f1`, the `HasAns_`/`NoAns_` breakdown and `best_exact`/`best_f1` with their
    /// thresholds (the null score differences playing the script's no-answer probabilities, as in BERT's README).
    public func metrics(_ outputs: [[Float]]) throws -> [String: Double] {
        let predicted = try predictionSet(outputs)
        let gold = examples.map { SQuADGold(id: $0.id, answers: $0.answers.map(\.text)) }
        switch version {
        case .v1_1: return try SQuADEvaluator.evaluateV1(gold: gold, predictions: predicted.answers)
        case .v2_0:
            return try SQuADEvaluator.evaluateV2(gold: gold, predictions: predicted.answers,
                                                 noAnswerProbabilities: predicted.nullScoreDiffs)
        }
    }
}

/// Loading SQuAD files.
public enum SQuADData {
    /// A SQuAD JSON file as features, exactly as `run_squad.py`'s `read_squad_examples` and
    /// `convert_examples_to_features` make them.
    ///
    /// The context is split into whitespace words and each word into pieces; the question is cut to
    /// `maxQueryLength` pieces; the context is covered by windows of `maxSequenceLength − question − 3` pieces
    /// moving by `docStride`; each feature is `[CLS] question [SEP] window [SEP]` with segment ids 0 then 1.
    /// With `training`, answers are mapped from characters to words to pieces (and improved to the pieces of the
    /// tokenized answer text when they occur inside), and a window that does not hold the whole answer — or any
    /// window of an unanswerable 2.0 question — targets position 0 ([CLS]).
    ///
    /// - Throws: ``TaskDataError`` for unreadable or malformed JSON (naming the field), an empty file, a duplicate
    ///   question id, a training question without exactly one answer, or inconsistent options.
    public static func load(path: String, training: Bool, tokenizer: WordPieceTokenizer, options: SQuADOptions = SQuADOptions(),
                            postprocessing: SQuADPostprocessing = SQuADPostprocessing()) throws -> SQuADDataset {
        try SQuADDataset(path: path, training: training, tokenizer: tokenizer, options: options, postprocessing: postprocessing)
    }
}
