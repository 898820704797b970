/// What the replicas' prefix caches did (`replicas.batching.prefix_caching`),
/// counted from the end of the warm-up.
package struct PrefixCacheCounts: Sendable, Equatable {
    /// Prompt tokens of requests admitted for the first time.
    package var promptTokens = 0
    /// Of those, tokens found cached (their prefill skipped).
    package var hitTokens = 0
    /// Prefill tokens skipped over every admission, re-admissions after a
    /// preemption included.
    package var savedPrefillTokens = 0
    /// Cached blocks evicted to make room.
    package var evictions = 0

    /// No counts yet.
    package init() {}
}
