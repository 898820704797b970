import Foundation
import ServingModel
import SimulationCore

/// An ``IterationTimeModel`` fitted to measured iterations, with its error
/// against them.
///
/// The model's stage time is
///
///     fixed + max(linearFloor, perToken·T) + perKVToken·K + perPrefillPair·A + perTokenComm·T
///
/// which is linear in its coefficients once the knee `T* = linearFloor/perToken`
/// is fixed: the floor term is then `perToken · max(T*, T)`. The fit scans
/// the knee over a geometric grid spanning the measured batch sizes, refines
/// the best grid point by golden-section search, and for each knee solves a
/// non-negative least-squares problem weighted by `1/y²` (it minimises the
/// sum of squared *relative* errors, so small iterations count as much as
/// large ones). With at most five columns the NNLS is solved exactly by
/// trying every support: the best non-negative least-squares solution over
/// all subsets of columns is the NNLS optimum.
///
/// ```swift
/// let fit = try IterationTimeFit.fit(samples, fitsCommunication: false)
/// print(fit.model.perToken, fit.mape)
/// ```
///
/// - Complexity: O(k · n) for n samples and k ≈ 200 knee candidates (a
///   161-point grid and 40 refinement steps), each trying 31 supports.
package struct IterationTimeFit: Sendable, Equatable {
    /// One measured iteration (one pipeline stage when the replica has
    /// several): its batch shape and how long it took.
    package struct Sample: Sendable, Equatable {
        /// Prompt tokens processed in the iteration (prefill chunks).
        package var prefillTokens: Int
        /// Sequences decoding one token each.
        package var decodeSequences: Int
        /// Σ context lengths of the decoding sequences (K).
        package var kvTokens: Int
        /// Σ over prefill chunks of chunk·(prior context + chunk/2) (A).
        package var prefillPairs: Double
        /// Measured time (s).
        package var seconds: Double

        /// A measured iteration.
        package init(prefillTokens: Int, decodeSequences: Int, kvTokens: Int, prefillPairs: Double, seconds: Double) {
            self.prefillTokens = prefillTokens
            self.decodeSequences = decodeSequences
            self.kvTokens = kvTokens
            self.prefillPairs = prefillPairs
            self.seconds = seconds
        }

        /// Batched tokens T: prefill tokens + decode sequences.
        package var tokens: Int { prefillTokens + decodeSequences }

        /// The iteration's kind, for errors split by kind.
        package var kind: Kind {
            if prefillTokens == 0 { return .decode }
            return decodeSequences == 0 ? .prefill : .mixed
        }
    }

    /// What an iteration does.
    package enum Kind: String, Sendable, CaseIterable {
        /// Decode steps only.
        case decode
        /// Prefill chunks only.
        case prefill
        /// Decode steps and prefill chunks together.
        case mixed
    }

    /// Absolute percentage errors (as fractions) of a model over samples.
    package struct Errors: Sendable, Equatable, Codable {
        /// Samples compared.
        package var rows: Int
        /// Mean absolute percentage error (0.02 = 2%).
        package var mape: Double
        /// 95th percentile of the absolute percentage errors (linear interpolation).
        package var p95APE: Double
        /// Largest absolute percentage error.
        package var maxAPE: Double

        /// The errors of `model` (one stage, speed factor included) on `samples`.
        package init(model: IterationTimeModel, samples: [Sample]) {
            let apes = samples.map { s in
                abs(model.stageTime(tokens: s.tokens, kvTokens: s.kvTokens, prefillPairs: s.prefillPairs) - s.seconds) / s.seconds
            }.sorted()
            rows = apes.count
            mape = apes.isEmpty ? 0 : apes.reduce(0, +) / Double(apes.count)
            maxAPE = apes.last ?? 0
            if apes.isEmpty {
                p95APE = 0
            } else {
                let position = 0.95 * Double(apes.count - 1)
                let lower = Int(position.rounded(.down))
                let upper = min(lower + 1, apes.count - 1)
                p95APE = apes[lower] + (apes[upper] - apes[lower]) * (position - Double(lower))
            }
        }
    }

    /// The fitted stage model (`pipelineStages` 1, `speedFactor` 1).
    package var model: IterationTimeModel
    /// The fitted knee T* (tokens) where the floor gives way to the per-token line.
    package var knee: Double
    /// Errors over all samples.
    package var errors: Errors
    /// Errors per kind of iteration, for kinds present in the samples.
    package var errorsByKind: [Kind: Errors]
    /// Coefficients no sample constrains (their column is all zero: e.g.
    /// `per_prefill_pair` without any prefill), left at 0.
    package var unconstrained: [String]

    /// Fits the model to `samples`. `fitsCommunication` fits
    /// `perTokenComm` too (a slope shared by both sides of the knee, as the
    /// bandwidth part of tensor/pipeline-parallel communication is); without
    /// it `perTokenComm` is 0, as on one GPU.
    ///
    /// - Throws: ``ServingModelError`` when there are fewer than 3 samples,
    ///   a sample has no token, a negative size or a non-positive time.
    package static func fit(_ samples: [Sample], fitsCommunication: Bool) throws -> IterationTimeFit {
        guard samples.count >= 3 else {
            throw ServingModelError(key: "iterations", "need at least 3 measured iterations to fit, got \(samples.count)")
        }
        for (i, s) in samples.enumerated() {
            guard s.seconds.isFinite, s.seconds > 0 else {
                throw ServingModelError(key: "iterations[\(i)]", "expected a time > 0 s, got \(s.seconds)")
            }
            guard s.prefillTokens >= 0, s.decodeSequences >= 0, s.kvTokens >= 0, s.prefillPairs >= 0, s.prefillPairs.isFinite else {
                throw ServingModelError(key: "iterations[\(i)]", "expected sizes >= 0")
            }
            guard s.tokens > 0 else {
                throw ServingModelError(key: "iterations[\(i)]", "expected prefill tokens + decode sequences >= 1")
            }
        }
        let problem = WeightedProblem(samples: samples, fitsCommunication: fitsCommunication)
        let tokens = samples.map { Double($0.tokens) }
        let lo = tokens.min()!, hi = tokens.max()!
        var candidates = [lo]
        if hi > lo {
            let steps = 160
            candidates = (0...steps).map { lo * pow(hi / lo, Double($0) / Double(steps)) }
        }
        var best = (knee: lo, solution: problem.solve(knee: lo))
        var bestIndex = 0
        for (i, knee) in candidates.enumerated().dropFirst() {
            let solution = problem.solve(knee: knee)
            if solution.error < best.solution.error {
                best = (knee, solution)
                bestIndex = i
            }
        }
        // Golden-section refinement between the best point's neighbours.
        if candidates.count > 2 {
            var a = candidates[max(bestIndex - 1, 0)], b = candidates[min(bestIndex + 1, candidates.count - 1)]
            let ratio = (sqrt(5.0) - 1) / 2
            var c = b - ratio * (b - a), d = a + ratio * (b - a)
            var fc = problem.solve(knee: c), fd = problem.solve(knee: d)
            for _ in 0..<40 {
                if fc.error < fd.error {
                    b = d; d = c; fd = fc
                    c = b - ratio * (b - a); fc = problem.solve(knee: c)
                } else {
                    a = c; c = d; fc = fd
                    d = a + ratio * (b - a); fd = problem.solve(knee: d)
                }
            }
            for (knee, solution) in [(c, fc), (d, fd)] where solution.error < best.solution.error {
                best = (knee, solution)
            }
        }
        let x = best.solution.coefficients
        let model = IterationTimeModel(fixed: x[0], linearFloor: x[1] * best.knee, perToken: x[1], perKVToken: x[2],
                                       perPrefillPair: x[3], perTokenComm: x[4])
        var byKind: [Kind: Errors] = [:]
        for kind in Kind.allCases {
            let subset = samples.filter { $0.kind == kind }
            if !subset.isEmpty { byKind[kind] = Errors(model: model, samples: subset) }
        }
        var unconstrained: [String] = []
        if samples.allSatisfy({ $0.kvTokens == 0 }) { unconstrained.append("per_kv_token") }
        if samples.allSatisfy({ $0.prefillPairs == 0 }) { unconstrained.append("per_prefill_pair") }
        return IterationTimeFit(model: model, knee: best.knee, errors: Errors(model: model, samples: samples),
                                errorsByKind: byKind, unconstrained: unconstrained)
    }
}

