/// How texts become one model input.
public struct EncodingOptions: Sendable, Equatable {
    /// The most tokens in the input, [CLS] and [SEP] included; `nil` for no limit.
    public let maxLength: Int?
    /// Fill the input with [PAD] up to ``maxLength``.
    public let padsToMaxLength: Bool

    /// - Parameters:
    ///   - maxLength: The most tokens, [CLS] and [SEP] included (at least 3, room for a pair's special tokens).
    ///   - padsToMaxLength: Pad with [PAD] up to `maxLength` (which must then be given).
    /// - Throws: ``TokenizerError/invalidSetting(name:expected:)`` when `maxLength` is below 3, or padding is
    ///   asked for without a length.
    public init(maxLength: Int? = nil, padsToMaxLength: Bool = false) throws {
        if let maxLength, maxLength < 3 {
            throw TokenizerError.invalidSetting(name: "maxLength", expected: "at least 3 (room for [CLS] and two [SEP]), got \(maxLength)")
        }
        if padsToMaxLength, maxLength == nil {
            throw TokenizerError.invalidSetting(name: "padsToMaxLength", expected: "a maxLength to pad to")
        }
        self.maxLength = maxLength
        self.padsToMaxLength = padsToMaxLength
    }

    /// No truncation, no padding.
    public static let unlimited = EncodingOptions(unchecked: ())

    private init(unchecked: Void) {
        maxLength = nil
        padsToMaxLength = false
    }
}

/// One model input: `[CLS] A [SEP]` or `[CLS] A [SEP] B [SEP]`, maybe padded.
public struct Encoding: Sendable, Equatable {
    /// Token ids.
    public var ids: [Int32]
    /// 0 for [CLS], A and its [SEP]; 1 for B and its [SEP]; 0 for padding.
    public var segmentIDs: [Int32]
    /// 1 for real tokens, 0 for padding.
    public var attentionMask: [Int32]
    /// Each token's span in its own text (A or B, as ``segmentIDs`` says); `nil` for [CLS], [SEP] and [PAD].
    public var offsets: [TokenOffsets?]
    /// How many pieces of A and of B truncation removed.
    public var truncated: (first: Int, second: Int)

    public static func == (lhs: Encoding, rhs: Encoding) -> Bool {
        lhs.ids == rhs.ids && lhs.segmentIDs == rhs.segmentIDs && lhs.attentionMask == rhs.attentionMask
            && lhs.offsets == rhs.offsets && lhs.truncated == rhs.truncated
    }
}

extension WordPieceTokenizer {
    /// Tokenizes one text or a pair and builds the model input (see ``encode(first:second:options:)``).
    public func encode(_ first: String, _ second: String? = nil, options: EncodingOptions = .unlimited) -> Encoding {
        encode(first: tokenize(first), second: second.map { tokenize($0) }, options: options)
    }

    /// Builds `[CLS] A [SEP] (B [SEP])` from tokenized texts.
    ///
    /// Truncation is Google's: a single text keeps its first `maxLength − 2` pieces; a pair drops one piece at a
    /// time from the end of the longer text (from B when they are equally long) until it fits in `maxLength − 3`
    /// (`_truncate_seq_pair` in `run_classifier.py`).
    public func encode(first: TokenizedText, second: TokenizedText?, options: EncodingOptions = .unlimited) -> Encoding {
        var firstCount = first.count
        var secondCount = second?.count ?? 0
        if let maxLength = options.maxLength {
            if second == nil {
                firstCount = min(firstCount, maxLength - 2)
            } else {
                while firstCount + secondCount > maxLength - 3 {
                    if firstCount > secondCount { firstCount -= 1 } else { secondCount -= 1 }
                }
            }
        }
        let total = firstCount + secondCount + (second == nil ? 2 : 3)
        let length = options.padsToMaxLength ? max(options.maxLength ?? total, total) : total
        var encoding = Encoding(ids: [], segmentIDs: [], attentionMask: [], offsets: [],
                                truncated: (first.count - firstCount, (second?.count ?? 0) - secondCount))
        encoding.ids.reserveCapacity(length)
        encoding.segmentIDs.reserveCapacity(length)
        encoding.attentionMask.reserveCapacity(length)
        encoding.offsets.reserveCapacity(length)
        func append(_ id: Int32, segment: Int32, mask: Int32 = 1, offsets: TokenOffsets? = nil) {
            encoding.ids.append(id)
            encoding.segmentIDs.append(segment)
            encoding.attentionMask.append(mask)
            encoding.offsets.append(offsets)
        }
        append(specialIDs.classifier, segment: 0)
        for index in 0..<firstCount { append(first.ids[index], segment: 0, offsets: first.offsets[index]) }
        append(specialIDs.separator, segment: 0)
        if let second {
            for index in 0..<secondCount { append(second.ids[index], segment: 1, offsets: second.offsets[index]) }
            append(specialIDs.separator, segment: 1)
        }
        while encoding.ids.count < length { append(specialIDs.padding, segment: 0, mask: 0) }
        return encoding
    }
}
