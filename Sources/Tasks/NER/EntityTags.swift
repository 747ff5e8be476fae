/// Entity chunks in a tag sequence, exactly as seqeval's default (non-strict, conlleval-compatible) mode finds
/// them, and the IOB1 → IOB2 repair that follows from it.
///
/// A tag is a prefix letter and a type: `B-PER` is (`B`, `PER`), `O` is (`O`, `_`). A chunk ends before a `B`
/// or `O`, after an `E` or `S`, and wherever the type changes; a chunk starts at a `B` or `S`, at an `I` or `E`
/// that follows `O` (or an `E`/`S`), and wherever the type changes — so `I-PER` after `O` or after `I-LOC`
/// starts a new PER chunk.
public enum EntityTags {
    /// One entity: its type and the indices of its first and last word (inclusive).
    public struct Chunk: Hashable, Sendable {
        /// The entity type (`PER`, `LOC`, …; `_` for untyped tags).
        public var type: String
        /// The first word.
        public var start: Int
        /// The last word (inclusive).
        public var end: Int

        public init(type: String, start: Int, end: Int) {
            self.type = type
            self.start = start
            self.end = end
        }
    }

    /// The chunks of one sentence's tags (seqeval's `get_entities`).
    public static func chunks(_ tags: [String]) -> [Chunk] {
        var chunks: [Chunk] = []
        var previous = (prefix: Character("O"), type: ""), begin = 0
        for (index, tag) in (tags + ["O"]).enumerated() {
            let current = parts(tag)
            if endsChunk(previous: previous, current: current) {
                chunks.append(Chunk(type: previous.type, start: begin, end: index - 1))
            }
            if startsChunk(previous: previous, current: current) { begin = index }
            previous = current
        }
        return chunks
    }

    /// The tags rewritten in IOB2: every `I-X` that starts a chunk (after `O`, or after another type) becomes
    /// `B-X`. IOB2 input comes back unchanged; the chunks are the same before and after.
    public static func toIOB2(_ tags: [String]) -> [String] {
        var previous = (prefix: Character("O"), type: "")
        return tags.map { tag in
            let current = parts(tag)
            defer { previous = current }
            return current.prefix == "I" && startsChunk(previous: previous, current: current) ? "B-" + current.type : tag
        }
    }

    /// Whether `tag` is `O`, `B-<type>` or `I-<type>` with a non-empty type (the tags a CoNLL file may hold).
    public static func isValidIOB(_ tag: String) -> Bool {
        if tag == "O" { return true }
        guard tag.hasPrefix("B-") || tag.hasPrefix("I-") else { return false }
        return tag.count > 2
    }

    /// seqeval's split of a tag: the first character, and the rest after its first `-` (`_` when empty).
    static func parts(_ tag: String) -> (prefix: Character, type: String) {
        guard let prefix = tag.first else { return ("O", "_") }
        let rest = tag.dropFirst()
        let type = rest.firstIndex(of: "-").map { String(rest[rest.index(after: $0)...]) } ?? String(rest)
        return (prefix, type.isEmpty ? "_" : type)
    }

    private static func endsChunk(previous: (prefix: Character, type: String), current: (prefix: Character, type: String)) -> Bool {
        switch (previous.prefix, current.prefix) {
        case ("E", _), ("S", _), ("B", "B"), ("B", "S"), ("B", "O"), ("I", "B"), ("I", "S"), ("I", "O"): return true
        default: return previous.prefix != "O" && previous.prefix != "." && previous.type != current.type
        }
    }

    private static func startsChunk(previous: (prefix: Character, type: String), current: (prefix: Character, type: String)) -> Bool {
        switch (previous.prefix, current.prefix) {
        case (_, "B"), (_, "S"), ("E", "E"), ("E", "I"), ("S", "E"), ("S", "I"), ("O", "E"), ("O", "I"): return true
        default: return current.prefix != "O" && current.prefix != "." && previous.type != current.type
        }
    }
}
