import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import Testing

@Suite("Services, calendars and users")
struct ReferenceDataTests {
    @Test func calendarsAreKeptInTheBrowserAndThroughTheAPI() async throws {
        try await Harness.run { harness in
            let session = try await harness.session(for: harness.world.manager)
            // a form with a closing time before the opening time comes back with the error beside Monday, values kept
            let bad = try await harness.post(
                "/calendars",
                [
                    ("name", "Sydney support"), ("time_zone", "Australia/Sydney"), ("weekly_hours.0.weekday", "1"), ("weekly_hours.0.opens", "17:00"),
                    ("weekly_hours.0.closes", "09:00"), ("holidays_text", "2026-12-25 Christmas Day"),
                ], as: session)
            #expect(bad.status == .unprocessableContent)
            #expect(bad.text.contains("Monday must open before it closes (17:00–09:00)."))
            #expect(bad.text.contains("2026-12-25 Christmas Day"))
            let good = try await harness.post(
                "/calendars",
                [
                    ("name", "Sydney support"), ("time_zone", "Australia/Sydney"), ("weekly_hours.0.weekday", "1"), ("weekly_hours.0.opens", "08:00"),
                    ("weekly_hours.0.closes", "18:00"), ("weekly_hours.1.weekday", "2"), ("weekly_hours.1.opens", ""), ("weekly_hours.1.closes", ""),
                    ("holidays_text", "2026-12-25 Christmas Day\n2026-12-26 Boxing Day"),
                ], as: session)
            #expect(good.status == .seeOther)
            let shown = try await harness.get(try #require(good.location), as: session)
            #expect(shown.text.contains("08:00–18:00"))
            #expect(shown.text.contains("Boxing Day"))
            // through the API
            let token = try await harness.token(for: harness.world.manager)
            let created = try await harness.api(
                .post, "/api/v1/calendars", token: token,
                json:
                    #"{"name":"Tokyo","time_zone":"Asia/Tokyo","weekly_hours":[{"weekday":1,"opens":"09:00","closes":"18:00"}],"holidays":[{"date":"2027-01-01","name":"New Year"}]}"#
            )
            #expect(created.status == .created)
            let id = try #require(created.json["id"] as? Int)
            let renamed = try await harness.api(.patch, "/api/v1/calendars/\(id)", token: token, json: #"{"name":"Tokyo office","row_version":1}"#)
            #expect(renamed.status == .ok)
            #expect((renamed.json["holidays"] as? [Any])?.count == 1)
            let invalid = try await harness.api(
                .post, "/api/v1/calendars", token: token, json: #"{"name":"X","time_zone":"Mars/Base","weekly_hours":[]}"#)
            #expect(invalid.status == .unprocessableContent)
        }
    }

    /// Several opening spans a day and part-day holidays, in the form and the API; overlapping spans are refused.
    @Test func calendarsHoldSplitDaysAndPartDayHolidays() async throws {
        try await Harness.run { harness in
            let session = try await harness.session(for: harness.world.manager)
            let overlapping = try await harness.post(
                "/calendars",
                [
                    ("name", "Lunch office"), ("time_zone", "Europe/Berlin"), ("weekly_hours.0.weekday", "1"), ("weekly_hours.0.opens", "08:00"),
                    ("weekly_hours.0.closes", "12:00"), ("weekly_hours.7.weekday", "1"), ("weekly_hours.7.opens", "11:00"),
                    ("weekly_hours.7.closes", "17:00"),
                ], as: session)
            #expect(overlapping.status == .unprocessableContent)
            #expect(overlapping.text.contains("Monday: 08:00–12:00 and 11:00–17:00 overlap."))
            #expect(overlapping.text.contains(#"name="weekly_hours.7.opens" type="time" value="11:00""#))
            let created = try await harness.post(
                "/calendars",
                [
                    ("name", "Lunch office"), ("time_zone", "Europe/Berlin"), ("weekly_hours.0.weekday", "1"), ("weekly_hours.0.opens", "08:00"),
                    ("weekly_hours.0.closes", "12:00"), ("weekly_hours.7.weekday", "1"), ("weekly_hours.7.opens", "13:00"),
                    ("weekly_hours.7.closes", "17:00"), ("holidays_text", "2026-12-21 13:00-17:00 Team afternoon"),
                ], as: session)
            #expect(created.status == .seeOther)
            let shown = try await harness.get(try #require(created.location), as: session)
            #expect(shown.text.contains("08:00–12:00 and 13:00–17:00"))
            #expect(shown.text.contains("Team afternoon <span class=\"hint\">(closed 13:00–17:00)</span>"))
            let path = try #require(created.location?.split(separator: "?").first)
            let edit = try await harness.get(path + "/edit", as: session)
            #expect(edit.text.contains(#"name="weekly_hours.7.closes" type="time" value="17:00""#))
            #expect(edit.text.contains("2026-12-21 13:00-17:00 Team afternoon"))
            // through the API
            let token = try await harness.token(for: harness.world.manager)
            let api = try await harness.api(
                .post, "/api/v1/calendars", token: token,
                json:
                    #"{"name":"Split","time_zone":"Europe/Berlin","weekly_hours":[{"weekday":1,"opens":"08:00","closes":"12:00"},{"weekday":1,"opens":"13:00","closes":"17:00"}],"holidays":[{"date":"2026-12-21","name":"Team afternoon","closed_from":"13:00","closed_until":"17:00"}]}"#
            )
            #expect(api.status == .created)
            #expect((api.json["weekly_hours"] as? [Any])?.count == 2)
            #expect((api.json["holidays"] as? [[String: Any]])?.first?["closed_from"] as? String == "13:00")
            let half = try await harness.api(
                .post, "/api/v1/calendars", token: token,
                json: #"{"name":"Half","time_zone":"UTC","weekly_hours":[{"weekday":1,"opens":"08:00","closes":"12:00"}],"holidays":[{"date":"2026-12-21","closed_from":"13:00"}]}"#)
            #expect(half.status == .unprocessableContent)
        }
    }

    /// Every name of the tz database, aliases included, wherever a zone is entered; nothing else.
    @Test func zonesAreCheckedAgainstTheTzDatabase() async throws {
        try await Harness.run { harness in
            let token = try await harness.token(for: harness.world.manager)
            for (zone, accepted) in [
                ("Asia/Kolkata", true), ("Asia/Calcutta", true), ("Etc/UTC", true), ("UTC", true), ("US/Pacific", true), ("Asia/Kathmandu", true),
                ("Pacific/Chatham", true), ("GMT+05:00", false), ("Mars/Base", false), ("europe/berlin", false), ("../../etc/passwd", false),
            ] {
                let calendar = try await harness.api(
                    .post, "/api/v1/calendars", token: token,
                    json: #"{"name":"Zone \#(zone)","time_zone":"\#(zone)","weekly_hours":[{"weekday":1,"opens":"09:00","closes":"17:00"}]}"#)
                #expect(calendar.status == (accepted ? .created : .unprocessableContent), "\(zone)")
                let agreement = try await harness.api(
                    .post, "/api/v1/agreements", token: token,
                    json: #"{"kind":"master","title":"Zone \#(zone)","service_id":\#(harness.world.serviceA.id),"start_date":"2026-01-01","time_zone":"\#(zone)"}"#)
                #expect(agreement.status == (accepted ? .created : .unprocessableContent), "\(zone)")
            }
            let suggestion = try await harness.api(
                .post, "/api/v1/calendars", token: token,
                json: #"{"name":"Lower","time_zone":"europe/berlin","weekly_hours":[{"weekday":1,"opens":"09:00","closes":"17:00"}]}"#)
            #expect(suggestion.text.contains("did you mean Europe/Berlin?"))
            // one picker on both forms, listing the database's names
            let session = try await harness.session(for: harness.world.manager)
            for path in ["/calendars/new", "/agreements/new"] {
                let form = try await harness.get(path, as: session)
                #expect(form.text.contains(#"<input id="time_zone" name="time_zone""#) && form.text.contains(#"list="zones""#), "\(path)")
                #expect(form.text.contains(#"<option value="Asia/Kolkata">"#) && form.text.contains(#"<option value="Etc/UTC">"#), "\(path)")
            }
        }
    }

    @Test func servicesAreKeptInTheBrowserAndThroughTheAPI() async throws {
        try await Harness.run { harness in
            let session = try await harness.session(for: harness.world.manager)
            let created = try await harness.post("/services", [("name", "Search"), ("owner", "Discovery team")], as: session)
            #expect(created.status == .seeOther)
            let duplicate = try await harness.post("/services", [("name", "search")], as: session)
            #expect(duplicate.text.contains("A service named search already exists."))
            let token = try await harness.token(for: harness.world.manager)
            let list = try await harness.api(.get, "/api/v1/services?q=sea", token: token)
            #expect(list.json["total"] as? Int == 1)
            let inUse = try await harness.api(.delete, "/api/v1/services/\(harness.world.serviceA.id)", token: token)
            #expect(inUse.status == .conflict)
            #expect(inUse.errorCode == "rule_violation")
            let viewer = try await harness.token(for: harness.world.viewer)
            #expect(try await harness.api(.post, "/api/v1/services", token: viewer, json: #"{"name":"Nope"}"#).status == .forbidden)
        }
    }

    @Test func adminsCreateAndDisableUsers() async throws {
        try await Harness.run { harness in
            let admin = try await harness.session(for: harness.world.admin)
            let missingVendor = try await harness.post(
                "/users", [("name", "Kim"), ("email", "kim@alpha.example"), ("role", "vendor"), ("password", "a long enough password")], as: admin)
            #expect(missingVendor.status == .unprocessableContent)
            #expect(missingVendor.text.contains("A vendor user must belong to a vendor."))
            #expect(!missingVendor.text.contains("a long enough password"))
            let created = try await harness.post(
                "/users",
                [
                    ("name", "Kim"), ("email", "kim@alpha.example"), ("role", "vendor"), ("vendor_id", "\(harness.world.vendorA.id)"),
                    ("password", "a long enough password"),
                ],
                as: admin)
            #expect(created.status == .seeOther)
            let kim = try #require(try await harness.repositories.users.credentials(email: "kim@alpha.example"))
            #expect(kim.0.scope == .vendor(harness.world.vendorA.id))
            #expect(kim.1.hasPrefix("$2b$12$") || kim.1.hasPrefix("$2y$12$") || kim.1.hasPrefix("$2a$12$"))
            // disabling ends the user's sessions
            let victim = try await harness.session(for: harness.world.viewer)
            #expect(try await harness.post("/users/\(harness.world.viewer.id)/disable", as: admin).status == .seeOther)
            #expect(try await harness.get("/vendors", as: victim).status == .seeOther)
            let manager = try await harness.session(for: harness.world.manager)
            #expect(try await harness.get("/users", as: manager).status == .forbidden)
        }
    }
}
