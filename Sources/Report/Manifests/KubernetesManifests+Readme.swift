import CapacityPlanning
import Foundation
import ServingModel
import Workload

/// The README of the manifests' directory, and writing the directory.
extension KubernetesManifests {
    func readme(_ r: HorizonPlanner.Result, period: PlanPeriod, version: String) -> String {
        let (ns, dep) = (options.namespace, options.deployment)
        var t = "# Kubernetes manifests of a headroom plan\n\n"
        t += "Written by `headroom plan --emit kubernetes`\(version.isEmpty ? "" : " (headroom \(version))") for the plan of "
            + "\(period.label): \(r.rates.count) intervals of \(NumberFormatting.short(r.interval)) s, design load peak "
            + "\(NumberFormatting.short(r.rates.max() ?? 0)) req/s. Each file holds the values the simulation verified over that horizon.\n\n"
        t += "| file | plan | what |\n|---|---|---|\n"
        for f in files { t += "| `\(f.name)` | \(f.plan ?? "—") | \(f.summary) |\n" }
        t += "\n**Apply one plan, not several:** the static patch, or `hpa.yaml` (with the adapter rule), or "
            + "`keda-scaledobject.yaml`, or `keda-schedule-scaledobject.yaml` (or, for a Knative service, its patch). An HPA and a KEDA "
            + "ScaledObject on one Deployment fight over its replicas, and KEDA refuses a second ScaledObject for it.\n\n"
        t += "## What to fill in\n\n"
        t += "- Deployment `\(dep)` in namespace `\(ns)` (from `--deployment`, `--namespace`; defaults `vllm`, `default`): every "
            + "`scaleTargetRef`, `metadata.name` and `metadata.namespace`.\n"
        t += "- The pods are matched in PromQL as `pod=~\"\(dep)-.*\"`: change it if the pods of `\(dep)` are named otherwise, or other pods share the prefix.\n"
        t += "- KEDA's `serverAddress` (`\(options.prometheus)`): your Prometheus.\n"
        t += "- `prometheus-adapter-rules.yaml`: merge into prometheus-adapter's configuration (its `--config` file, or the Helm chart's "
            + "`rules.custom`), then check `kubectl get --raw /apis/custom.metrics.k8s.io/v1beta1/namespaces/\(ns)/pods/*/<metric>`.\n\n"
        t += "## How each plan maps to Kubernetes\n\n"
        t += "- **static**: `spec.replicas`. `kubectl patch deployment \(dep) -n \(ns) --patch-file deployment-replicas-patch.yaml`.\n"
        t += "- **autoscaler (HPA)**: `minReplicas`, `maxReplicas`, the metric's target per replica, and `behavior`: the stabilization "
            + "windows and the scale-up/scale-down policies the simulation ran (`selectPolicy: Max`). The simulation's in-flight "
            + "count per ready replica is vLLM's `vllm:num_requests_running + vllm:num_requests_waiting` (requests queued at a gateway in "
            + "front of vLLM are counted by the simulation, not by vLLM); queue depth is `vllm:num_requests_waiting`; KV-cache use is "
            + "`vllm:kv_cache_usage_perc` (`vllm:gpu_cache_usage_perc` before vLLM 0.10). The HPA reads the metric through "
            + "prometheus-adapter as a Pods metric averaged over the ready pods, as the simulation does. " + Self.verifiedWith(r.autoscaler?.plan) + "\n"
        t += "- **autoscaler (KEDA)**: the same HPA, run by KEDA with the metric queried from Prometheus (`threshold` = the target; "
            + "`metricType: AverageValue` divides the deployment's total by its replicas, starting ones included, so it scales a little "
            + "later than the HPA's ready-pod average while replicas start). With `minReplicaCount` of 1 or more, `activationThreshold`, "
            + "`pollingInterval` and `cooldownPeriod` do not act (they govern scaling to and from zero); they are the scenario's, else KEDA's defaults.\n"
        t += "- **schedule (KEDA cron)**: one `cron` trigger per run of steps above the lowest count (`minReplicaCount`). Each is active "
            + "from `start` to `end` and asks for `desiredReplicas`; the largest active trigger wins. The HPA behaviour lets each step "
            + "through in one decision, so a step takes effect within one HPA sync (15 s) of its minute.\n"
        t += "- **autoscaler (Knative KPA)**: per-revision annotations: `target` is the concurrency per pod the simulation aimed at, "
            + "with `target-utilization-percentage: 100` so Knative does not scale it down again; `window` is the stable window.\n\n"
        if !reverified.isEmpty {
            t += "## Written forms verified on their own\n\n"
            for v in reverified {
                let verdict = v.verification.slaMet ? "SLA met in every interval"
                    : "SLA missed in \(v.verification.failing.count) of \(v.verification.intervals.count) intervals"
                t += "- **\(v.plan)**: \(v.change). Simulated over the same horizon: \(verdict), "
                    + "\(NumberFormatting.short(v.verification.simulatedGPUHours)) GPU-hours.\n"
            }
            t += "\n"
        }
        if !skipped.isEmpty {
            t += "## Plans not written\n\n"
            for s in skipped { t += "- **\(s.plan)**: \(s.reason).\n" }
            t += "\n"
        }
        if !cautions.isEmpty {
            t += "## Cautions\n\n"
            for c in cautions { t += "- \(c)\n" }
            t += "\n"
        }
        t += "## Checking\n\n`tools/validate_manifests.sh DIR` validates the core manifests against the Kubernetes 1.30 API schema "
            + "(kubernetes-validate) and the ScaledObjects against the rules of KEDA's CRD.\n"
        return t
    }

