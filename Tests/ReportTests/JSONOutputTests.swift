import Foundation
import Testing
@testable import Report

/// JSON output is always standard JSON: non-finite numbers become `null`.
@Suite struct JSONOutputTests {
    struct Sample: Encodable {
        var halfWidth: Double
        var ratio: Double
        var low: Double
        var values: [Double]
        var single: Float
        var label: String
    }

    @Test func nonFiniteNumbersAreWrittenAsNull() throws {
        let s = Sample(halfWidth: .infinity, ratio: .nan, low: -.infinity, values: [1, .nan, 2.5], single: .infinity, label: "inf")
        for pretty in [true, false] {
            let text = try JSONOutput.encode(s, pretty: pretty)
            #expect(!text.contains("nan"), "\(text)")
            #expect(!text.contains("\\u0001"), "\(text)")
            let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
            #expect(object["half_width"] is NSNull)
            #expect(object["ratio"] is NSNull)
            #expect(object["low"] is NSNull)
            #expect(object["single"] is NSNull)
            #expect(object["label"] as? String == "inf")
            let values = try #require(object["values"] as? [Any])
            #expect(values[1] is NSNull)
            #expect((values[2] as? NSNumber)?.doubleValue == 2.5)
        }
    }

    @Test func finiteOutputIsUnchanged() throws {
        let text = try JSONOutput.encode(["a": 1.5, "b": 2], pretty: false)
        #expect(text == "{\"a\":1.5,\"b\":2}")
    }
}
