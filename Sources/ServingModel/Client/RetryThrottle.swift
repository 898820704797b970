/// gRPC's client retry throttling, per server name (grpc/proposal
/// `A6-client-retries.md` [src], https://github.com/grpc/proposal/blob/master/A6-client-retries.md).
///
/// `token_count` starts at `maxTokens`; every failed attempt with a
/// retryable status costs 1 (not below 0) and every success adds
/// `tokenRatio` (not above `maxTokens`). Retries and hedges are blocked
/// while `token_count ≤ maxTokens / 2`. The A6 example uses 10 and 0.1.
package struct RetryThrottle: Sendable, Equatable {
    /// Bucket size and initial count (`maxTokens`, 0 < x ≤ 1000).
    package let maxTokens: Double
    /// Tokens regained per success (`tokenRatio`, > 0).
    package let tokenRatio: Double
    /// The current `token_count`.
    package private(set) var tokens: Double

    /// The A6 example's `maxTokens` (10).
    package static let defaultMaxTokens = 10.0
    /// The A6 example's `tokenRatio` (0.1).
    package static let defaultTokenRatio = 0.1

    /// A throttle at the A6 example's values unless given.
    package init(maxTokens: Double = defaultMaxTokens, tokenRatio: Double = defaultTokenRatio) {
        self.maxTokens = maxTokens
        self.tokenRatio = tokenRatio
        self.tokens = maxTokens
    }

    /// Checks the parameters, naming the first bad one by its scenario key
    /// below `path`, the throttle's mapping (`client.retry_throttle`).
    package func validate(at path: String = "client.retry_throttle") throws(ServingModelError) {
        try ServingModelError.check(maxTokens > 0 && maxTokens <= 1000, path + ".max_tokens", maxTokens, "a number in (0, 1000]")
        try ServingModelError.check(tokenRatio.isFinite && tokenRatio > 0, path + ".token_ratio", tokenRatio, "a number > 0")
    }

    /// Whether a retry or hedge may be sent now.
    package var allowsRetry: Bool { tokens > maxTokens / 2 }

    /// Records a failed attempt (a retryable status or error).
    package mutating func recordFailure() {
        tokens = max(0, tokens - 1)
    }

    /// Records a successful attempt.
    package mutating func recordSuccess() {
        tokens = min(maxTokens, tokens + tokenRatio)
    }
}
