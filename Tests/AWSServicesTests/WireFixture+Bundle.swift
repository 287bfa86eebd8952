@_exported import AWSTestSupport
import Foundation

/// This target's fixtures, through the shared ``WireFixture`` reader.
extension WireFixture {
    static func load(_ name: String) throws -> WireFixture { try load(name, in: .module) }
    static func text(_ name: String) throws -> String { try text(name, in: .module) }
    static func json(_ name: String) throws -> Any { try json(name, in: .module) }
}
