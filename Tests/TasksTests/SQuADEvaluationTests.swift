import XCTest
@testable import Tasks

/// normalize_answer, exact match and F1 of the official scripts; expected strings from Python 3.11
/// (Tools/reference/tasks_metrics_reference.py).
final class SQuADEvaluationTests: XCTestCase {
    func testNormalizeAnswerLikePython() {
        let cases = [("The Cat's hat!", "cats hat"), ("an apple a day", "apple day"), ("theater anthem", "theater anthem"),
                     ("ΣΑΣ ΟΔΟΣ Σ", "σας οδος σ"), ("Ünïcödé  Café—the end", "ünïcödé café— end"), ("a_b the_c", "ab thec"),
                     ("İstanbul", "i\u{307}stanbul"), ("the² a1 theA", "the² a1 thea"), ("a.the,an", "athean"),
                     ("\u{A0}the\u{3000}end\u{2009}a", "end")]
        for (text, normalized) in cases {
            XCTAssertEqual(Array(AnswerNormalization.normalize(text).unicodeScalars), Array(normalized.unicodeScalars), text)
        }
    }

    func testExactMatchAndF1() {
        XCTAssertTrue(AnswerNormalization.exactMatch("The  Eiffel tower.", "eiffel Tower"))
        XCTAssertEqual(AnswerNormalization.f1V1("the cat sat on the mat", "a cat on a mat mat"), 0.75)   // 3 of 4 tokens each way
        XCTAssertEqual(AnswerNormalization.f1V1("", "the"), 0)
        XCTAssertEqual(AnswerNormalization.f1V2("", "the"), 1)
        XCTAssertEqual(AnswerNormalization.f1V2("cat", ""), 0)
    }

    func testVersion1Scores() throws {
        let gold = [SQuADGold(id: "a", answers: ["Denver Broncos", "The Denver Broncos"]), SQuADGold(id: "b", answers: ["Santa Clara"]),
                    SQuADGold(id: "c", answers: ["1"])]
        let metrics = try SQuADEvaluator.evaluateV1(gold: gold, predictions: ["a": "the broncos", "b": "Santa Clara, California"])
        XCTAssertEqual(metrics["exact_match"] ?? -1, 0, accuracy: 1e-12)
        // a: P 1, R 1/2 → 2/3; b: P 2/3, R 1 → 0.8; c: missing → 0.
        let f1: Double = 100 * (2.0 / 3 + 0.8) / 3
        XCTAssertEqual(metrics["f1"] ?? -1, f1, accuracy: 1e-12)
        XCTAssertThrowsError(try SQuADEvaluator.evaluateV1(gold: [SQuADGold(id: "x", answers: [])], predictions: ["x": ""]))
    }

    func testVersion2ScoresAndBestThresholds() throws {
        let gold = [SQuADGold(id: "a", answers: ["Paris"]), SQuADGold(id: "b", answers: []), SQuADGold(id: "c", answers: ["blue sky"]),
                    SQuADGold(id: "d", answers: ["the"])]
        let predictions = ["a": "Paris", "b": "London", "c": "sky", "d": ""]
        let plain = try SQuADEvaluator.evaluateV2(gold: gold, predictions: predictions)
        // a 1/1, b 0/0, c 0/(2/3), d: gold normalizes to nothing → only "" is right → 1/1.
        XCTAssertEqual(plain["exact"] ?? -1, 50, accuracy: 1e-12)
        let f1: Double = 100 * (2 + 2.0 / 3) / 4
        XCTAssertEqual(plain["f1"] ?? -1, f1, accuracy: 1e-12)
        XCTAssertEqual(plain["HasAns_total"], 3)
        XCTAssertEqual(plain["NoAns_exact"], 0)
        XCTAssertNil(plain["best_f1"])
        let odds = ["a": -2.0, "b": 3.0, "c": 0.5, "d": 0.5]
        let withOdds = try SQuADEvaluator.evaluateV2(gold: gold, predictions: predictions, noAnswerProbabilities: odds)
        // b's odds exceed the default threshold 1.0: counted as predicted unanswerable, which is right.
        XCTAssertEqual(withOdds["NoAns_exact"], 100)
        XCTAssertEqual(withOdds["exact"] ?? -1, 75, accuracy: 1e-12)
        // Walk by odds: start 1 (one unanswerable), a +1 → 2 (at −2), c +0, d +1 → 3 (at 0.5), b −1 → 2.
        XCTAssertEqual(withOdds["best_exact"] ?? -1, 75, accuracy: 1e-12)
        XCTAssertEqual(withOdds["best_exact_thresh"], 0.5)
        XCTAssertThrowsError(try SQuADEvaluator.evaluateV2(gold: gold, predictions: ["a": "x"]))
        XCTAssertThrowsError(try SQuADEvaluator.evaluateV2(gold: gold, predictions: predictions, noAnswerProbabilities: ["a": 0]))
    }
}

extension SQuADEvaluationTests {
    /// Python compares code points: a precomposed and a decomposed "é" differ there, and so here.
    func testStringsCompareByCodePoint() {
        XCTAssertFalse(AnswerNormalization.exactMatch("caf\u{E9}", "cafe\u{301}"))
        XCTAssertEqual(AnswerNormalization.f1V1("caf\u{E9} bar", "cafe\u{301} bar"), 0.5)
    }
}
