/// The Nelder–Mead simplex minimiser (standard coefficients 1, 2, 0.5, 0.5),
/// for fitting a handful of smooth-ish parameters without gradients.
enum NelderMead {
    /// Minimises `f` from `start` with an initial simplex of edge `step`,
    /// for at most `iterations` iterations; returns the best point found.
    static func minimize(_ f: ([Double]) -> Double, start: [Double], step: Double, iterations: Int) -> [Double] {
        let d = start.count
        var simplex = [start]
        for i in 0..<d {
            var p = start
            p[i] += step
            simplex.append(p)
        }
        var values = simplex.map(f)
        for _ in 0..<iterations {
            let order = values.indices.sorted { values[$0] < values[$1] }
            simplex = order.map { simplex[$0] }
            values = order.map { values[$0] }
            if abs(values[d] - values[0]) <= 1e-10 * (abs(values[0]) + 1e-12) { break }
            var centroid = [Double](repeating: 0, count: d)
            for p in simplex.dropLast() { for i in 0..<d { centroid[i] += p[i] / Double(d) } }
            func toward(_ t: Double) -> [Double] { (0..<d).map { centroid[$0] + t * (simplex[d][$0] - centroid[$0]) } }
            let reflected = toward(-1), fr = f(reflected)
            if fr < values[0] {
                let expanded = toward(-2), fe = f(expanded)
                if fe < fr { simplex[d] = expanded; values[d] = fe } else { simplex[d] = reflected; values[d] = fr }
            } else if fr < values[d - 1] {
                simplex[d] = reflected; values[d] = fr
            } else {
                let contracted = fr < values[d] ? toward(-0.5) : toward(0.5)
                let fc = f(contracted)
                if fc < min(fr, values[d]) {
                    simplex[d] = contracted; values[d] = fc
                } else {
                    for i in 1...d {
                        simplex[i] = (0..<d).map { simplex[0][$0] + 0.5 * (simplex[i][$0] - simplex[0][$0]) }
                        values[i] = f(simplex[i])
                    }
                }
            }
        }
        let best = values.indices.min { values[$0] < values[$1] }!
        return simplex[best]
    }
}