    /// The controller and scrape timing the HPA plan was verified with, as
    /// a sentence: the scenario's own when it declares them, else
    /// Kubernetes' and Prometheus' usual ones.
    static func verifiedWith(_ plan: AutoscalerPlan?) -> String {
        guard case .hpa(let h, _, let scrape)? = plan else {
            return "Without a verified HPA plan, no controller timing was simulated."
        }
        func f(_ x: Double) -> String { NumberFormatting.short(x) }
        return "The plan was verified with a \(f(h.syncPeriod)) s HPA sync and tolerance \(f(h.tolerance)), and the metric "
            + "sampled every \(f(scrape.interval)) s and seen \(f(scrape.lag)) s late: set the controller's "
            + "`--horizontal-pod-autoscaler-sync-period` and the Prometheus scrape interval to match, or plan again with the "
            + "scenario's `cluster.autoscaler` timing set to yours."
    }

    /// Whether `directory` is, or can be created as, a writable directory
    /// whose manifest names are free for files; `plan` calls it before planning.
    ///
    /// - Throws: ``PlanningError`` naming `--emit`.
    package static func checkDirectory(_ directory: String) throws {
        do {
            try AtomicFile.checkDirectory(directory, option: "--emit")
            for name in names {
                let path = (directory as NSString).appendingPathComponent(name)
                var info = stat()
                if lstat(path, &info) == 0 { try AtomicFile.checkFile(path, option: "--emit") }
            }
        } catch let error as WorkloadError {
            let place = error.location.hasPrefix("--emit ") ? String(error.location.dropFirst(7)) : error.location
            throw PlanningError("--emit", "\(place): \(error.message)")
        }
    }

    /// Writes every file into `directory` (created if missing), all or none,
    /// and removes manifests an earlier run left there that this plan does
    /// not write, so the directory holds one plan's files.
    ///
    /// - Throws: ``PlanningError`` naming `--emit`.
    package func write(to directory: String) throws {
        try Self.checkDirectory(directory)
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw PlanningError("--emit", "cannot create directory \(directory): \(FileProblem.reason(error))")
        }
        func path(_ name: String) -> String { (directory as NSString).appendingPathComponent(name) }
        do {
            try AtomicFile.write(files.map { ($0.text, path($0.name)) })
        } catch let error as LoadSeriesError {
            throw PlanningError("--emit", error.description)
        }
        let written = Set(files.map(\.name))
        for name in Self.names where !written.contains(name) { try? FileManager.default.removeItem(atPath: path(name)) }
    }
}

extension KubernetesManifests {
    /// What `plan` prints on standard error after writing: the files, and each plan not written.
    package func note(directory: String) -> String {
        var t = "headroom: wrote \(files.map(\.name).joined(separator: ", ")) to \(directory)\n"
        for s in skipped { t += "headroom: no manifest for the \(s.plan) plan: \(s.reason)\n" }
        for v in reverified where !v.verification.slaMet { t += "headroom: the \(v.plan) plan as written missed the SLA: \(v.change)\n" }
        return t
    }
}
