import Calibration
import Foundation
import TestSupport
import Testing
import Workload

/// `calibrate --observed` input: the format is told from content, each
/// maps onto per-load TTFT/TPOT targets in seconds, and anything else gets
/// one line saying what was recognised and what is missing.
@Suite struct MeasuredObservationsTests {
    /// The keys `vllm bench serve --save-result` writes (vllm/benchmarks/serve.py), per-request lists dropped.
    static func vllmResult(rate: String, ttft: Double, tpot: Double, extra: String = "") -> String {
        """
        {"date": "20260101-120000", "endpoint_type": "vllm", "backend": "vllm", "label": null, "model_id": "meta-llama/Llama-2-7b-hf",
         "tokenizer_id": "meta-llama/Llama-2-7b-hf", "num_prompts": 1000, "request_rate": \(rate), "burstiness": 1.0,
         "max_concurrency": null, "duration": 201.3, "completed": 1000, "failed": 0, "total_input_tokens": 512000,
         "total_output_tokens": 128000, "request_throughput": 4.97, "request_goodput": null, "output_throughput": 636.0,
         "total_token_throughput": 3180.0, "max_output_tokens_per_s": 900.0, "max_concurrent_requests": 40, "rtfx": 0.0,
         "mean_ttft_ms": \(ttft * 1.1), "median_ttft_ms": \(ttft), "std_ttft_ms": 10.0, "p99_ttft_ms": \(ttft * 3),
         "mean_tpot_ms": \(tpot * 1.05), "median_tpot_ms": \(tpot), "std_tpot_ms": 1.0, "p99_tpot_ms": \(tpot * 1.5),
         "mean_itl_ms": \(tpot), "median_itl_ms": \(tpot), "std_itl_ms": 2.0, "p99_itl_ms": \(tpot * 2)\(extra)}
        """
    }

    static func message(_ paths: [String]) -> String {
        do {
            _ = try MeasuredObservations.read(paths: paths)
            return "no error"
        } catch let e as InputError {
            return e.description
        } catch {
            return "\(error)"
        }
    }

    @Test func vllmResultsOnePerRate() throws {
        let a = try TestData.write(Self.vllmResult(rate: "2.0", ttft: 40, tpot: 12), suffix: ".json")
        let b = try TestData.write(Self.vllmResult(rate: "8", ttft: 90, tpot: 20, extra: ", \"p99.9_ttft_ms\": 400.0"), suffix: ".json")
        let m = try MeasuredObservations.read(paths: [a, b])
        #expect(m.format == .vllm && m.notes.isEmpty)
        #expect(m.observations.map(\.offeredRate) == [2, 8])
        let names = m.observations[1].targets.map(\.name)
        #expect(names == ["ttft_p50", "ttft_p99", "ttft_p999", "tpot_p50", "tpot_p99"])
        // Milliseconds become seconds.
        #expect(abs(m.observations[0].targets[0].seconds - 0.040) < 1e-15)
        #expect(abs(m.observations[1].targets[2].seconds - 0.4) < 1e-15)
    }

    /// `--append-result` writes one object per line; `request_rate: "inf"` has no offered rate.
    @Test func vllmAppendedLinesAndAnInfiniteRate() throws {
        let text = [Self.vllmResult(rate: "4", ttft: 50, tpot: 15), Self.vllmResult(rate: "\"inf\"", ttft: 900, tpot: 30)]
            .map { $0.replacingOccurrences(of: "\n", with: " ") }.joined(separator: "\n") + "\n"
        let m = try MeasuredObservations.read(paths: [try TestData.write(text, suffix: ".jsonl")])
        #expect(m.observations.map(\.offeredRate) == [4])
        #expect(m.notes.count == 1 && m.notes[0].contains("request_rate is inf"))
    }

    @Test func vllmWithoutMediansIsOneLine() throws {
        let path = try TestData.write("{\"request_rate\": 2, \"completed\": 10, \"mean_ttft_ms\": 40.0, \"mean_e2el_ms\": 900.0}", suffix: ".json")
        let text = Self.message([path])
        #expect(!text.contains("\n"))
        #expect(text == "\(path): a vLLM benchmark_serving result (found request_rate), but median_ttft_ms, median_tpot_ms are missing: calibrate needs the offered rate and median TTFT and TPOT (run with --save-result and the default --percentile-metrics ttft,tpot,itl)")
    }

