import Tasks
import XCTest

/// PythonRandom against values printed by CPython 3.11 (`random.Random`).
final class PythonRandomTests: XCTestCase {
    func testMatchesCPythonForSeed12345() {
        // r = random.Random(12345); [r.random() for _ in range(3)]; [r.getrandbits(k) for k in (1, 7, 32)];
        // [r.randint(0, 9) for _ in range(10)]; x = list(range(10)); r.shuffle(x); [r.randint(2, 125) for _ in range(5)]
        var rng = PythonRandom(seed: 12345)
        XCTAssertEqual((0..<3).map { _ in rng.random() }, [0.41661987254534116, 0.010169169457068361, 0.8252065092537432])
        XCTAssertEqual([1, 7, 32].map { rng.getrandbits($0) }, [0, 109, 1_582_316_135])
        XCTAssertEqual((0..<10).map { _ in rng.randint(0, 9) }, [3, 4, 9, 6, 2, 5, 1, 6, 4, 8])
        var x = Array(0..<10)
        rng.shuffle(&x)
        XCTAssertEqual(x, [1, 4, 6, 3, 0, 5, 7, 9, 8, 2])
        XCTAssertEqual((0..<5).map { _ in rng.randint(2, 125) }, [20, 28, 94, 11, 26])
    }

    func testOtherSeeds() {
        // random.Random(0): random(), randint(0, 1000)
        var zero = PythonRandom(seed: 0)
        XCTAssertEqual(zero.random(), 0.8444218515250481)
        XCTAssertEqual(zero.randint(0, 1000), 776)
        // random.Random(-7).random() (the magnitude is used)
        var negative = PythonRandom(seed: -7)
        XCTAssertEqual(negative.random(), 0.32383276483316237)
        // random.Random(2**40 + 5).random() (two key words)
        var wide = PythonRandom(seed: (1 << 40) + 5)
        XCTAssertEqual(wide.random(), 0.5043802970418443)
        // random.Random(12345 + (3 << 64)): random(), randint(0, 100)
        var stream = PythonRandom(seed: 12345, stream: 3)
        XCTAssertEqual(stream.random(), 0.34780602453670706)
        XCTAssertEqual(stream.randint(0, 100), 0)
        // Stream 0 is the seed itself.
        var base = PythonRandom(seed: 12345), streamZero = PythonRandom(seed: 12345, stream: 0)
        XCTAssertEqual(base.random(), streamZero.random())
    }

    func testLongShuffleCrossesTheTwist() {
        // r = random.Random(12345); x = list(range(700)); r.shuffle(x); x[:8], r.random()
        var rng = PythonRandom(seed: 12345)
        var x = Array(0..<700)
        rng.shuffle(&x)
        XCTAssertEqual(Array(x.prefix(8)), [34, 644, 685, 1, 592, 202, 648, 172])
        XCTAssertEqual(rng.random(), 0.17536345602519288)
    }
}
