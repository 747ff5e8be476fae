// Identity with the references on real text.
//
// The fixtures come from Tools/reference/make_tokenizer_fixtures.py: HuggingFace's slow BertTokenizer
// (transformers 4.57.6) for the "hf-*" settings and a transcription of Google's tokenization.py, checked against the
// original file, for the "google-*" settings. Where the two references disagree (private-use code points, NFC,
// final sigma, special tokens written in the text, 101–200-character words) the tokenizer follows the reference
// its Compatibility names; the script's header lists the disagreements, and CodePointReferenceTests covers them
// code point by code point.
import Tokenizer
import XCTest

final class RealTextReferenceTests: XCTestCase {
    /// 3,600 lines of tweets, movie reviews, NYT and Amazon snippets (VADER), the KJV Bible and fortunes in English,
    /// Chinese, Russian, German, Czech, Bulgarian and Esperanto: ids identical in all four settings.
    func testRealTextIdsMatchReferences() throws {
        let tokenizers = try ReferenceTokenizers.real()
        let rows = try Fixture.rows("real-text.tsv")
        XCTAssertGreaterThan(rows.count, 3000)
        var mismatches: [String] = []
        var checked = 0
        for row in rows {
            let text = Fixture.unescape(row[1])
            let expected = [row[2], row[3], row[4] == "=" ? row[2] : row[4], row[5] == "=" ? row[3] : row[5]].map(Fixture.ids)
            for (setting, ids) in zip(ReferenceTokenizers.settingNames, expected) {
                guard let tokenizer = tokenizers[setting] else { return XCTFail("no tokenizer \(setting)") }
                let actual = tokenizer.tokenize(text).ids
                checked += 1
                if actual != ids, mismatches.count < 5 {
                    mismatches.append("\(setting) [\(row[0])] \(text.debugDescription)\n  expected \(tokenizer.tokens(ids))"
                                      + "\n  actual   \(tokenizer.tokens(actual))")
                }
            }
        }
        XCTAssert(mismatches.isEmpty, "\(mismatches.count)+ of \(checked) differ:\n" + mismatches.joined(separator: "\n"))
    }

    /// Offsets equal BertTokenizerFast's `offset_mapping` (in code points) on every line where the fast tokenizer's
    /// ids equal the slow one's (all of the 1,200 lines the script sampled).
    func testOffsetsMatchHuggingFaceFast() throws {
        let tokenizer = try XCTUnwrap(try ReferenceTokenizers.real()["hf-uncased"])
        var checked = 0
        var mismatches: [String] = []
        for row in try Fixture.rows("real-text.tsv") where row.count > 6 && !row[6].isEmpty {
            let text = Fixture.unescape(row[1])
            var previousEnd = 0
            let expected = row[6].split(separator: " ").map { pair -> Range<Int> in
                let parts = pair.split(separator: ":").compactMap { Int($0) }
                let start = previousEnd + (parts.first ?? 0)
                previousEnd = start + (parts.last ?? 0)
                return start..<previousEnd
            }
            let actual = tokenizer.tokenize(text).offsets.map(\.unicodeScalars)
            checked += 1
            if actual != expected, mismatches.count < 5 {
                mismatches.append("\(text.debugDescription)\n  expected \(expected)\n  actual   \(actual)")
            }
        }
        XCTAssertGreaterThan(checked, 1000)
        XCTAssert(mismatches.isEmpty, mismatches.joined(separator: "\n"))
    }

    /// Pairs with Google's _truncate_seq_pair at lengths 8–128: ids and segment ids.
    func testPairsWithTruncationMatchGoogle() throws {
        let tokenizer = try XCTUnwrap(try ReferenceTokenizers.real()["hf-uncased"])
        let rows = try Fixture.rows("pairs.tsv")
        XCTAssertEqual(rows.count, 300)
        for row in rows {
            let first = Fixture.unescape(row[0])
            let second = Fixture.unescape(row[1])
            let maxLength = try XCTUnwrap(Int(row[2]))
            let encoding = tokenizer.encode(first, second, options: try EncodingOptions(maxLength: maxLength))
            XCTAssertEqual(encoding.ids, Fixture.ids(row[3]), "\(first.debugDescription) ||| \(second.debugDescription) at \(maxLength)")
            XCTAssertEqual(encoding.segmentIDs, Fixture.ids(row[4]))
            XCTAssertEqual(encoding.attentionMask, [Int32](repeating: 1, count: encoding.ids.count))
        }
    }
}
