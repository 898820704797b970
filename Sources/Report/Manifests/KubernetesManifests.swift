import CapacityPlanning
import Foundation
import ServingModel
import Workload

/// The manifests that apply a verified horizon plan
/// (`headroom plan ... --emit kubernetes DIR`): a Deployment replica patch
/// for the static plan, an `autoscaling/v2` HorizontalPodAutoscaler with its
/// prometheus-adapter rule and a KEDA `ScaledObject` for an HPA plan, a
/// KEDA `ScaledObject` of `cron` triggers for the schedule, Knative Service
/// annotations for a KPA plan, and a README that says what each is.
///
/// Every value written is one the simulation verified. Where Kubernetes
/// cannot hold the verified value exactly — a schedule step off the whole
/// minute (cron), a target finer than a thousandth (Kubernetes quantities
/// are read in milli-units) — the written form is verified on its own
/// over the same horizon, and the README gives that verdict. A plan that
/// missed its SLA, or whose settings Kubernetes cannot express at all (a
/// stabilisation window past an hour, a fractional second), is not
/// written; the README says why.
///
/// ```swift
/// let m = try KubernetesManifests(result, base: config, sla: sla, period: period, options: ManifestOptions())
/// try m.write(to: "out/plan/k8s")
/// ```
package struct KubernetesManifests: Sendable {
    /// One file.
    package struct File: Sendable, Equatable {
        /// File name inside the directory.
        package var name: String
        /// Its text.
        package var text: String
        /// The plan it applies (`static`, `schedule`, `autoscaler`), or nil for the README and the adapter rules.
        package var plan: String?
        /// What it is, in a few words (the README's table).
        package var summary: String
    }

    /// A plan not written, and why.
    package struct Skipped: Sendable, Equatable {
        /// `static`, `schedule` or `autoscaler`.
        package var plan: String
        /// Why.
        package var reason: String
    }

    /// A written form of a plan that differs from the verified one, and its own verification.
    package struct Reverified: Sendable {
        /// `schedule` or `autoscaler`.
        package var plan: String
        /// What differs.
        package var change: String
        /// The written form simulated over the same horizon.
        package var verification: HorizonVerification
    }

    /// The files, the README last.
    package internal(set) var files: [File] = []
    /// Plans not written.
    package internal(set) var skipped: [Skipped] = []
    /// Written forms verified on their own.
    package internal(set) var reverified: [Reverified] = []
    /// Cautions the README carries (steps the HPA's tolerance swallows, cluster-wide settings assumed).
    package internal(set) var cautions: [String] = []
    /// The options the files were written with.
    package let options: ManifestOptions

    /// The file names this type may write.
    package static let names = ["deployment-replicas-patch.yaml", "hpa.yaml", "prometheus-adapter-rules.yaml", "keda-scaledobject.yaml",
                                "keda-schedule-scaledobject.yaml", "knative-service-patch.yaml", "README.md"]

    /// The manifests of `result`, a plan of `base` against `sla` over `period`.
    ///
    /// - Throws: what the verification of a written form throws.
    package init(_ result: HorizonPlanner.Result, base: ServingConfiguration, sla: SLA, period: PlanPeriod, options: ManifestOptions,
                 version: String = "") throws {
        self.options = options
        let verifier = try HorizonVerifier(base: base, sla: sla, interval: result.interval)
        let horizon = Double(result.rates.count) * result.interval
        if let s = result.staticPlan {
            if s.verification.slaMet { files.append(deploymentPatch(s.plan)) } else { skip("static", "it missed the SLA when simulated") }
        }
        if let s = result.schedule {
            if !s.verification.slaMet {
                skip("schedule", "it missed the SLA when simulated")
            } else {
                let cron = CronSchedule(s.plan, origin: period.origin, horizon: horizon, zone: period.zone, daily: period.isWholeDay)
                var verdict = s.verification
                if cron.moved {
                    verdict = try verifier.verify(.schedule(Self.clamped(cron.steps, horizon: horizon)), rates: result.rates)
                    reverified.append(Reverified(plan: "schedule", change: "step boundaries moved outward to whole minutes (cron's granularity)",
                                                 verification: verdict))
                }
                if !verdict.slaMet {
                    skip("schedule", "its whole-minute form missed the SLA when simulated")
                } else if cron.windows.isEmpty {
                    skip("schedule", "it holds \(cron.floor) replicas throughout: the static patch with \(cron.floor) replicas applies it")
                } else {
                    files.append(scheduleScaledObject(cron))
                }
            }
        }
        if let a = result.autoscaler {
            if !a.verification.slaMet {
                skip("autoscaler", "it missed the SLA when simulated")
            } else {
                switch a.plan {
                case .hpa(let h, let metric, let scrape):
                    try addHPA(h, metric: metric, scrape: scrape, verification: a.verification, result: result, verifier: verifier,
                               keda: base.replicas.dynamics?.keda)
                case .kpa(let k, let scrape):
                    addKPA(k, scrape: scrape)
                }
            }
        }
        files.append(File(name: "README.md", text: readme(result, period: period, version: version), plan: nil, summary: "this file"))
    }

    mutating func skip(_ plan: String, _ reason: String) { skipped.append(Skipped(plan: plan, reason: reason)) }

    /// Steps from the horizon's start for the verifier: the first at 0.
    static func clamped(_ steps: [ScheduleEntry], horizon: Double) -> [ScheduleEntry] {
        var s = steps.filter { $0.end > 0 && $0.start < horizon }
        if !s.isEmpty { s[0].start = max(0, s[0].start) }
        return s
    }

    /// `apiVersion`, `kind` and `metadata` of an object named `name`.
    func header(_ apiVersion: String, _ kind: String, name: String, plan: String) -> [(String, ManifestYAML)] {
        [("apiVersion", .string(apiVersion)), ("kind", .string(kind)),
         ("metadata", .map([("name", .string(name)), ("namespace", .string(options.namespace)),
                            ("labels", .map([("app.kubernetes.io/managed-by", .string("headroom")),
                                             ("headroom.plan", .string(plan))]))]))]
    }

    /// The file's text: a comment naming the plan, then the YAML.
    static func text(_ comment: [String], _ yaml: ManifestYAML) -> String {
        comment.map { "# " + $0 + "\n" }.joined() + yaml.render()
    }

    func deploymentPatch(_ replicas: Int) -> File {
        let yaml = ManifestYAML.map([("apiVersion", .string("apps/v1")), ("kind", .string("Deployment")),
                                     ("metadata", .map([("name", .string(options.deployment)), ("namespace", .string(options.namespace))])),
                                     ("spec", .map([("replicas", .int(replicas))]))])
        let comment = ["headroom plan: static, \(replicas) replicas, verified over the horizon.",
                       "A strategic-merge patch: kubectl patch deployment \(options.deployment) -n \(options.namespace) --patch-file deployment-replicas-patch.yaml"]
        return File(name: "deployment-replicas-patch.yaml", text: Self.text(comment, yaml), plan: "static",
                    summary: "Deployment replica patch (`spec.replicas: \(replicas)`)")
    }

    /// A quantity of milli-units (`25`, `25400m`), as Kubernetes reads
    /// targets (`MilliValue()`), and the value it holds.
    static func quantity(_ x: Double) -> (text: String, value: Double) {
        let milli = Int((x * 1000).rounded())
        return milli % 1000 == 0 ? (String(milli / 1000), Double(milli / 1000)) : ("\(milli)m", Double(milli) / 1000)
    }

    /// A KEDA threshold (a decimal string KEDA multiplies by 1000 and
    /// truncates, `GetMetricTargetMili`) that reads back as `milli` exactly.
    static func kedaThreshold(_ value: Double) -> String {
        let milli = Int((value * 1000).rounded())
        var text = Double(milli) / 1000 == (Double(milli) / 1000).rounded() ? String(milli / 1000) : "\(Double(milli) / 1000)"
        if Int(Double(text)! * 1000) != milli { text = String(format: "%.7f", Double(milli) / 1000 + 1e-7) }
        return text
    }
}
