import SimulationCore

/// Prompt and output token counts of one request.
package struct RequestSize: Sendable, Equatable {
    /// Prompt (input) tokens, >= 1.
    package var prompt: Int
    /// Output tokens to generate, >= 1.
    package var output: Int
    /// A size.
    package init(prompt: Int, output: Int) {
        self.prompt = prompt
        self.output = output
    }

    /// Most tokens a prompt or an output may have (10⁸, as a trace row):
    /// scenario values above it are refused, and draws from a size
    /// distribution are cut to it, so that sums of token counts never
    /// overflow and every count fits the engine's 32-bit fields.
    package static let maxTokens = 100_000_000

    /// `x` rounded to whole tokens within `1...maxTokens` (NaN gives 1):
    /// one draw of a size distribution.
    @inlinable
    package static func tokens(_ x: Double) -> Int {
        let r = x.rounded()
        guard r >= 1 else { return 1 }
        return r < Double(maxTokens) ? Int(r) : maxTokens
    }

    /// The size with prompt + output cut to `maxTotal`: the excess comes
    /// off both in proportion to their sizes, each share rounded up, at
    /// least 1 token left each (Vidur's trace length generator). Safe for
    /// any counts: the sum is taken without overflow.
    @inlinable
    package func capped(atMost maxTotal: Int) -> RequestSize {
        let (sum, overflow) = prompt.addingReportingOverflow(output)
        guard overflow || sum > maxTotal else { return self }
        let total = Double(prompt) + Double(output)
        let excess = total - Double(maxTotal)
        // Each cut is at most the count it comes off (then 1 token is left).
        func less(_ n: Int) -> Int {
            let cut = (excess * Double(n) / total).rounded(.up)
            return cut >= Double(n) ? 1 : max(1, n - Int(cut))
        }
        return RequestSize(prompt: less(prompt), output: less(output))
    }
}

/// How large requests are: fixed, drawn from fitted distributions, or drawn
/// jointly (prompt and output together, keeping their correlation) from the
/// rows of a real trace. An optional cap on prompt + output removes the
/// excess from both in proportion (rounded up, at least 1 token left each),
/// as Vidur's trace length generator does, so capped traces compare side by
/// side with it.
package struct RequestSizes: Sendable, Equatable {
    /// Where sizes come from.
    package enum Source: Sendable, Equatable {
        /// Every request the same.
        case fixed(RequestSize)
        /// Independent draws, rounded to whole tokens (from 1 to
        /// ``RequestSize/maxTokens``).
        case distributions(prompt: Distribution, output: Distribution)
        /// Rows of a trace, drawn uniformly at random with replacement.
        case empirical([RequestSize])
    }

    /// The source.
    package var source: Source
    /// Cap on prompt + output tokens (nil: none).
    package var maxTotalTokens: Int?

    /// Sizes from a source, optionally capped.
    package init(_ source: Source, maxTotalTokens: Int? = nil) {
        self.source = source
        self.maxTotalTokens = maxTotalTokens
    }

    /// Sizes drawn from the rows of a trace file.
    package static func fromTrace(path: String, format: TraceFormat, maxTotalTokens: Int? = nil) throws -> RequestSizes {
        let reader = try TraceReader(path: path, format: format)
        var rows: [RequestSize] = []
        while let r = try reader.next() {  // the reader bounds token counts to maxTokens
            rows.append(RequestSize(prompt: max(1, r.promptTokens), output: max(1, r.outputTokens)))
        }
        guard !rows.isEmpty else { throw WorkloadError(path, "the trace has no requests") }
        return RequestSizes(.empirical(rows), maxTotalTokens: maxTotalTokens)
    }

    /// Draws one size.
    @inlinable
    package func sample(_ rng: inout RandomStream) -> RequestSize {
        var size: RequestSize
        switch source {
        case .fixed(let s): size = s
        case .distributions(let p, let o):
            // Cut to 1...maxTokens: a distribution's tail never traps.
            size = RequestSize(prompt: RequestSize.tokens(p.sample(&rng)), output: RequestSize.tokens(o.sample(&rng)))
        case .empirical(let rows): size = rows[rng.nextInt(below: rows.count)]
        }
        return cap(size)
    }

    /// Applies the cap (see ``RequestSize/capped(atMost:)``).
    @inlinable
    package func cap(_ size: RequestSize) -> RequestSize {
        maxTotalTokens.map { size.capped(atMost: $0) } ?? size
    }

    /// Mean prompt and output tokens (exact for fixed and empirical; from
    /// the distributions' means otherwise), after the cap for empirical.
    package var meanSize: (prompt: Double, output: Double) {
        switch source {
        case .fixed(let s): let c = cap(s); return (Double(c.prompt), Double(c.output))
        case .distributions(let p, let o): return (p.mean, o.mean)
        case .empirical(let rows):
            var p = 0.0, o = 0.0
            for r in rows { let c = cap(r); p += Double(c.prompt); o += Double(c.output) }
            return (p / Double(rows.count), o / Double(rows.count))
        }
    }
}