/// The weighted design of one fit: rows scaled by 1/y (so the target is 1
/// everywhere) and columns by their norms, for any knee.
private struct WeightedProblem {
    /// Per sample: 1/y, T, K and A.
    let inverse: [Double], tokens: [Double], kv: [Double], pairs: [Double]
    let fitsCommunication: Bool

    init(samples: [IterationTimeFit.Sample], fitsCommunication: Bool) {
        inverse = samples.map { 1 / $0.seconds }
        tokens = samples.map { Double($0.tokens) }
        kv = samples.map { Double($0.kvTokens) }
        pairs = samples.map { $0.prefillPairs }
        self.fitsCommunication = fitsCommunication
    }

    /// Coefficients `[fixed, perToken, perKVToken, perPrefillPair, perTokenComm]`
    /// and the sum of squared relative errors, for a knee.
    struct Solution {
        var coefficients: [Double]
        var error: Double
    }

    /// The exact NNLS solution for `knee`.
    func solve(knee: Double) -> Solution {
        let columns = fitsCommunication ? 5 : 4
        let n = inverse.count
        // Weighted columns: 1/y, max(knee, T)/y, K/y, A/y, T/y.
        func value(_ j: Int, _ i: Int) -> Double {
            switch j {
            case 0: return inverse[i]
            case 1: return max(knee, tokens[i]) * inverse[i]
            case 2: return kv[i] * inverse[i]
            case 3: return pairs[i] * inverse[i]
            default: return tokens[i] * inverse[i]
            }
        }
        var gram = [Double](repeating: 0, count: columns * columns)
        var rhs = [Double](repeating: 0, count: columns)
        var row = [Double](repeating: 0, count: columns)
        for i in 0..<n {
            for j in 0..<columns { row[j] = value(j, i) }
            for j in 0..<columns {
                rhs[j] += row[j]
                for k in j..<columns { gram[j * columns + k] += row[j] * row[k] }
            }
        }
        // Scale columns to unit norm; a zero column stays out of every support.
        var scale = [Double](repeating: 0, count: columns)
        for j in 0..<columns where gram[j * columns + j] > 0 { scale[j] = 1 / gram[j * columns + j].squareRoot() }
        for j in 0..<columns {
            rhs[j] *= scale[j]
            for k in j..<columns {
                gram[j * columns + k] *= scale[j] * scale[k]
                gram[k * columns + j] = gram[j * columns + k]
            }
        }
        var best = (reduction: 0.0, x: [Double](repeating: 0, count: columns))
        for support in 1..<(1 << columns) {
            let members = (0..<columns).filter { support & (1 << $0) != 0 }
            guard members.allSatisfy({ scale[$0] > 0 }),
                  let x = Self.choleskySolve(gram: gram, size: columns, rhs: rhs, members: members),
                  x.allSatisfy({ $0 >= 0 }) else { continue }
            // At the least-squares solution the squared error is n − bᵀx.
            let reduction = zip(members, x).reduce(0) { $0 + rhs[$1.0] * $1.1 }
            if reduction > best.reduction {
                var full = [Double](repeating: 0, count: columns)
                for (j, v) in zip(members, x) { full[j] = v }
                best = (reduction, full)
            }
        }
        var coefficients = (0..<5).map { $0 < columns ? best.x[$0] * scale[$0] : 0 }
        coefficients = coefficients.map { max($0, 0) }
        // The error recomputed from residuals (no cancellation).
        var error = 0.0
        for i in 0..<n {
            var prediction = 0.0
            for j in 0..<columns { prediction += coefficients[j] * value(j, i) }
            error += (prediction - 1) * (prediction - 1)
        }
        return Solution(coefficients: coefficients, error: error)
    }

