import Testing
@testable import Workload

@Suite struct LoadSeriesCSVTests {
    @Test func readsRelativeSecondsWithServeGenMissingMarks() throws {
        let text = """
        timestamp_s,requests,mean_rps,zero_windows
        0,100.0,1,0
        3600,110.0,1,0
        7200,5.0,1,2
        10800,130.0,1,0
        """
        let s = try LoadSeriesCSV.parse(text: text, file: "h.csv")
        #expect(s.count == 4)
        #expect(s.interval == 3600)
        #expect(s.missing == [false, false, true, false])
        #expect(s.timestamps[0] == LoadSeriesCSV.relativeEpoch)
        #expect(s.dayOfWeek(0) == 0)          // Monday
        #expect(s.hourOfDay(3) == 3)
    }

    @Test func insertsMissingIntervalsForGaps() throws {
        let text = "time,count,holiday\n2024-03-04T10:00:00Z,10,0\n2024-03-04T11:00:00Z,,1\n2024-03-04 13:00,30,0\n2024-03-04T15:00:00+01:00,40,\n"
        var options = LoadSeriesCSV.Options()
        options.exogenousColumns = ["holiday"]
        let s = try LoadSeriesCSV.parse(text: text, file: "x.csv", options: options)
        #expect(s.count == 5)
        #expect(s.missing == [false, true, true, false, false])
        #expect(s.values[3] == 30 && s.values[4] == 40)
        #expect(s.exogenous[0] == [0, 1, 0, 0, 0])
        #expect(s.hourOfDay(4) == 14)
        #expect(s.dayOfWeek(0) == 0)          // 2024-03-04 was a Monday
    }

    @Test func nonNumericCellNamesFileLineAndColumn() {
        let text = "timestamp_s,requests\n0,1\n3600,abc\n"
        #expect(throws: LoadSeriesError.invalidCell(file: "bad.csv", line: 3, column: "requests", value: "abc",
                                                    expected: "a number")) {
            try LoadSeriesCSV.parse(text: text, file: "bad.csv")
        }
        let message = LoadSeriesError.invalidCell(file: "bad.csv", line: 3, column: "requests", value: "abc",
                                                  expected: "a number").description
        #expect(message == "bad.csv:3: column 'requests': expected a number, got 'abc'")
    }

    @Test func irregularAndMissingColumnsAreRejected() {
        #expect(throws: LoadSeriesError.self) {
            try LoadSeriesCSV.parse(text: "timestamp_s,requests\n0,1\n3600,2\n5000,3\n", file: "g.csv")
        }
        #expect(throws: LoadSeriesError.missingColumn(file: "c.csv", column: "requests|count|value|y", available: ["t", "n"])) {
            try LoadSeriesCSV.parse(text: "t,n\n0,1\n", file: "c.csv", options: {
                var o = LoadSeriesCSV.Options(); o.timestampColumn = "t"; return o
            }())
        }
        #expect(throws: LoadSeriesError.empty(file: "e.csv")) {
            try LoadSeriesCSV.parse(text: "timestamp_s,requests\n", file: "e.csv")
        }
    }

    @Test func writeThenReadRoundTrips() throws {
        let s = LoadSeries(name: "r", timestamps: [1_700_000_000, 1_700_003_600, 1_700_007_200], interval: 3600,
                           values: [1, 0, 2.5], missing: [false, true, false], exogenousNames: ["event"],
                           exogenous: [[0, 1, 0]])
        var options = LoadSeriesCSV.Options()
        options.exogenousColumns = ["event"]
        let back = try LoadSeriesCSV.parse(text: LoadSeriesCSV.render(s), file: "r.csv", name: "r", options: options)
        #expect(back == s)
    }

    @Test func endingKeepsOnlyFullyObservedIntervals() {
        let s = LoadSeries(name: "e", timestamps: [0, 600, 1200, 1800], interval: 600, values: [1, 2, 3, 4])
        #expect(s.ending(atOrBefore: 1200).count == 2)     // [0, 600) and [600, 1200)
        #expect(s.ending(atOrBefore: 1199).count == 1)
        #expect(s.ending(atOrBefore: 9999).count == 4)
    }

    @Test func imputesOneSeasonBack() {
        let s = LoadSeries(name: "i", timestamps: [0, 1, 2, 3, 4], interval: 1, values: [5, 6, 0, 0, 9],
                           missing: [false, false, true, true, false])
        #expect(s.imputed(season: 2) == [5, 6, 5, 6, 9])
    }
}
