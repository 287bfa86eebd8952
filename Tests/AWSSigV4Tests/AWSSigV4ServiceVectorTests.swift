import AWSSigV4
import Foundation
import Testing

/// Vectors botocore signed for the exact requests this project makes (CloudWatch Query and JSON, ELB, ELBv2,
/// Tagging, STS; with and without session tokens; cn-north-1).
@Suite struct AWSSigV4ServiceVectorTests {
    struct Context: Decodable {
        struct Credentials: Decodable {
            var access_key_id: String
            var secret_access_key: String
            var token: String?
        }
        var credentials: Credentials
        var region: String
        var service: String
        var timestamp: String
    }

    static let cases = SigningCase.all(under: "services")

    @Test func allVectorsArePresent() {
        #expect(Self.cases.count == 10)
    }

    @Test(arguments: cases)
    func signsLikeBotocore(_ testCase: SigningCase) throws {
        let context = try JSONDecoder().decode(
            Context.self,
            from: Data(contentsOf: testCase.folder.appendingPathComponent("context.json"))
        )
        let date = try #require(ISO8601DateFormatter().date(from: context.timestamp))
        let request = SigningCase.parse(try testCase.file("req"))
        let signer = SigV4Signer(
            credentials: AWSCredentials(
                accessKeyId: context.credentials.access_key_id,
                secretAccessKey: context.credentials.secret_access_key,
                sessionToken: context.credentials.token
            ),
            service: context.service,
            region: context.region
        )
        let signature = signer.sign(
            method: request.method,
            path: request.path,
            query: request.query,
            headers: request.headers,
            body: request.body,
            date: date
        )
        #expect(signature.canonicalRequest.text == (try testCase.file("creq")))
        #expect(signature.stringToSign.text == (try testCase.file("sts")))
        #expect(signature.authorization == (try testCase.file("authz")))
    }
}
