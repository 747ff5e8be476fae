import Foundation

/// How much of a data set did not fit `max_seq_length`: the inputs cut short and the word pieces they lost.
///
/// Every sentence and token task reports it, so that no run drops text silently: `bert` prints it when anything
/// was cut, the trainer writes the training and dev counts into `metrics.jsonl` and the dev count into
/// `eval_results.json`.
///
/// ```swift
/// let cut = Truncation(inputs: 4343, truncatedInputs: 1160, pieces: 521_000, lostPieces: 180_000)
/// print(cut.summary("training data", maxSequenceLength: 128))
/// ```
public struct Truncation: Sendable, Equatable {
    /// Inputs (rows, sentences) read.
    public var inputs: Int
    /// Inputs that lost word pieces.
    public var truncatedInputs: Int
    /// Word pieces of every input before truncation ([CLS] and [SEP] not counted).
    public var pieces: Int
    /// Word pieces cut off.
    public var lostPieces: Int

    public init(inputs: Int = 0, truncatedInputs: Int = 0, pieces: Int = 0, lostPieces: Int = 0) {
        self.inputs = inputs
        self.truncatedInputs = truncatedInputs
        self.pieces = pieces
        self.lostPieces = lostPieces
    }

    /// Counts one input of `pieces` word pieces of which `lost` did not fit.
    public mutating func count(pieces: Int, lost: Int) {
        inputs += 1
        self.pieces += pieces
        lostPieces += lost
        if lost > 0 { truncatedInputs += 1 }
    }

    /// Whether anything was cut.
    public var isEmpty: Bool { truncatedInputs == 0 }

    /// The counts as `metrics.jsonl` and `eval_results.json` write them.
    public var json: [String: Any] {
        ["inputs": inputs, "truncated_inputs": truncatedInputs, "word_pieces": pieces, "lost_word_pieces": lostPieces]
    }

    /// One line for the user: how many inputs of `what` were cut and the share of word pieces lost.
    public func summary(_ what: String, maxSequenceLength: Int) -> String {
        func percent(_ part: Int, _ whole: Int) -> String { String(format: "%.1f %%", whole == 0 ? 0 : 100 * Double(part) / Double(whole)) }
        return "\(what): \(truncatedInputs) of \(inputs) inputs (\(percent(truncatedInputs, inputs))) are longer than "
            + "--max-seq-length \(maxSequenceLength) and were cut, losing \(lostPieces) of \(pieces) word pieces "
            + "(\(percent(lostPieces, pieces)))"
    }
}
