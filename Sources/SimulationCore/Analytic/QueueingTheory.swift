import Foundation

/// Closed forms of classical queueing theory, used to check the engine, to
/// bracket the capacity planner's search, and as cross-checks in reports.
///
/// Notation: arrival rate λ, service rate μ per server, `c` servers, offered
/// load A = λ/μ (Erlangs), utilisation ρ = A/c.
public enum QueueingTheory {
    /// Erlang B blocking probability B(c, A), by the stable recursion
    /// B(k) = A·B(k−1) / (k + A·B(k−1)).
    public static func erlangB(servers c: Int, offeredLoad a: Double) -> Double {
        var b = 1.0
        if c > 0 {
            for k in 1...c { b = a * b / (Double(k) + a * b) }
        }
        return b
    }

    /// Erlang C probability that an arrival waits, C(c, A); 1 when A >= c.
    public static func erlangC(servers c: Int, offeredLoad a: Double) -> Double {
        guard a < Double(c) else { return 1 }
        let b = erlangB(servers: c, offeredLoad: a)
        return Double(c) * b / (Double(c) - a * (1 - b))
    }

    /// M/M/c mean wait in queue, C(c, A) / (cμ − λ); infinite when unstable.
    public static func mmcMeanWait(arrivalRate lambda: Double, serviceRate mu: Double, servers c: Int) -> Double {
        let capacity = Double(c) * mu
        guard lambda < capacity else { return .infinity }
        return erlangC(servers: c, offeredLoad: lambda / mu) / (capacity - lambda)
    }

    /// M/M/c P(W > t) = C(c, A)·e^{−(cμ−λ)t}.
    public static func mmcWaitExceedance(arrivalRate lambda: Double, serviceRate mu: Double, servers c: Int, t: Double) -> Double {
        let capacity = Double(c) * mu
        guard lambda < capacity else { return 1 }
        return erlangC(servers: c, offeredLoad: lambda / mu) * exp(-(capacity - lambda) * t)
    }

    /// M/M/c `p`-quantile of the wait in queue (0 when P(wait) <= 1 − p).
    public static func mmcWaitQuantile(arrivalRate lambda: Double, serviceRate mu: Double, servers c: Int, p: Double) -> Double {
        let capacity = Double(c) * mu
        guard lambda < capacity else { return .infinity }
        let pw = erlangC(servers: c, offeredLoad: lambda / mu)
        guard pw > 1 - p else { return 0 }
        return log(pw / (1 - p)) / (capacity - lambda)
    }

    /// M/M/1 `p`-quantile of the sojourn time (exponential with rate μ − λ).
    public static func mm1SojournQuantile(arrivalRate lambda: Double, serviceRate mu: Double, p: Double) -> Double {
        guard lambda < mu else { return .infinity }
        return -log(1 - p) / (mu - lambda)
    }

    /// M/G/1 mean wait by Pollaczek–Khinchine: λ·E[S²] / (2(1 − ρ)).
    public static func mg1MeanWait(arrivalRate lambda: Double, serviceMean: Double, serviceVariance: Double) -> Double {
        let rho = lambda * serviceMean
        guard rho < 1 else { return .infinity }
        let second = serviceVariance + serviceMean * serviceMean
        return lambda * second / (2 * (1 - rho))
    }

    /// G/G/c (and M/G/c) mean wait by the Allen–Cunneen approximation:
    /// the M/M/c wait scaled by (Ca² + Cs²)/2, with squared coefficients of
    /// variation of inter-arrival (Ca²) and service (Cs²) times. Exact for
    /// M/M/c and for M/G/1.
    public static func allenCunneenMeanWait(arrivalRate lambda: Double, serviceMean: Double, servers c: Int,
                                            arrivalSCV: Double = 1, serviceSCV: Double) -> Double {
        mmcMeanWait(arrivalRate: lambda, serviceRate: 1 / serviceMean, servers: c) * (arrivalSCV + serviceSCV) / 2
    }

    /// The smallest `c` with M/M/c `P(W > t) <= epsilon` (Erlang C staffing).
    public static func erlangCStaffing(arrivalRate lambda: Double, serviceRate mu: Double,
                                       waitTarget t: Double, exceedance epsilon: Double) -> Int {
        var c = max(1, Int((lambda / mu).rounded(.down)) + 1)
        while mmcWaitExceedance(arrivalRate: lambda, serviceRate: mu, servers: c, t: t) > epsilon { c += 1 }
        return c
    }

    /// Halfin–Whitt limit of P(wait) for square-root staffing with `beta`:
    /// [1 + βΦ(β)/φ(β)]⁻¹.
    public static func halfinWhittWaitProbability(beta: Double) -> Double {
        let phi = exp(-beta * beta / 2) / (2 * Double.pi).squareRoot()
        return 1 / (1 + beta * Quantiles.normalCDF(beta) / phi)
    }
}