    /// A GuideLLM v2 report: rate-driven benchmarks become rows, the
    /// synchronous sweep point is left out with a note; TPOT is
    /// inter_token_latency_ms (GuideLLM's time_per_output_token_ms counts the first token).
    @Test func guidellmReport() throws {
        func dist(_ median: Double) -> String {
            "{\"successful\": {\"mean\": \(median), \"median\": \(median), \"count\": 500, \"percentiles\": {\"p50\": \(median), \"p90\": \(median * 2), \"p99\": \(median * 4), \"p999\": \(median * 5)}}}"
        }
        func benchmark(_ strategy: String, ttft: Double, itl: Double) -> String {
            "{\"type_\": \"generative_benchmark\", \"config\": {\"strategy\": \(strategy)}, \"metrics\": {\"time_to_first_token_ms\": \(dist(ttft)), \"inter_token_latency_ms\": \(dist(itl)), \"time_per_output_token_ms\": \(dist(99))}}"
        }
        let report = """
            {"metadata": {"version": 2}, "config": {}, "benchmarks": [
              \(benchmark("{\"type_\": \"synchronous\"}", ttft: 30, itl: 10)),
              \(benchmark("{\"type_\": \"constant\", \"rate\": 3.5}", ttft: 45, itl: 12)),
              \(benchmark("{\"type_\": \"poisson\", \"rate\": 7}", ttft: 80, itl: 16))]}
            """
        let m = try MeasuredObservations.read(paths: [try TestData.write(report, suffix: ".json")])
        #expect(m.format == .guidellm)
        #expect(m.observations.map(\.offeredRate) == [3.5, 7])
        #expect(m.notes.count == 1 && m.notes[0].contains("strategy synchronous"))
        let t = m.observations[0].targets
        #expect(t.map(\.name) == ["ttft_p50", "ttft_p90", "ttft_p99", "ttft_p999", "tpot_p50", "tpot_p90", "tpot_p99", "tpot_p999"])
        #expect(abs(t[0].seconds - 0.045) < 1e-15 && abs(t[4].seconds - 0.012) < 1e-15)
    }

    /// The bundled experiment: one stage, TTFT percentiles and the per-token step time as a mean.
    @Test func inferencePerfFolder() throws {
        let m = try MeasuredObservations.read(paths: [InferencePerfExperimentTests.fixture])
        #expect(m.format == .inferencePerf && m.observations.count == 1)
        let o = m.observations[0]
        #expect(o.offeredRate == 6)
        #expect(o.targets.map(\.name) == ["ttft_p50", "ttft_p90", "ttft_p99", "tpot_mean"])
        #expect(abs(o.targets[3].seconds - (2.071120309134724 - 0.02712883728152974) / 250) < 1e-15)
        #expect(m.notes.isEmpty, "\(m.notes)")
        // Without results/config.yaml, profile.yaml's enable_multi_turn_chat
        // stands: the note says what the scenario must then say.
        let multi = try MeasuredObservations.read(paths: [InferencePerfExperimentTests.brokenCopy("results/config.yaml", nil)])
        #expect(multi.notes.contains { $0.contains("workload.shared_prefix.multi_turn: true") }, "\(multi.notes)")
    }

    /// An overloaded run (the bundled Llama-2-7B reasoning run: most
    /// requests hit the client's 300 s timeout) has nothing to fit.
    @Test func anOverloadedStageIsLeftOut() throws {
        let folder = TestData.data("ground-truth/vllm-h100/20260217-170634-llama-2-7b-tp1-reasoning")
        let text = Self.message([folder])
        #expect(text.contains("no run with an offered request rate to fit"), "\(text)")
        #expect(text.contains("of requests failed, left out"), "\(text)")
    }

    @Test func unknownInputIsOneLineSayingWhatWasFound() throws {
        let json = try TestData.write("{\"foo\": 1, \"bar\": [1, 2]}", suffix: ".json")
        let text = Self.message([json])
        #expect(!text.contains("\n"))
        #expect(text.hasPrefix("\(json): not a benchmark result headroom reads (found keys foo, bar); expected a vLLM"))
        // A foreign CSV: one line, not one per unknown column.
        let csv = try TestData.write("\u{FEFF}rate,p50_ttft,p50_tpot,a,b,c,d,e,f\n1,2,3,4,5,6,7,8,9\n")
        let line = Self.message([csv])
        #expect(!line.contains("\n"))
        #expect(line == "\(csv): header: not an observations CSV: missing columns offered_rps, ttft_p50, tpot_p50 (recognised: none of 9 columns); expected offered_rps,ttft_p50,tpot_p50[,ttft_p90,...], or a vLLM/GuideLLM JSON or an inference-perf folder")
        let csv2 = try TestData.write("\"offered_rps\",ttft_p50,ttft_p99\n1,2,3\n")
        #expect(Self.message([csv2]).contains("missing column tpot_p50 (recognised: offered_rps, ttft_p50, ttft_p99 of 3 columns)"))
    }

    @Test func mixedFormatsAreRefused() throws {
        let csv = try TestData.write("offered_rps,ttft_p50,tpot_p50\n2,120ms,30ms\n")
        let json = try TestData.write(Self.vllmResult(rate: "2", ttft: 40, tpot: 12), suffix: ".json")
        #expect(Self.message([csv, json]) == "\(json): is a vLLM benchmark_serving result, but \(csv) is a Headroom observations CSV: give inputs of one format")
        #expect(try MeasuredObservations.read(paths: [csv]).format == .csv)
    }

    @Test func thresholds() {
        #expect(FitAcceptance.problem(mape: 0.05, maxAPE: 0.2) == nil)
        #expect(FitAcceptance.problem(mape: 0.15, maxAPE: 0.30) == nil)
        #expect(FitAcceptance.problem(mape: 0.46, maxAPE: 0.68) == "MAPE 46.0% exceeds 15.0% and max error 68.0% exceeds 30.0%")
        #expect(FitAcceptance.problem(mape: 0.10, maxAPE: 0.31) == "max error 31.0% exceeds 30.0%")
        #expect(FitAcceptance.problem(mape: .nan, maxAPE: 0) != nil)
    }
}
