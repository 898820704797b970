import SimulationCore

/// What one attempt of a request ended with, as a client sees it.
package enum AttemptOutcome: Sendable, Equatable {
    /// An HTTP response: its status, any server-requested delay in seconds
    /// (`retry-after-ms`, else `retry-after`), and any `x-should-retry`
    /// header.
    case response(status: Int, retryAfter: Double? = nil, shouldRetry: Bool? = nil)
    /// The attempt timed out.
    case timeout
    /// The connection failed or was reset.
    case connectionError

    /// Whether the attempt succeeded (a 2xx or 3xx response).
    package var isSuccess: Bool {
        if case .response(let status, _, _) = self { return status < 400 }
        return false
    }
}

/// What the client does after an attempt.
package enum RetryDecision: Sendable, Equatable {
    /// The attempt succeeded; nothing more to do.
    case done
    /// Send the request again after `delay` seconds.
    case retry(after: Double)
    /// Stop and surface the failure.
    case giveUp(GiveUpReason)

    /// Why a failed request is not retried.
    package enum GiveUpReason: Sendable, Equatable {
        /// The status (or `x-should-retry: false`) says not to.
        case notRetryable
        /// `maxAttempts` attempts were made.
        case attemptsExhausted
        /// The server asked for a longer wait than the client accepts.
        case retryAfterTooLong
    }
}

