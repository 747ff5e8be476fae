import Compute
import Foundation
import TestSupport
import XCTest
@testable import BERT

/// Fixtures shared by the encoder tests (devices come from TestSupport).
enum EncoderTestSupport {
    /// A committed fixture file.
    static func fixture(_ path: String) -> String {
        Fixtures.root + "/encoder/" + path
    }
}

extension SafetensorsFile {
    /// An int32 tensor of a fixture.
    func readInt32(_ name: String) throws -> [Int32] {
        let bytes = try self.bytes(of: name)
        return bytes.withMemoryRebound(to: Int32.self) { Array($0) }
    }
}
