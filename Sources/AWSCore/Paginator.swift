/// Follows the pagination token of any paginated AWS call (ListMetrics, GetMetricData, GetResources,
/// DescribeLoadBalancers), so that no answer can make a loop run forever.
///
/// AWS, an emulator or a proxy may keep answering tokens: the pages are capped, and a token that comes back a
/// second time ends the walk (following it would only fetch the same pages again). An empty token means "no more
/// pages", as AWS sends it in some APIs.
public struct Paginator: Sendable {
    /// Why the walk ended.
    public enum Ending: Sendable, Equatable {
        /// The last page had no token.
        case complete
        /// ``maximumPages`` pages were fetched and the last still had a token.
        case pageLimit
        /// A token repeated one seen before.
        case repeatedToken
    }

    /// The default page cap: far above any real fleet (10,000 pages of ListMetrics are 5 million metrics).
    public static let defaultMaximumPages = 10_000

    /// The most pages fetched.
    public let maximumPages: Int

    /// Creates a paginator.
    /// - Parameter maximumPages: The most pages fetched; values below 1 count as 1.
    public init(maximumPages: Int = Paginator.defaultMaximumPages) {
        self.maximumPages = max(1, maximumPages)
    }

    /// Fetches the first page (token `nil`), then each page the previous one points to, handing every page to
    /// `consume` as it arrives.
    /// - Parameters:
    ///   - fetch: Fetches the page for a token and returns it with the next token.
    ///   - consume: Receives each page in order.
    /// - Returns: Why the walk ended; anything but ``Ending/complete`` means pages may be missing.
    /// - Throws: What `fetch` or `consume` throws; the pages consumed so far stay consumed.
    @discardableResult
    public func forEachPage<Page>(
        _ fetch: (_ token: String?) async throws -> (page: Page, next: String?),
        consume: (Page) throws -> Void
    ) async throws -> Ending {
        var token: String?
        var seen: Set<String> = []
        for _ in 0..<maximumPages {
            let (page, next) = try await fetch(token)
            try consume(page)
            guard let next, !next.isEmpty else { return .complete }
            guard seen.insert(next).inserted else { return .repeatedToken }
            token = next
        }
        return .pageLimit
    }
}
