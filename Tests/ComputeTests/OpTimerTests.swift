import TestSupport
import XCTest
@testable import Compute

/// The op timer's runs: every repetition within the budget, and no more than one timed run (after one warm-up)
/// once the budget is spent, so a profile finishes on a slow device or a simulator.
final class OpTimerTests: XCTestCase {
    func testRunsStopOnceTheBudgetIsSpent() throws {
        let device = TestDevices.cpu
        let op = try OpReplay.prepare(.copy(count: 1 << 16), on: device, seed: 1)
        let all = try OpTimer.time(op, on: device, settings: TimingSettings(warmup: 2, repetitions: 7))
        XCTAssertEqual(all.seconds.count, 7, "an unlimited budget times every repetition")
        let spent = try OpTimer.time(op, on: device, settings: TimingSettings(warmup: 2, repetitions: 7, budgetSeconds: 1e-9))
        XCTAssertEqual(spent.seconds.count, 1, "past the budget: one timed run, never none")
        XCTAssertGreaterThan(spent.median, 0)
    }
}