    /// Solves the normal equations restricted to `members` by Cholesky; nil
    /// when they are (numerically) singular.
    static func choleskySolve(gram: [Double], size: Int, rhs: [Double], members: [Int]) -> [Double]? {
        let m = members.count
        var l = [Double](repeating: 0, count: m * m)
        for i in 0..<m {
            for j in 0...i {
                var sum = gram[members[i] * size + members[j]]
                for k in 0..<j { sum -= l[i * m + k] * l[j * m + k] }
                if i == j {
                    // Unit-norm columns: a pivot this small means a dependent column.
                    guard sum > 1e-11 else { return nil }
                    l[i * m + i] = sum.squareRoot()
                } else {
                    l[i * m + j] = sum / l[j * m + j]
                }
            }
        }
        var y = [Double](repeating: 0, count: m)
        for i in 0..<m {
            var sum = rhs[members[i]]
            for k in 0..<i { sum -= l[i * m + k] * y[k] }
            y[i] = sum / l[i * m + i]
        }
        var x = [Double](repeating: 0, count: m)
        for i in stride(from: m - 1, through: 0, by: -1) {
            var sum = y[i]
            for k in (i + 1)..<m { sum -= l[k * m + i] * x[k] }
            x[i] = sum / l[i * m + i]
        }
        return x
    }
}
