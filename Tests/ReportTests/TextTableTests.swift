import Testing
@testable import Report

@Suite struct TextTableTests {
    @Test func alignsNumbersRightAndTextLeft() {
        var t = TextTable(header: ["name", "n"])
        t.append(["a", "1"])
        t.append(["long", "1,000"])
        #expect(t.render() == """
        name      n
        ----  -----
        a         1
        long  1,000
        """)
    }

    @Test func groupsThousandsAndFormatsDurations() {
        #expect(NumberFormatting.grouped(1_234_567) == "1,234,567")
        #expect(NumberFormatting.grouped(-999) == "-999")
        #expect(NumberFormatting.count(1, "GPU") == "1 GPU" && NumberFormatting.count(8, "GPU") == "8 GPUs" && NumberFormatting.count(0, "GPU") == "0 GPUs")
        #expect(NumberFormatting.fixed(2.0049, decimals: 2) == "2.00")
        #expect(NumberFormatting.fixed(-0.5, decimals: 1) == "-0.5")
        #expect(NumberFormatting.duration(0.00042) == "420µs")
        #expect(NumberFormatting.duration(0.25) == "250ms")
        #expect(NumberFormatting.duration(90) == "90.0s")
        #expect(NumberFormatting.compact(600) == "600")
        #expect(NumberFormatting.compact(0.1) == "0.1")
    }

    @Test func jsonKeysAreSnakeCaseAndSorted() throws {
        struct R: Encodable { var zeta = 1; var meanWait = 2.5 }
        #expect(try JSONOutput.encode(R(), pretty: false) == #"{"mean_wait":2.5,"zeta":1}"#)
    }
}
