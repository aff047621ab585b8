import AccordDomain
import Foundation
import Testing

@Suite("Pull rules")
struct PullRulesTests {
    static let start = RFC3339.parse("2026-11-01T00:00:00Z")!

    static func answer(_ values: [(Int, String)], series: Int = 1) -> [UInt8] {
        let points = values.map { "[\(Int(Self.start.timeIntervalSince1970) + $0.0), \"\($0.1)\"]" }.joined(separator: ",")
        let one = #"{"metric":{},"values":[\#(points)]}"#
        let result = series == 0 ? "" : Array(repeating: one, count: series).joined(separator: ",")
        return Array(#"{"status":"success","data":{"resultType":"matrix","result":[\#(result)]}}"#.utf8)
    }

    @Test func missingPointsAndNaNAreGapsAndValuesAreRoundedToWholeEvents() throws {
        let span = DateInterval(start: Self.start, duration: 300)
        let good = try PrometheusAnswer.points(Self.answer([(60, "10"), (120, "NaN"), (180, "7.6"), (300, "5")]), query: "g")
        let valid = try PrometheusAnswer.points(Self.answer([(60, "12"), (120, "3"), (180, "8"), (240, "9"), (300, "5")]), query: "v")
        let buckets = try PrometheusAnswer.buckets(good: good, valid: valid, span: span, stepSeconds: 60)
        // 120 (NaN) and 240 (no good point) are gaps; 180 rounds 7.6 to 8
        #expect(buckets.map(\.start) == [0, 120, 240].map { Self.start.addingTimeInterval($0) })
        #expect(buckets.map(\.good) == [10, 8, 5])
        #expect(buckets.map(\.valid) == [12, 8, 5])
        #expect(buckets.allSatisfy { $0.end.timeIntervalSince($0.start) == 60 })
    }

    @Test func goodAboveValidANegativeCountSeveralSeriesAndAnErrorAreRefusedByName() throws {
        let span = DateInterval(start: Self.start, duration: 120)
        let good = try PrometheusAnswer.points(Self.answer([(60, "10"), (120, "11")]), query: "g")
        let valid = try PrometheusAnswer.points(Self.answer([(60, "10"), (120, "10")]), query: "v")
        #expect(throws: PullFailure("good (11) exceeds valid (10) in the step ending 2026-11-01T00:02:00Z.")) {
            try PrometheusAnswer.buckets(good: good, valid: valid, span: span, stepSeconds: 60)
        }
        let negative = try PrometheusAnswer.points(Self.answer([(60, "-1")]), query: "g")
        #expect(throws: PullFailure.self) { try PrometheusAnswer.buckets(good: negative, valid: valid, span: span, stepSeconds: 60) }
        #expect(throws: PullFailure("sum(x) gives 2 series; aggregate it to one (for example with sum(…)).")) {
            try PrometheusAnswer.points(Self.answer([(60, "1")], series: 2), query: "sum(x)")
        }
        #expect(try PrometheusAnswer.points(Self.answer([], series: 0), query: "g").isEmpty)
        let refused = Array(#"{"status":"error","errorType":"bad_data","error":"parse error at char 4"}"#.utf8)
        #expect(throws: PullFailure("Prometheus refused the query: bad_data: parse error at char 4")) { try PrometheusAnswer.points(refused, query: "g") }
        #expect(throws: PullFailure("The answer is not Prometheus's JSON.")) { try PrometheusAnswer.points(Array("<html>".utf8), query: "g") }
        // a time no integer holds is refused, never converted
        let far = Array(#"{"status":"success","data":{"resultType":"matrix","result":[{"metric":{},"values":[[1e300,"1"]]}]}}"#.utf8)
        #expect(throws: PullFailure.self) { try PrometheusAnswer.points(far, query: "g") }
    }

    @Test func onlySettledStepsArePulledAtMostElevenThousandAtOnce() {
        let watermark = Self.start
        // a step has settled two minutes after it ended: 3 minutes after the watermark, the first one has
        #expect(PullPlan.next(watermark: watermark, stepSeconds: 60, now: watermark.addingTimeInterval(180))?.duration == 60)
        #expect(PullPlan.next(watermark: watermark, stepSeconds: 60, now: watermark.addingTimeInterval(179)) == nil)
        #expect(PullPlan.next(watermark: watermark, stepSeconds: 300, now: watermark.addingTimeInterval(400)) == nil)
        let backfill = PullPlan.next(watermark: watermark, stepSeconds: 60, now: watermark.addingTimeInterval(30 * 86_400))
        #expect(backfill?.duration == TimeInterval(11_000 * 60))
        #expect(PullPlan.aligned(RFC3339.parse("2026-11-01T00:00:30Z")!, stepSeconds: 300) == RFC3339.parse("2026-11-01T00:05:00Z")!)
        #expect(PullPlan.retryDelay(failures: 1) == 30)
        #expect(PullPlan.retryDelay(failures: 3) == 120)
        #expect(PullPlan.retryDelay(failures: 40) == 3600)
    }

    @Test func aSourceNamesEachProblemAndNeverTakesCredentialsInItsAddress() {
        #expect(DataSourceDraft(name: "M", baseURL: "https://user:pw@prom.example").validate().message(for: "base_url")?.contains("credentials") == true)
        #expect(DataSourceDraft(name: "M", baseURL: "https://prom.example?x=1").validate().message(for: "base_url") != nil)
        #expect(DataSourceDraft(name: "M", baseURL: "http://10.0.0.5:9090").validate().isEmpty)
        let token = DataSourceDraft(name: "M", baseURL: "http://p:9090", auth: .bearer, bearerToken: "a\nInjected: header").validate()
        #expect(token.message(for: "bearer_token") != nil)
        #expect(DataSourceDraft(name: "M", baseURL: "http://p:9090", auth: .bearer).validate(storedToken: true).isEmpty)
        let pull = SeriesPullDraft(sourceID: 1, goodQuery: "sum(x)", validQuery: "sum(y)", stepSeconds: 120).validate(sliKind: .ticketResponse)
        #expect(pull.message(for: "step_seconds") != nil && pull.message(for: "source_id")?.contains("ratio") == true)
    }
}
