/// What `headroom plan --emit kubernetes DIR` fills into the manifests:
/// the Deployment they scale, its namespace, and where KEDA reaches
/// Prometheus.
package struct ManifestOptions: Sendable, Equatable {
    /// The vLLM Deployment (and the name of each HPA, ScaledObject and
    /// Knative Service written for it).
    package var deployment: String
    /// Its namespace.
    package var namespace: String
    /// The Prometheus server KEDA's trigger queries (`serverAddress`).
    package var prometheus: String

    /// `--deployment`'s default.
    package static let defaultDeployment = "vllm"
    /// `--namespace`'s default.
    package static let defaultNamespace = "default"
    /// The Prometheus address written unless told: the prometheus-operator's
    /// service in `monitoring`.
    package static let defaultPrometheus = "http://prometheus-operated.monitoring.svc:9090"

    /// Options, defaults for what is left out.
    package init(deployment: String = defaultDeployment, namespace: String = defaultNamespace, prometheus: String = defaultPrometheus) {
        self.deployment = deployment
        self.namespace = namespace
        self.prometheus = prometheus
    }

    /// Why `name` is not a Kubernetes object name (a DNS-1123 subdomain of
    /// at most `limit` characters: lower-case letters, digits, `-` and `.`,
    /// starting and ending with a letter or digit), or nil when it is one.
    package static func problem(name: String, limit: Int) -> String? {
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789-.")
        guard !name.isEmpty, name.count <= limit else { return "expected 1 to \(limit) characters, got \(name.count)" }
        guard name.allSatisfy({ allowed.contains($0) }) else {
            return "expected lower-case letters, digits, '-' and '.' (a Kubernetes name), got '\(name)'"
        }
        guard let f = name.first, let l = name.last, f.isLetter || f.isNumber, l.isLetter || l.isNumber else {
            return "expected a name that starts and ends with a letter or digit, got '\(name)'"
        }
        return nil
    }
}
