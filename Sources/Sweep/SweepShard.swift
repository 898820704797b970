/// Which share of a sweep's runs a process runs: shard `index` of `count`
/// (0-based) runs the runs `r` with `r mod count == index`.
///
/// `--shard K/N` gives both; `--shard env` or `--shard env/N` reads the
/// index from the batch system running the process:
///
/// | variable | set by | count from |
/// |---|---|---|
/// | `JOB_COMPLETION_INDEX` | a Kubernetes Indexed Job | `/N` |
/// | `SLURM_ARRAY_TASK_ID` (minus `SLURM_ARRAY_TASK_MIN`) | a Slurm job array | `SLURM_ARRAY_TASK_COUNT`, or `/N` |
/// | `AWS_BATCH_JOB_ARRAY_INDEX` | an AWS Batch array job | `/N` |
package struct SweepShard: Sendable, Equatable {
    /// 0-based index.
    package var index: Int
    /// Number of shards.
    package var count: Int

    /// The whole sweep.
    package static let whole = SweepShard(index: 0, count: 1)

    /// A shard given directly.
    package init(index: Int, count: Int) {
        self.index = index
        self.count = count
    }

    /// Most shards.
    package static let maxCount = 100_000

    /// Reads `K/N`, `env` or `env/N` (see the type), with `environment`
    /// for `env`; throws a message that says what was expected or which
    /// variable is missing.
    package init(parsing text: String, environment: [String: String]) throws(SweepError) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        guard parts.count <= 2 else { throw SweepError("--shard: expected K/N (0 <= K < N), env or env/N, got '\(text)'") }
        var count: Int?
        if parts.count == 2 {
            guard let n = Int(parts[1]), n >= 1, n <= Self.maxCount else {
                throw SweepError("--shard: the shard count N in '\(text)' must be an integer from 1 to \(Self.maxCount)")
            }
            count = n
        }
        let index: Int
        if parts[0] == "env" {
            func integer(_ name: String) throws(SweepError) -> Int? {
                guard let v = environment[name] else { return nil }
                guard let i = Int(v.trimmingCharacters(in: .whitespaces)), i >= 0 else { throw SweepError("--shard env: \(name)='\(v)' is not an integer >= 0") }
                return i
            }
            if let i = try integer("JOB_COMPLETION_INDEX") {
                index = i
            } else if let id = try integer("SLURM_ARRAY_TASK_ID") {
                index = id - (try integer("SLURM_ARRAY_TASK_MIN") ?? 0)
                if let n = try integer("SLURM_ARRAY_TASK_COUNT") {
                    if let count, count != n { throw SweepError("--shard \(text): SLURM_ARRAY_TASK_COUNT is \(n), not \(count)") }
                    count = n
                }
            } else if let i = try integer("AWS_BATCH_JOB_ARRAY_INDEX") {
                index = i
            } else {
                throw SweepError("--shard env: none of JOB_COMPLETION_INDEX, SLURM_ARRAY_TASK_ID, AWS_BATCH_JOB_ARRAY_INDEX is set")
            }
            guard count != nil else { throw SweepError("--shard \(text): the shard count is not in the environment; give it as env/N") }
        } else {
            guard let k = Int(parts[0]), count != nil else { throw SweepError("--shard: expected K/N (0 <= K < N), env or env/N, got '\(text)'") }
            index = k
        }
        guard let count, index >= 0, index < count else {
            throw SweepError("--shard \(text): the index \(index) is outside 0...\((count ?? 1) - 1)")
        }
        self.init(index: index, count: count)
    }

    /// Checks that `parts` (each part's path and shard index) hold every
    /// shard of `count` exactly once, naming the duplicate or the missing.
    package static func checkComplete(_ parts: [(path: String, shard: Int)], count shards: Int) throws(SweepError) {
        guard (1...maxCount).contains(shards) else { throw SweepError("merge: \(parts.first?.path ?? "a part") is a shard of \(shards); expected 1 to \(maxCount) shards") }
        var byShard: [Int: String] = [:]
        for (path, shard) in parts {
            guard shard >= 0, shard < shards else { throw SweepError("merge: \(path): shard \(shard) outside 0...\(shards - 1)") }
            if let other = byShard[shard] { throw SweepError("merge: shard \(shard) of \(shards) given twice: \(other) and \(path)") }
            byShard[shard] = path
        }
        let missing = (0..<shards).filter { byShard[$0] == nil }
        if !missing.isEmpty {
            let list = missing.prefix(10).map(String.init).joined(separator: ", ") + (missing.count > 10 ? ", ..." : "")
            throw SweepError("merge: \(missing.count) of \(shards) parts missing: shard\(missing.count == 1 ? "" : "s") \(list)")
        }
    }

    /// Whether run `run` (cell × seeds + seed) is this shard's.
    package func owns(run: Int) -> Bool { run % count == index }
}

/// A problem with a sweep's command-line inputs or parts, in one line.
package struct SweepError: Error, Sendable, CustomStringConvertible, Equatable {
    /// What is wrong and what was expected.
    package var description: String

    /// A problem described by `message`.
    package init(_ message: String) { description = message }
}
