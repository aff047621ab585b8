import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// Inputs that used to end the process or answer 500: each is refused with 422 naming the field, and changes nothing.
@Suite("Input bounds")
struct InputBoundsTests {
    static func field(_ response: TestResponse) -> String? {
        ((response.json["error"] as? [String: Any])?["details"] as? [[String: Any]])?.first?["field"] as? String
    }

    @Test func hugePagesFarDatesAndHugeGoalsAreRefusedNamingTheField() async throws {
        try await Harness.run { harness in
            // setup
            let world = harness.world
            let token = try await harness.token(for: world.manager)
            let vendor = try await harness.token(for: world.vendorUserA)
            let before = try await DatabaseSnapshot.take(harness.database)
            // MUT + validation: a page number whose offset overflows
            for path in ["/api/v1/vendors?page=9223372036854775807", "/api/v1/credits?page=-1", "/api/v1/agreements?per_page=100000"] {
                let response = try await harness.api(.get, path, token: token)
                #expect(response.status == .unprocessableContent, "\(path)")
            }
            #expect(Self.field(try await harness.api(.get, "/api/v1/vendors?page=9223372036854775807", token: token)) == "page")
            let session = try await harness.session(for: world.manager)
            #expect(try await harness.get("/vendors?page=9223372036854775807", as: session).status == .unprocessableContent)
            // instants in year 10000 once the offset is applied, on the periods, lineage and period page routes
            let own = world.objectiveA.id
            let far = "from=9999-12-31T23:00:00-23:00&to=9999-12-31T23:30:00-23:00"
            let periods = try await harness.api(.get, "/api/v1/objectives/\(own)/periods?\(far)", token: vendor)
            #expect(periods.status == .unprocessableContent)
            #expect(Self.field(periods) == "from")
            #expect(
                try await harness.api(.get, "/api/v1/objectives/\(own)/periods/9999-12-31T23:00:00-23:00/lineage", token: vendor).status
                    == .unprocessableContent)
            #expect(
                try await harness.get("/objectives/\(own)/periods/9999-12-31T23:00:00-23:00", as: try await harness.session(for: world.vendorUserA))
                    .status == .notFound)
            // a goal of 2^63 − 1 minutes
            let goal = try await harness.api(
                .post, "/api/v1/agreements/\(world.agreementA.id)/versions/1/objectives", token: token,
                json:
                    #"{"name":"Huge","sli_kind":"ticket_response","sla_target":90,"slo_target":95,"window_kind":"calendar_month","priority_goals":[{"priority":"P1","goal_minutes":9223372036854775807}]}"#
            )
            #expect(goal.status == .unprocessableContent || goal.status == .conflict)
            // a fee longer than the column
            let fee = try await harness.api(
                .post, "/api/v1/agreements", token: token,
                json: #"{"kind":"master","title":"Too dear","service_id":\#(world.serviceA.id),"fee":"99999999999999999999","currency":"EUR"}"#)
            #expect(fee.status == .unprocessableContent)
            #expect(Self.field(fee) == "fee")
            #expect(try await DatabaseSnapshot.take(harness.database) == before)
        }
    }

    @Test func ticketEventsFarAheadAndCountsThatWouldOverflowAreRefusedPerRow() async throws {
        try await Harness.run { harness in
            // setup: a ticket objective on a business calendar, and objective A (ratio)
            let objective = try await harness.ticketObjective(.ticketResponse, calendarID: harness.world.calendarA.id)
            let token = try await harness.token(for: harness.world.analyst)
            let before = try await DatabaseSnapshot.take(harness.database)
            // MUT: an event at 9999-12-30 on the business calendar
            let events = try await harness.api(
                .post, "/api/v1/objectives/\(objective.id)/ticket-events", token: token,
                json: #"{"events":[{"ticket":"T1","priority":"P1","type":"created","at":"9999-12-30T09:00:00Z"}]}"#)
            #expect(events.status == .unprocessableContent)
            #expect(Self.field(events) == "at")
            // two buckets of 2^63 − 1 good events in one hour
            let max = Int64.max
            let huge = try await harness.api(
                .post, "/api/v1/objectives/\(harness.world.objectiveA.id)/measurements", token: token,
                json:
                    #"{"source":"probe","buckets":[{"start":"2026-11-02T10:00:00Z","end":"2026-11-02T10:01:00Z","good":\#(max),"valid":\#(max)},{"start":"2026-11-02T10:01:00Z","end":"2026-11-02T10:02:00Z","good":\#(max),"valid":\#(max)}]}"#
            )
            #expect(huge.status == .unprocessableContent)
            #expect(Self.field(huge) == "good")
            // a batch reaching decades ahead creates no partitions: each far row is refused by itself
            let partitions = "SELECT count(*)::int8 FROM pg_inherits WHERE inhparent = 'measurements'::regclass"
            let partitionsBefore = try await harness.database.query("\(unescaped: partitions)").first!.decode(Int64.self)
            let reach = try await harness.api(
                .post, "/api/v1/objectives/\(harness.world.objectiveA.id)/measurements", token: token,
                json:
                    #"{"source":"probe","buckets":[{"start":"2090-01-01T00:00:00Z","end":"2090-01-01T00:01:00Z","good":1,"valid":1},{"start":"2110-01-01T00:00:00Z","end":"2110-01-01T00:01:00Z","good":1,"valid":1}]}"#
            )
            #expect(reach.status == .unprocessableContent)
            let rows = ((reach.json["error"] as? [String: Any])?["details"] as? [[String: Any]])?.compactMap { $0["row"] as? Int }
            #expect(rows == [1, 2])
            #expect(try await harness.database.query("\(unescaped: partitions)").first!.decode(Int64.self) == partitionsBefore)
            #expect(try await DatabaseSnapshot.take(harness.database) == before)
        }
    }

    @Test func controlCharactersAreRefusedAndAPlusInAQueryIsASpace() async throws {
        try await Harness.run { harness in
            // setup
            let world = harness.world
            let token = try await harness.token(for: world.manager)
            let session = try await harness.session(for: world.manager)
            let before = try await DatabaseSnapshot.take(harness.database)
            // MUT + validation: NUL in a search, a JSON field and a form field
            let search = try await harness.api(.get, "/api/v1/vendors?q=%00", token: token)
            #expect(search.status == .unprocessableContent)
            #expect(Self.field(search) == "q")
            #expect(try await harness.get("/vendors?q=%00", as: session).status == .unprocessableContent)
            let contact = try await harness.api(
                .post, "/api/v1/vendors/\(world.vendorA.id)/contacts", token: token, json: #"{"name":"\u0000"}"#)
            #expect(contact.status == .unprocessableContent)
            #expect(Self.field(contact) == "name")
            let form = try await harness.post("/vendors/\(world.vendorA.id)/contacts", [("name", "Nul\u{0}l")], as: session)
            #expect(form.status == .unprocessableContent)
            #expect(try await DatabaseSnapshot.take(harness.database) == before)
            // a plus in a query string is a space
            let found = try await harness.api(.get, "/api/v1/vendors?q=Alpha+Hosting", token: token)
            #expect((found.json["items"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Alpha Hosting"])
        }
    }
}
