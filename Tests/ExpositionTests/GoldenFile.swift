import Foundation
import Testing

/// Reads the expected outputs in `Golden/`.
enum GoldenFile {
    static func url(_ name: String) throws -> URL {
        let directory = try #require(Bundle.module.url(forResource: "Golden", withExtension: nil))
        return directory.appendingPathComponent(name)
    }

    static func bytes(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: url(name)))
    }
}