/// A client's retry rules: how many attempts, which outcomes are retried,
/// how server-requested delays are honoured, and the backoff otherwise.
///
/// The defaults are those of the OpenAI and Anthropic Python SDKs
/// (`_base_client.py` `_should_retry` and `_calculate_retry_timeout`,
/// https://github.com/openai/openai-python [src]): 3 attempts (`DEFAULT_MAX_RETRIES = 2`);
/// `x-should-retry: true/false` wins; otherwise retry 408, 409, 429, every
/// status ≥ 500 (including Anthropic's 529), timeouts and connection
/// errors; a server delay `0 < d ≤ 120 s` (`MAX_RETRY_AFTER_DELAY` at HEAD;
/// older SDKs used 60 s) is waited exactly; above 120 s the HEAD SDK does
/// not retry at all; otherwise the ``Backoff`` decides.
///
/// ```swift
/// let policy = RetryPolicy.openAISDK
/// let next = policy.decide(.response(status: 429, retryAfter: 2), attempt: 1, previousDelay: 0, &rng)
/// // .retry(after: 2)
/// ```
package struct RetryPolicy: Sendable, Equatable {
    /// How a server-requested delay is treated.
    package enum RetryAfterHandling: Sendable, Equatable {
        /// Ignore `Retry-After`; always use the backoff.
        case ignore
        /// Wait the server delay when `0 < d ≤ cap`; above the cap give up
        /// (OpenAI/Anthropic SDK at HEAD) or, with `giveUpAboveCap: false`,
        /// fall back to the backoff (older SDKs).
        case honour(cap: Double, giveUpAboveCap: Bool)
    }

    /// Attempts in all, the first included (SDK: `max_retries + 1` = 3).
    package var maxAttempts: Int
    /// The wait when the server gives none.
    package var backoff: Backoff
    /// Statuses retried when `x-should-retry` is absent.
    package var retryableStatuses: Set<Int>
    /// Every status at or above this is retried too (`nil`: none).
    package var retryStatusesFrom: Int?
    /// Whether timeouts and connection errors are retried.
    package var retryTimeoutsAndConnectionErrors: Bool
    /// Whether `x-should-retry` overrides the status rule.
    package var honourShouldRetryHeader: Bool
    /// Server-delay handling.
    package var retryAfter: RetryAfterHandling

    /// The SDK's handling of a server delay (honoured up to 120 s, above it
    /// no retry), also what `retry_after: honour` turns on over a preset
    /// that ignores it.
    package static let defaultRetryAfter = RetryAfterHandling.honour(cap: 120, giveUpAboveCap: true)

    /// A policy; each parameter defaults to the OpenAI SDK's value.
    package init(maxAttempts: Int = 3, backoff: Backoff = .openAI, retryableStatuses: Set<Int> = [408, 409, 429],
                retryStatusesFrom: Int? = 500, retryTimeoutsAndConnectionErrors: Bool = true,
                honourShouldRetryHeader: Bool = true, retryAfter: RetryAfterHandling = defaultRetryAfter) {
        self.maxAttempts = maxAttempts
        self.backoff = backoff
        self.retryableStatuses = retryableStatuses
        self.retryStatusesFrom = retryStatusesFrom
        self.retryTimeoutsAndConnectionErrors = retryTimeoutsAndConnectionErrors
        self.honourShouldRetryHeader = honourShouldRetryHeader
        self.retryAfter = retryAfter
    }

    /// The OpenAI Python SDK at HEAD (also DeepSeek's recommended client).
    package static let openAISDK = RetryPolicy()
    /// The Anthropic Python SDK at HEAD (same Stainless logic and constants).
    package static let anthropicSDK = RetryPolicy(backoff: .anthropic)
    /// An Envoy route with `retry_on: 5xx` and the default `num_retries: 1`
    /// (Envoy's router filter docs [src]): any status ≥ 500, resets and connect
    /// failures, the default back-off (25 ms base, 250 ms max); headers are
    /// not consulted (`rate_limited_retry_back_off` is not configured).
    package static let envoyRoute5xx = RetryPolicy(maxAttempts: 2, backoff: .envoyDefault, retryableStatuses: [],
                                                  retryStatusesFrom: 500, honourShouldRetryHeader: false, retryAfter: .ignore)
    /// No retries.
    package static let noRetries = RetryPolicy(maxAttempts: 1, backoff: .none)
    /// urllib3's `Retry` as `requests` users configure it: 11 attempts,
    /// urllib3's default backoff, 413, 429 and 503 retried, `Retry-After`
    /// honoured up to 6 hours and the backoff used above it.
    package static let urllib3 = RetryPolicy(maxAttempts: 11, backoff: .urllib3Default, retryableStatuses: [413, 429, 503],
                                            retryStatusesFrom: nil, honourShouldRetryHeader: false,
                                            retryAfter: .honour(cap: 21_600, giveUpAboveCap: false))
    /// The retry policy example of gRPC A6: 5 attempts, 503 (UNAVAILABLE)
    /// retried, the example's backoff, no server delays.
    package static let grpcExample = RetryPolicy(maxAttempts: 5, backoff: .grpcExample, retryableStatuses: [503], retryStatusesFrom: nil,
                                                honourShouldRetryHeader: false, retryAfter: .ignore)

    /// Checks the parameters, naming the first bad one by its scenario key
    /// below `path`, the policy's mapping (`client.retry`).
    package func validate(at path: String = "client.retry") throws(ServingModelError) {
        try ServingModelError.check(maxAttempts >= 1, path + ".max_attempts", maxAttempts, "an integer >= 1 (the first attempt counts)")
        try backoff.validate(at: path + ".backoff")
        for s in retryableStatuses.sorted() {
            try ServingModelError.check((100...599).contains(s), path + ".retry_on", s, "HTTP statuses in 100...599")
        }
        if let from = retryStatusesFrom {
            try ServingModelError.check((100...599).contains(from), path + ".retry_statuses_from", from, "an HTTP status in 100...599")
        }
        if case .honour(let cap, _) = retryAfter {
            try ServingModelError.check(cap > 0, path + ".max_retry_after", cap, "a duration > 0")
        }
    }

    /// Whether `outcome` is worth another attempt, ignoring attempt counts.
    package func isRetryable(_ outcome: AttemptOutcome) -> Bool {
        switch outcome {
        case .timeout, .connectionError:
            return retryTimeoutsAndConnectionErrors
        case .response(let status, _, let shouldRetry):
            if status < 400 { return false }
            if honourShouldRetryHeader, let header = shouldRetry { return header }
            return retryableStatuses.contains(status) || retryStatusesFrom.map { status >= $0 } ?? false
        }
    }

    /// The decision after attempt number `attempt` (1 for the first) ended
    /// with `outcome`; `previousDelay` is the last wait (for decorrelated
    /// jitter), `rng` the client's jitter stream.
    package func decide(_ outcome: AttemptOutcome, attempt: Int, previousDelay: Double,
                       _ rng: inout RandomStream) -> RetryDecision {
        if outcome.isSuccess { return .done }
        guard isRetryable(outcome) else { return .giveUp(.notRetryable) }
        guard attempt < maxAttempts else { return .giveUp(.attemptsExhausted) }
        if case .honour(let cap, let giveUp) = retryAfter, case .response(_, let server?, _) = outcome, server > 0 {
            if server <= cap { return .retry(after: server) }
            if giveUp { return .giveUp(.retryAfterTooLong) }
        }
        return .retry(after: backoff.delay(retriesTaken: attempt - 1, previous: previousDelay, &rng))
    }
}
