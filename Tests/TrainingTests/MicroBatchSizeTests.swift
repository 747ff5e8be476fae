import XCTest
@testable import Training

/// `--micro-batch-size` parsed and the batch/micro-batch rule checked in one place, for the CLI, the phases of
/// pre-training, the trainer and data-parallel ranks.
final class MicroBatchSizeTests: XCTestCase {
    func testParsing() throws {
        XCTAssertEqual(try MicroBatchSize(nil, batchSize: 32), .fixed(32), "not given: the batch")
        XCTAssertEqual(try MicroBatchSize("auto", batchSize: 32), .auto)
        XCTAssertEqual(try MicroBatchSize("8", batchSize: 32).fixed, 8)
        for bad in ["0", "-4", "eight", ""] {
            XCTAssertThrowsError(try MicroBatchSize(bad, batchSize: 32)) {
                XCTAssertEqual("\($0)", "--micro-batch-size must be auto or a whole number of at least 1, got '\(bad)'")
            }
        }
    }

    func testTheRule() throws {
        XCTAssertNoThrow(try MicroBatchSize.fixed(8).check(batchSize: 32))
        XCTAssertNoThrow(try MicroBatchSize.auto.check(batchSize: 7))
        XCTAssertNoThrow(try MicroBatchSize.fixed(4).check(batchSize: 16, ranks: 2))
        XCTAssertThrowsError(try MicroBatchSize.fixed(3).check(batchSize: 8)) {
            XCTAssertEqual("\($0)", "--batch-size (8) must be a multiple of --micro-batch-size (3)")
        }
        XCTAssertThrowsError(try MicroBatchSize.fixed(4).check(batchSize: 12, ranks: 2)) {
            XCTAssertEqual("\($0)", "--batch-size (12) must be a multiple of the ranks (2) × --micro-batch-size (4) for data-parallel training")
        }
        XCTAssertThrowsError(try MicroBatchSize.fixed(0).check(batchSize: 8))
        XCTAssertThrowsError(try MicroBatchSize.auto.check(batchSize: 0)) { XCTAssertEqual("\($0)", "--batch-size must be positive, got 0") }
    }
}
