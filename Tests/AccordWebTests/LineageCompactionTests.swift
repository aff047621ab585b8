import AccordApplication
import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import HTTPTypes
import NIOCore
import Testing

@Suite("Lineage of live feeds compacted by the hour")
struct LineageCompactionTests {
    @Test func anHoursSmallBatchesBecomeOneRecordThatProvesTheSameRows() async throws {
        try await Harness.run { harness in
            // setup: a live feed, one minute bucket a batch for 20 minutes of one hour, from one source; a bulk batch of
            // another source in the same hour; three batches of the feed in another hour
            let world = harness.world
            let token = try await harness.token(for: world.analyst)
            let hour = Date(timeIntervalSince1970: ((harness.clock.now.timeIntervalSince1970 - 3 * 86_400) / 3600).rounded(.down) * 3600)
            func post(_ objective: Int64, source: String, _ rows: [(Int, Int64)], at base: Date) async throws -> [String: Any] {
                var headers = HTTPFields()
                headers[.authorization] = "Bearer \(token)"
                headers[.contentType] = "text/csv"
                let body = "start,end,good,valid\n" + rows.map { minute, good in
                    "\(RFC3339.format(base.addingTimeInterval(Double(minute) * 60))),\(RFC3339.format(base.addingTimeInterval(Double(minute + 1) * 60))),\(good),100"
                }.joined(separator: "\n")
                let response = try await harness.client.execute(
                    uri: "/api/v1/objectives/\(objective)/measurements?source=\(source)", method: .post, headers: headers, body: ByteBuffer(string: body))
                #expect(response.status == .created, "\(response.text.prefix(300))")
                return response.json
            }
            let feed = (0..<20).map { ($0, Int64($0 % 5 == 0 ? 98 : 100)) }
            for row in feed { _ = try await post(world.objectiveA.id, source: "probe", [row], at: hour) }
            _ = try await post(world.objectiveA.id, source: "bulk", (0..<60).map { ($0, 100) }, at: hour)
            let later = hour.addingTimeInterval(2 * 86_400)
            for row in feed.prefix(3) { _ = try await post(world.objectiveA.id, source: "probe", [row], at: later) }
            let span = DateInterval(start: hour.addingTimeInterval(-86_400), end: hour.addingTimeInterval(86_400))
            let before = try await harness.repositories.measurements.lineage(seriesID: world.objectiveA.seriesID, span: span)
            let counts = try await harness.repositories.measurements.counts(
                seriesID: world.objectiveA.seriesID, sliKind: .ratio, spans: [span], now: harness.clock.now)
            #expect(before.filter { $0.source == "probe" }.count == 20)
            // MUT: the job a day after the batches arrived (not safe from replay yet), then three days after
            let job = LineageCompactionJob(repositories: harness.repositories)
            #expect(try await job.run(now: harness.clock.now.addingTimeInterval(86_400)) == .idle)
            let report = try await job.run(now: harness.clock.now.addingTimeInterval(3 * 86_400))
            // validation: one record of each hour's feed, holding their rows; the bulk batch as it was
            #expect(report.summary == "23 small batches compacted into 2 hourly lineage records", "\(report.summary)")
            let after = try await harness.repositories.measurements.lineage(seriesID: world.objectiveA.seriesID, span: span)
            let compacted = try #require(after.first { $0.source == "probe" })
            #expect(after.filter { $0.source == "probe" }.count == 1 && after.filter { $0.source == "bulk" }.count == 1)
            #expect(compacted.compactedFrom == 20 && compacted.rowCount == 20 && compacted.credential == "compacted")
            #expect(compacted.goodInPeriod == before.filter { $0.source == "probe" }.reduce(0) { $0 + $1.goodInPeriod })
            #expect(compacted.firstReceivedAt == before.filter { $0.source == "probe" }.map(\.receivedAt).min())
            // its hash is the hash of those rows, as if they had come in one batch: a party can recompute it
            let whole = try await post(world.objectiveB.id, source: "probe", feed, at: hour)
            #expect(compacted.contentHash == whole["content_hash"] as? String)
            // the figure is unchanged, and a second run finds nothing
            #expect(
                try await harness.repositories.measurements.counts(
                    seriesID: world.objectiveA.seriesID, sliKind: .ratio, spans: [span], now: harness.clock.now) == counts)
            #expect(try await job.run(now: harness.clock.now.addingTimeInterval(3 * 86_400)) == .idle)
            let other = try await harness.repositories.measurements.lineage(
                seriesID: world.objectiveA.seriesID, span: DateInterval(start: later, end: later.addingTimeInterval(3600)))
            #expect(other.count == 1 && other.first?.compactedFrom == 3 && other.first?.rowCount == 3)
        }
    }
}
