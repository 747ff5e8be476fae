/// Overlapping windows over a sequence of word pieces too long for one input: Google's `doc_span`s of
/// `run_squad.py`, used for SQuAD contexts, long classification texts and long NER sentences.
///
/// ```swift
/// let spans = SlidingWindows.spans(pieceCount: 10, windowLength: 4, stride: 3)   // starts 0, 3, 6 (lengths 4, 4, 4)
/// SlidingWindows.isMaxContext(spans: spans, current: 1, position: 4)            // true: window 1 sees most around 4
/// ```
public enum SlidingWindows {
    /// One window: its first piece and how many pieces it holds.
    public typealias Span = (start: Int, length: Int)

    /// The windows over `pieceCount` pieces: `windowLength` at a time, each starting `min(length, stride)` after
    /// the previous (`--doc-stride` is the step between window starts, as in Google's scripts), the last ending
    /// at the last piece. No window for no pieces.
    public static func spans(pieceCount: Int, windowLength: Int, stride: Int) -> [Span] {
        var spans: [Span] = [], start = 0
        while start < pieceCount {
            let length = min(pieceCount - start, windowLength)
            spans.append((start, length))
            if start + length == pieceCount { break }
            start += min(length, stride)
        }
        return spans
    }

    /// `_check_is_max_context`: whether span `current` is the first of the spans with the highest score for piece
    /// `position` (the minimum of its left and right context, plus 0.01 × the span's length).
    public static func isMaxContext(spans: [Span], current: Int, position: Int) -> Bool {
        var bestScore = -Double.infinity, best = -1
        for (index, span) in spans.enumerated() {
            let end = span.start + span.length - 1
            guard position >= span.start, position <= end else { continue }
            let score = Double(min(position - span.start, end - position)) + 0.01 * Double(span.length)
            if score > bestScore {
                bestScore = score
                best = index
            }
        }
        return best == current
    }
}
