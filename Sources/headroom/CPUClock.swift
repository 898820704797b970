import Foundation

/// Process CPU time and wall time, for benchmarks.
enum CPUClock {
    /// CPU seconds consumed by the calling thread so far. The simulations
    /// run on one thread; OpenBLAS's worker threads (linked in for the
    /// forecaster) spin for a while after start-up unless
    /// OPENBLAS_NUM_THREADS=1, and would otherwise be billed to the engine.
    static func threadSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// Monotonic wall-clock seconds.
    static func wallSeconds() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) * 1e-9
    }

    /// Peak resident set size of this process in bytes.
    static func peakResidentBytes() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Int(usage.ru_maxrss) * 1024
    }
}
