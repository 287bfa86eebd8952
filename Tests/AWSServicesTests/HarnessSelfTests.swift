import AWSCore
import Foundation
import Testing

/// The comparison helpers must not let two broken bodies look alike.
@Suite struct HarnessSelfTests {
    @Test(arguments: ["", "{", "not json", "[1, 2]", "\"a string\""])
    func aBodyThatIsNotAJSONObjectThrows(_ text: String) {
        #expect(throws: Harness.NotAJSONObject.self) { try Harness.jsonObject(text) }
    }

    @Test func noRequestThrows() {
        #expect(throws: Harness.NotAJSONObject.self) { try Harness.jsonObject(nil as HTTPRequest?) }
    }

    @Test func equalObjectsCompareEqualWhateverTheirKeyOrder() throws {
        #expect(try Harness.jsonObject(#"{"a":1,"b":[true]}"#) == Harness.jsonObject(#"{"b":[true],"a":1}"#))
        #expect(try Harness.jsonObject(#"{"a":1}"#) != Harness.jsonObject(#"{"a":2}"#))
    }
}
