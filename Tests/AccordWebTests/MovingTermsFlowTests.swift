import AccordApplication
import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import Testing

/// Seasons and ramps through the API, the period close, credits and pages: every judgement follows one rule.
@Suite("Moving terms in use")
struct MovingTermsFlowTests {
    /// A draft vendor SLA of vendor A (fee 1,000 a month, UTC), its objective sent through the API, then activated.
    static func agreement(_ harness: Harness, objective json: String, start: String = "2026-01-01") async throws -> (Int64, Int64) {
        let world = harness.world
        let agreement = try await harness.repositories.agreements.create(
            AgreementDraft(
                kind: .vendor, title: "Alpha edge SLA", vendorID: world.vendorA.id, masterID: world.masterA.id, dependencyKind: .serial, fee: 1000,
                startDate: LocalDate(start)),
            scope: .organisation, actor: .system)
        let manager = try await harness.token(for: world.manager)
        let created = try await harness.api(.post, "/api/v1/agreements/\(agreement.id)/versions/1/objectives", token: manager, json: json)
        try #require(created.status == .created, "\(created.text)")
        let objective = try #require(created.json["id"] as? Int)
        _ = try await harness.repositories.agreements.changeStatus(
            id: agreement.id, to: .active, expectedRowVersion: agreement.rowVersion, scope: .organisation, actor: .system)
        return (agreement.id, Int64(objective))
    }

    static func ingest(_ harness: Harness, objective: Int64, _ buckets: [(String, Int64, Int64)]) async throws {
        let (found, _) = try await harness.repositories.objectives.find(id: objective, scope: .organisation)
        _ = try await harness.repositories.measurements.ingest(
            objectiveID: found.id, source: "probe",
            buckets: buckets.map { start, good, valid in
                let at = RFC3339.parse(start)!
                return MeasurementBucket(start: at, end: at.addingTimeInterval(3600), good: good, valid: valid)
            }, scope: .organisation, sender: BatchSender(userID: harness.world.analyst.id, credential: "test"))
    }

    @Test func aRelaxedPeakMeetsDecemberThatTheStandardTermsWouldBreachAndCreditsFollowTheSeason() async throws {
        try await Harness.run { harness in
            let world = harness.world
            let manager = try await harness.token(for: world.manager)
            // a season that would split a month is refused, naming the field and the rule
            let refusedAgreement = try await harness.repositories.agreements.create(
                AgreementDraft(
                    kind: .vendor, title: "Refused", vendorID: world.vendorA.id, masterID: world.masterA.id, dependencyKind: .serial, fee: 1000,
                    startDate: LocalDate("2026-01-01")),
                scope: .organisation, actor: .system)
            let refused = try await harness.api(
                .post, "/api/v1/agreements/\(refusedAgreement.id)/versions/1/objectives", token: manager,
                json: #"{"name":"Edge","sli_kind":"ratio","sla_target":99.5,"slo_target":99.8,"window_kind":"calendar_month","seasons":[{"name":"peak","from":"11-20","to":"12-31","sla_target":99,"slo_target":99.2}]}"#)
            #expect(refused.status == .unprocessableContent && refused.text.contains("moving_terms") && refused.text.contains("starts on 11-20"), "\(refused.text)")
            // setup: standard 99.5 % (credit 10 % below it); December a relaxed peak of 99.0 % with no credit tiers of its own
            let (agreementID, objective) = try await Self.agreement(
                harness,
                objective: #"{"name":"Edge","sli_kind":"ratio","sla_target":99.5,"slo_target":99.8,"window_kind":"calendar_month","credit_tiers":[{"threshold":99.5,"percent":10}],"seasons":[{"name":"peak","from":"12-01","to":"12-31","sla_target":99,"slo_target":99.2}]}"#
            )
            // 99.3 % in November and in December
            try await Self.ingest(harness, objective: objective, [("2026-11-10T00:00:00Z", 993, 1000), ("2026-12-10T00:00:00Z", 993, 1000)])
            try await harness.repositories.periodRecords.syncSchedule()
            try await TestJobs.runAll(harness.repositories, at: RFC3339.parse("2027-01-05T00:00:00Z")!)
            // MUT: November is breached under the standard terms and owes its credit; December is met under the peak
            let periods = try await harness.api(
                .get, "/api/v1/objectives/\(objective)/periods?from=2026-11-01T00:00:00Z&to=2027-01-01T00:00:00Z", token: manager)
            let items = try #require(periods.json["items"] as? [[String: Any]])
            let november = try #require(items.first { $0["start"] as? String == "2026-11-01T00:00:00Z" })
            let december = try #require(items.first { $0["start"] as? String == "2026-12-01T00:00:00Z" })
            #expect(november["sla_status"] as? String == "breached" && november["target_source"] as? String == "standard terms", "\(november)")
            #expect(november["sla_target"] as? Double == 99.5 && november["credit_amount"] as? String == "100.00")
            #expect(december["sla_status"] as? String == "met" && december["target_source"] as? String == "season peak", "\(december)")
            #expect(december["sla_target"] as? Double == 99 && december["slo_target"] as? Double == 99.2 && december["credit_amount"] as? String == "0.00")
            // the records and the ledger agree: one breach, one credit
            let (found, _) = try await harness.repositories.objectives.find(id: objective, scope: .organisation)
            let breaches = try await harness.repositories.periodRecords.breaches(seriesID: found.seriesID)
            #expect(breaches.filter { $0.severity == "sla" }.map { RFC3339.format($0.periodStart) } == ["2026-11-01T00:00:00Z"])
            let credits = try await harness.repositories.credits.all(filter: .init(seriesID: found.seriesID), scope: .organisation)
            #expect(credits.map { RFC3339.format($0.periodStart) } == ["2026-11-01T00:00:00Z"])
            // the objective page names the season and the period it set; the vendor's copy has no SLO
            let page = try await harness.get("/objectives/\(objective)", as: try await harness.session(for: world.manager))
            #expect(page.text.contains("Season peak: 12-01 to 12-31 every year, SLA 99 %, SLO 99.2 %") && page.text.contains("season peak</span>"))
            let vendorPage = try await harness.get("/objectives/\(objective)", as: try await harness.session(for: world.vendorUserA))
            #expect(vendorPage.text.contains("Season peak: 12-01 to 12-31 every year, SLA 99 %") && !vendorPage.text.contains("SLO 99.2"))
            let vendorAPI = try await harness.api(.get, "/api/v1/objectives/\(objective)", token: try await harness.token(for: world.vendorUserA))
            let season = try #require((vendorAPI.json["seasons"] as? [[String: Any]])?.first)
            #expect(season["from"] as? String == "12-01" && season["sla_target"] as? Double == 99 && season["slo_target"] is NSNull)
            // an amendment keeps the seasons; the comparison shows them
            let amended = try await harness.api(
                .post, "/api/v1/agreements/\(agreementID)/versions", token: manager, json: #"{"effective_from":"2027-01-01","note":"next year"}"#)
            #expect((amended.json["objectives"] as? [[String: Any]])?.first?["seasons"] as? [[String: Any]] != nil)
            #expect(((amended.json["objectives"] as? [[String: Any]])?.first?["seasons"] as? [[String: Any]])?.count == 1)
        }
    }

    @Test func aTighterPeakBreachesWhatTheStandardTermsMeetWithTheSeasonsOwnTiers() async throws {
        try await Harness.run { harness in
            let (_, objective) = try await Self.agreement(
                harness,
                objective: #"{"name":"Edge","sli_kind":"ratio","sla_target":99.5,"slo_target":99.8,"window_kind":"calendar_month","credit_tiers":[{"threshold":99.5,"percent":10}],"seasons":[{"name":"peak","from":"11-01","to":"12-31","sla_target":99.8,"slo_target":99.9,"credit_tiers":[{"threshold":99.8,"percent":20}]}]}"#
            )
            // 99.6 % in October and in November
            try await Self.ingest(harness, objective: objective, [("2026-10-10T00:00:00Z", 996, 1000), ("2026-11-10T00:00:00Z", 996, 1000)])
            try await harness.repositories.periodRecords.syncSchedule()
            try await TestJobs.runAll(harness.repositories, at: RFC3339.parse("2026-12-05T00:00:00Z")!)
            let manager = try await harness.token(for: harness.world.manager)
            let periods = try await harness.api(
                .get, "/api/v1/objectives/\(objective)/periods?from=2026-10-01T00:00:00Z&to=2026-12-01T00:00:00Z", token: manager)
            let items = try #require(periods.json["items"] as? [[String: Any]])
            let october = try #require(items.first { $0["start"] as? String == "2026-10-01T00:00:00Z" })
            let november = try #require(items.first { $0["start"] as? String == "2026-11-01T00:00:00Z" })
            #expect(october["sla_status"] as? String == "met" && october["credit_amount"] as? String == "0.00")
            // the season's own tier: 20 % of 1,000
            #expect(november["sla_status"] as? String == "breached" && november["credit_amount"] as? String == "200.00", "\(november)")
        }
    }

    @Test func aRampCrossesAnAmendmentAndEndsInTheStandardTerms() async throws {
        try await Harness.run { harness in
            let manager = try await harness.token(for: harness.world.manager)
            // version 1 from January: 99.0 % to February, 99.3 % to April, then 99.5 %
            let (agreementID, objective) = try await Self.agreement(
                harness,
                objective: #"{"name":"Checkout","sli_kind":"ratio","sla_target":99.5,"slo_target":99.8,"window_kind":"calendar_month","ramp":[{"until":"2026-02-28","sla_target":99,"slo_target":99.3},{"until":"2026-04-30","sla_target":99.3,"slo_target":99.6}]}"#
            )
            // version 2 from April raises the standard target to 99.7 %; the ramp it copies still holds April
            let amended = try await harness.api(
                .post, "/api/v1/agreements/\(agreementID)/versions", token: manager, json: #"{"effective_from":"2026-04-01","note":"tighter"}"#)
            let copy = try #require((amended.json["objectives"] as? [[String: Any]])?.first)
            let copyID = try #require(copy["id"] as? Int)
            let patched = try await harness.api(
                .patch, "/api/v1/objectives/\(copyID)", token: manager, json: #"{"sla_target":99.7,"slo_target":99.85,"row_version":\#(copy["row_version"] as? Int ?? 0)}"#)
            #expect(patched.status == .ok, "\(patched.text)")
            let activated = try await harness.api(
                .post, "/api/v1/agreements/\(agreementID)/versions/2/activate", token: manager, json: #"{"row_version":\#(amended.json["row_version"] as? Int ?? 0)}"#)
            #expect(activated.status == .ok, "\(activated.text)")
            // 99.4 % every month from January to June
            try await Self.ingest(
                harness, objective: objective, (1...6).map { (String(format: "2026-%02d-10T00:00:00Z", $0), 994, 1000) })
            try await harness.repositories.periodRecords.syncSchedule()
            try await TestJobs.runAll(harness.repositories, at: RFC3339.parse("2026-07-05T00:00:00Z")!)
            let periods = try await harness.api(
                .get, "/api/v1/objectives/\(objective)/periods?from=2026-01-01T00:00:00Z&to=2026-07-01T00:00:00Z", token: manager)
            let items = try #require(periods.json["items"] as? [[String: Any]])
            func row(_ month: Int) -> [String: Any]? { items.first { $0["start"] as? String == String(format: "2026-%02d-01T00:00:00Z", month) } }
            // MUT: each period under its version and the step in force on its first day
            let expected: [(Int, Int, Double, String, String)] = [
                (1, 1, 99.0, "met", "ramp step 1 (to 2026-02-28)"), (2, 1, 99.0, "met", "ramp step 1 (to 2026-02-28)"),
                (3, 1, 99.3, "met", "ramp step 2 (to 2026-04-30)"), (4, 2, 99.3, "met", "ramp step 2 (to 2026-04-30)"),
                (5, 2, 99.7, "breached", "standard terms"), (6, 2, 99.7, "breached", "standard terms"),
            ]
            for (month, version, sla, status, source) in expected {
                let period = try #require(row(month), "month \(month)")
                #expect(period["version_number"] as? Int == version, "month \(month): \(period)")
                #expect(period["sla_target"] as? Double == sla && period["sla_status"] as? String == status, "month \(month): \(period)")
                #expect(period["target_source"] as? String == source, "month \(month)")
            }
        }
    }

    @Test func aStrategicReviewOfAVendorOnProbationMeetsMonthlyByDefaultAndQuarterlyOtherwise() async throws {
        try await Harness.run { harness in
            let world = harness.world
            let manager = try await harness.token(for: world.manager)
            let today = LocalDate.of(harness.clock.now, in: .gmt)
            // vendor A on probation to the end of next year; vendor B not
            _ = try await UseCases(repositories: harness.repositories, logger: TestDatabase.logger).editVendor(
                id: world.vendorA.id, VendorDraft(name: world.vendorA.name, probationUntil: LocalDate(year: today.year + 1, month: 12, day: 31)),
                expectedRowVersion: world.vendorA.rowVersion, scope: .organisation, actor: .system)
            func create(_ vendor: Int64) async throws -> [String: Any] {
                let created = try await harness.api(
                    .post, "/api/v1/reviews", token: manager,
                    json: #"{"title":"Business review","tier":"strategic","scope":"vendor:\#(vendor)","frequency":"usual","weekday":4,"start_time":"14:00","duration_minutes":90,"starts_on":"\#(today)"}"#)
                try #require(created.status == .created, "\(created.text)")
                return created.json
            }
            // MUT: the usual rhythm of a strategic review is quarterly, monthly while the vendor is on probation
            #expect(try await create(world.vendorA.id)["frequency"] as? String == "monthly")
            #expect(try await create(world.vendorB.id)["frequency"] as? String == "quarterly")
            // an explicit rule is kept as given
            let explicit = try await harness.api(
                .post, "/api/v1/reviews", token: manager,
                json: #"{"title":"Quarterly anyway","tier":"strategic","scope":"vendor:\#(world.vendorA.id)","frequency":"quarterly","weekday":4,"start_time":"14:00","duration_minutes":90,"starts_on":"\#(today)"}"#)
            #expect(explicit.json["frequency"] as? String == "quarterly")
        }
    }

    @Test func aSurgeClauseJudgesPeriodsAboveItsThresholdByItsRuleAtTheCloseAndInTheAPI() async throws {
        try await Harness.run { harness in
            let manager = try await harness.token(for: harness.world.manager)
            // the volume cap: a forecast of 1,000 a month, threshold 150 % = 1,500 valid events
            let (_, capped) = try await Self.agreement(
                harness,
                objective: #"{"name":"Orders","sli_kind":"ratio","sla_target":99.5,"slo_target":99.8,"window_kind":"calendar_month","credit_tiers":[{"threshold":99.5,"percent":10}],"surge":{"forecast":1000,"threshold_percent":150,"rule":"cap_volume"}}"#
            )
            // the relaxed target: above 1,500 the period is judged against 99 %
            let (_, relaxed) = try await Self.agreement(
                harness,
                objective: #"{"name":"Payments","sli_kind":"ratio","sla_target":99.5,"slo_target":99.8,"window_kind":"calendar_month","surge":{"forecast":1000,"threshold_percent":150,"rule":"relaxed_target","relaxed_sla_target":99,"relaxed_slo_target":99.3}}"#
            )
            // October: 1,500 perfect events, then a failing burst of 100 beyond the threshold; November: 1,499 then 1
            try await Self.ingest(harness, objective: capped, [("2026-10-05T00:00:00Z", 1500, 1500), ("2026-10-20T00:00:00Z", 0, 100), ("2026-11-05T00:00:00Z", 1400, 1499), ("2026-11-06T00:00:00Z", 1, 1)])
            // the relaxed one: October at the threshold (1,490 of 1,500, 99.33 %), November just above it (1,591 of 1,501 + 100)
            try await Self.ingest(harness, objective: relaxed, [("2026-10-05T00:00:00Z", 1490, 1500), ("2026-11-05T00:00:00Z", 1490, 1501)])
            try await harness.repositories.periodRecords.syncSchedule()
            try await TestJobs.runAll(harness.repositories, at: RFC3339.parse("2026-12-05T00:00:00Z")!)
            func periods(_ objective: Int64) async throws -> [String: [String: Any]] {
                let answer = try await harness.api(
                    .get, "/api/v1/objectives/\(objective)/periods?from=2026-10-01T00:00:00Z&to=2026-12-01T00:00:00Z", token: manager)
                let items = try #require(answer.json["items"] as? [[String: Any]])
                return Dictionary(uniqueKeysWithValues: items.compactMap { item in (item["start"] as? String).map { ($0, item) } })
            }
            // MUT: the cap counts the first 1,500: October is met (100 %), the 100 failing events beyond the threshold
            let cap = try await periods(capped)
            let october = try #require(cap["2026-10-01T00:00:00Z"])
            #expect(october["sla_status"] as? String == "met" && october["good_exact"] as? String == "1500" && october["valid_exact"] as? String == "1500", "\(october)")
            let surge = try #require(october["surge"] as? [String: Any])
            #expect(surge["applied"] as? Bool == true && surge["volume"] as? String == "1600" && surge["threshold"] as? String == "1500")
            #expect(surge["beyond_valid"] as? String == "100" && surge["beyond_good"] as? String == "0")
            #expect(october["credit_amount"] as? String == "0.00")
            // November stays at 1,500 exactly: the clause does not apply, and 1,401 of 1,500 is a breach with its credit
            let november = try #require(cap["2026-11-01T00:00:00Z"])
            #expect((november["surge"] as? [String: Any])?["applied"] as? Bool == false && november["sla_status"] as? String == "breached")
            #expect(november["credit_amount"] as? String == "100.00")
            // the relaxed target: at the threshold the standard 99.5 % (breached), just above it 99 % (met)
            let relax = try await periods(relaxed)
            #expect(relax["2026-10-01T00:00:00Z"]?["sla_status"] as? String == "breached" && relax["2026-10-01T00:00:00Z"]?["sla_target"] as? Double == 99.5)
            #expect(relax["2026-11-01T00:00:00Z"]?["sla_status"] as? String == "met" && relax["2026-11-01T00:00:00Z"]?["sla_target"] as? Double == 99)
            // the records the close made agree: one breach each, in November for the cap and October for the relaxed clause
            for (objective, month) in [(capped, "2026-11-01T00:00:00Z"), (relaxed, "2026-10-01T00:00:00Z")] {
                let (found, _) = try await harness.repositories.objectives.find(id: objective, scope: .organisation)
                let breaches = try await harness.repositories.periodRecords.breaches(seriesID: found.seriesID).filter { $0.severity == "sla" }
                #expect(breaches.map { RFC3339.format($0.periodStart) } == [month], "\(objective)")
            }
            // the period page says what the clause did
            let page = try await harness.get("/objectives/\(capped)/periods/2026-10-01T00:00:00Z", as: try await harness.session(for: harness.world.manager))
            #expect(page.text.contains("Surge clause applied: volume 1,600 above the threshold of 1,500; 1,500 valid events count (1,500 good), 100 are beyond the surge threshold"), "\(page.text)")
        }
    }
    @Test func aProposalSetsARampThatTheWhatIfReplaysPeriodByPeriodAndTheNewVersionKeeps() async throws {
        try await Harness.run { harness in
            let world = harness.world
            try await ReviewGovernanceTests.threeMonths(harness)
            let manager = try await harness.token(for: world.manager)
            let alpha = try await harness.token(for: world.vendorUserA)
            let beta = try await harness.token(for: world.vendorUserB)
            let path = "/api/v1/agreements/\(world.agreementA.id)/proposals"
            let effective = try #require(LocalDate.of(harness.clock.now, in: .gmt).adding(days: 40))
            func body(_ ramp: String) -> String {
                #"{"title":"A ramp after the migration","rationale":"The new platform settles in.","effective_from":"\#(effective)","replay_periods":3,"changes":[{"series_id":\#(world.objectiveA.seriesID),"ramp":\#(ramp)}]}"#
            }
            // validation: a vendor may not propose a ramp (its steps carry the internal SLO); a step inside a month and one without an SLO are refused
            let byVendor = try await harness.api(.post, path, token: alpha, json: body(#"[{"until":"2026-10-31","sla_target":"99.8"}]"#))
            #expect(byVendor.status == .unprocessableContent && byVendor.text.contains("changes[0].ramp"), "\(byVendor.text)")
            let inside = try await harness.api(.post, path, token: manager, json: body(#"[{"until":"2027-02-15","sla_target":"99.8","slo_target":"99.9"}]"#))
            #expect(inside.status == .unprocessableContent && inside.text.contains("ends inside a calendar month"), "\(inside.text)")
            let noSLO = try await harness.api(.post, path, token: manager, json: body(#"[{"until":"2026-10-31","sla_target":"99.8"}]"#))
            #expect(noSLO.status == .unprocessableContent && noSLO.text.contains("needs its SLO target"), "\(noSLO.text)")
            #expect(try await harness.api(.post, path, token: beta, json: body("[]")).status == .notFound)
            // MUT: the customer proposes 99.8 % to October and 99.4 % to January
            let made = try await harness.api(
                .post, path, token: manager,
                json: body(#"[{"until":"2026-10-31","sla_target":"99.8","slo_target":"99.9"},{"until":"2027-01-31","sla_target":"99.4","slo_target":"99.6"}]"#))
            #expect(made.status == .created, "\(made.text)")
            let id = try #require(made.json["id"] as? Int)
            // the replay by hand (fee 1,000, 10 % below 99.9; a step keeps the standard tiers at or below its SLA: none):
            // Sep 99.96 met / met under step 1; Oct 99.85 breached (100) / met under step 1 (0); Nov 99.5 breached (100) / met under step 2 (0)
            let replay = try #require((made.json["what_if"] as? [[String: Any]])?.first)
            let rows = try #require(replay["rows"] as? [[String: Any]])
            #expect(rows.map { $0["current_status"] as? String } == ["met", "breached", "breached"], "\(rows)")
            #expect(rows.map { $0["proposed_status"] as? String } == ["met", "met", "met"], "\(rows)")
            #expect(rows.map { "\($0["proposed_credit"] ?? "")" } == ["0", "0", "0"] && "\(replay["credit_difference"] ?? "")" == "-200")
            // each row names the SLA each side judged it against; the page says so where a step set it
            #expect(rows.map { $0["proposed_sla_target"] as? Double } == [99.8, 99.8, 99.4] && rows.allSatisfy { $0["current_sla_target"] as? Double == 99.9 })
            let customerPage = try await harness.get("/proposals/\(id)", as: try await harness.session(for: world.manager))
            #expect(customerPage.text.contains("met (SLA 99.4 %)") && customerPage.text.contains("met (SLA 99.8 %)"), "\(customerPage.text)")
            // the vendor reads the ramp's SLA steps, never their SLO
            let seen = try await harness.api(.get, "/api/v1/proposals/\(id)", token: alpha)
            #expect(seen.status == .ok && seen.text.contains("99.4") && !seen.text.contains("99.6") && !seen.text.contains("99.95"), "\(seen.text)")
            let page = try await harness.get("/proposals/\(id)", as: try await harness.session(for: world.vendorUserA))
            #expect(page.text.contains("ramp to") && page.text.contains("SLA 99.4 %") && !page.text.contains("SLO 99.6"), "\(page.text)")
            #expect(try await harness.api(.get, "/api/v1/proposals/\(id)", token: beta).status == .notFound)
            // the vendor accepts: version 2 carries the ramp; the second step judges the periods to January
            let accepted = try await harness.api(.post, "/api/v1/proposals/\(id)/accept", token: alpha, json: "{}")
            #expect(accepted.status == .ok && accepted.json["applied_version"] as? Int == 2, "\(accepted.text)")
            let versions = try await harness.repositories.versions.list(agreementID: world.agreementA.id, scope: .organisation)
            let latest = try #require(versions.last?.id)
            let objective = try #require(try await harness.repositories.objectives.list(versionID: latest, scope: .organisation).first)
            #expect(objective.movingTerms.ramp == [
                RampStep(until: LocalDate("2026-10-31")!, slaTarget: Decimal(string: "99.8")!, sloTarget: Decimal(string: "99.9")!),
                RampStep(until: LocalDate("2027-01-31")!, slaTarget: Decimal(string: "99.4")!, sloTarget: Decimal(string: "99.6")!),
            ])
            #expect(objective.inForce(forPeriodStarting: LocalDate("2027-01-01")!).slaTarget == Decimal(string: "99.4"))
            #expect(objective.inForce(forPeriodStarting: LocalDate("2027-02-01")!).slaTarget == Decimal(string: "99.9"))
            // a later proposal ends the ramp through the form ("none")
            let session = try await harness.session(for: world.manager)
            let form = try await harness.get("/agreements/\(world.agreementA.id)/proposals/new", as: session)
            #expect(form.text.contains("changes.0.ramp"), "\(form.text)")
            let ended = try await harness.post(
                "/agreements/\(world.agreementA.id)/proposals",
                [
                    ("title", "End the ramp"), ("rationale", "Settled."), ("effective_from", "\(try #require(effective.adding(days: 40)))"), ("replay_periods", "3"),
                    ("changes.0.series_id", "\(world.objectiveA.seriesID)"), ("changes.0.ramp", "none"),
                ], as: session)
            #expect(ended.status == .seeOther, "\(ended.text)")
            let listed = try await harness.api(.get, "/api/v1/proposals?open=true", token: manager)
            #expect(listed.text.contains(#""ramp":[]"#), "\(listed.text)")
        }
    }
    @Test func burnRatesUseTheSLOInForceNotTheSurgeRelaxationOnceTheOpenPeriodPassesItsThreshold() async throws {
        try await Harness.run(now: RFC3339.parse("2026-11-20T12:30:00Z")!) { harness in
            // setup: above 1,500 valid events a month the period is judged against 99 / 99.3 %
            let (_, relaxed) = try await Self.agreement(
                harness,
                objective: #"{"name":"Payments","sli_kind":"ratio","sla_target":99.5,"slo_target":99.8,"window_kind":"calendar_month","surge":{"forecast":1000,"threshold_percent":150,"rule":"relaxed_target","relaxed_sla_target":99,"relaxed_slo_target":99.3}}"#
            )
            // November so far: 1,500 perfect events, then 10 bad of 100 in the last hours (1,600: past the threshold)
            try await Self.ingest(harness, objective: relaxed, [("2026-11-05T00:00:00Z", 1500, 1500), ("2026-11-20T11:00:00Z", 90, 100)])
            // MUT
            let status = try await harness.api(.get, "/api/v1/objectives/\(relaxed)/status", token: try await harness.token(for: harness.world.manager))
            // validation: the period so far names the relaxed SLO; the burn rate spends the standard one (0.1 / 0.002 = 50, not 0.1 / 0.007)
            #expect(status.status == .ok, "\(status.text)")
            let rates = try #require(status.json["burn_rates"] as? [[String: Any]])
            #expect(rates.first { $0["window"] as? String == "6h" }?["burn_rate"] as? Double == 50, "\(rates)")
        }
    }

    @Test func aSurgeRelaxationIsNeverStricterThanTheStepInForceAndTheWhatIfRelaxesAsTheCloseDid() async throws {
        try await Harness.run { harness in
            let manager = try await harness.token(for: harness.world.manager)
            let alpha = try await harness.token(for: harness.world.vendorUserA)
            // SLA 99.5 %, a first step to October at 98 %, and above 1,500 events a relaxed 99 %
            let (agreementID, objective) = try await Self.agreement(
                harness,
                objective: #"{"name":"Payments","sli_kind":"ratio","sla_target":99.5,"slo_target":99.8,"window_kind":"calendar_month","ramp":[{"until":"2026-10-31","sla_target":98,"slo_target":98.5}],"surge":{"forecast":1000,"threshold_percent":150,"rule":"relaxed_target","relaxed_sla_target":99,"relaxed_slo_target":99.3}}"#
            )
            // October 98.75 % and November 99.375 %, both above the threshold
            try await Self.ingest(harness, objective: objective, [("2026-10-05T00:00:00Z", 1580, 1600), ("2026-11-05T00:00:00Z", 1590, 1600)])
            try await harness.repositories.periodRecords.syncSchedule()
            try await TestJobs.runAll(harness.repositories, at: RFC3339.parse("2026-12-05T00:00:00Z")!)
            // MUT: October is judged against the step's 98 % (the relaxation does not tighten it), November against 99 %
            let answer = try await harness.api(
                .get, "/api/v1/objectives/\(objective)/periods?from=2026-10-01T00:00:00Z&to=2026-12-01T00:00:00Z", token: manager)
            let items = try #require(answer.json["items"] as? [[String: Any]])
            let byStart = Dictionary(uniqueKeysWithValues: items.compactMap { item in (item["start"] as? String).map { ($0, item) } })
            let october = try #require(byStart["2026-10-01T00:00:00Z"])
            let november = try #require(byStart["2026-11-01T00:00:00Z"])
            #expect(october["sla_target"] as? Double == 98 && october["sla_status"] as? String == "met", "\(october)")
            #expect(november["sla_target"] as? Double == 99 && november["sla_status"] as? String == "met", "\(november)")
            // the what-if judges both periods as the close did, under the current and the proposed terms
            let (found, _) = try await harness.repositories.objectives.find(id: objective, scope: .organisation)
            let effective = try #require(LocalDate.of(harness.clock.now, in: .gmt).adding(days: 40))
            func body(_ change: String) -> String {
                #"{"title":"Tighter","rationale":"Settled.","effective_from":"\#(effective)","replay_periods":2,"changes":[{"series_id":\#(found.seriesID),\#(change)}]}"#
            }
            let path = "/api/v1/agreements/\(agreementID)/proposals"
            let made = try await harness.api(.post, path, token: manager, json: body(#""sla_target":"99.6","slo_target":"99.85""#))
            #expect(made.status == .created, "\(made.text)")
            let rows = try #require(((made.json["what_if"] as? [[String: Any]])?.first)?["rows"] as? [[String: Any]])
            #expect(rows.map { $0["current_status"] as? String } == ["met", "met"] && rows.map { $0["proposed_status"] as? String } == ["met", "met"], "\(rows)")
            // validation: an SLA below the clause's relaxed target is refused when proposed, not first when accepted
            let below = try await harness.api(.post, path, token: manager, json: body(#""sla_target":"98.9","slo_target":"99.5""#))
            #expect(below.status == .unprocessableContent && below.text.contains("changes[0].sla_target") && below.text.contains("relaxed"), "\(below.text)")
            // a vendor hears that it does not fit, without the customer's internal figures
            let vendor = try await harness.api(.post, path, token: alpha, json: body(#""sla_target":"98.9""#))
            #expect(vendor.status == .unprocessableContent && vendor.text.contains("does not fit") && !vendor.text.contains("99.3") && !vendor.text.contains("99.8"), "\(vendor.text)")
            // a ramp that ends before the new terms take effect would never apply, and a ramp must be a list
            let early = try await harness.api(.post, path, token: manager, json: body(#""ramp":[{"until":"2026-12-31","sla_target":"98","slo_target":"98.5"}]"#))
            #expect(early.status == .unprocessableContent && early.text.contains("would never apply"), "\(early.text)")
            let object = try await harness.api(.post, path, token: manager, json: body(#""ramp":{"until":"2027-12-31"}"#))
            #expect(object.status == .unprocessableContent && object.text.contains("list of steps"), "\(object.text)")
            let twoDots = try await harness.api(.post, path, token: manager, json: body(#""ramp":[{"until":"2027-12-31","sla_target":"99.5.3","slo_target":"99.8"}]"#))
            #expect(twoDots.status == .unprocessableContent, "\(twoDots.text)")
        }
    }
    @Test func aProposalSetsSeasonsWithTheirOwnTiersReplayedAndKeptByTheNewVersion() async throws {
        try await Harness.run { harness in
            let world = harness.world
            try await ReviewGovernanceTests.threeMonths(harness)
            let manager = try await harness.token(for: world.manager)
            let alpha = try await harness.token(for: world.vendorUserA)
            let path = "/api/v1/agreements/\(world.agreementA.id)/proposals"
            let effective = try #require(LocalDate.of(harness.clock.now, in: .gmt).adding(days: 40))
            func body(_ seasons: String) -> String {
                #"{"title":"An autumn season","rationale":"Migrations run in autumn.","effective_from":"\#(effective)","replay_periods":3,"changes":[{"series_id":\#(world.objectiveA.seriesID),"seasons":\#(seasons)}]}"#
            }
            let autumn = #"[{"name":"autumn","from":"10-01","to":"11-30","sla_target":"99.5","slo_target":"99.7","credit_tiers":[{"threshold":"99.5","percent":"5"}]}]"#
            // validation: a vendor may not propose seasons; a season starting inside a month is refused
            let byVendor = try await harness.api(.post, path, token: alpha, json: body(#"[{"name":"autumn","from":"10-01","to":"11-30","sla_target":"99.5"}]"#))
            #expect(byVendor.status == .unprocessableContent && byVendor.text.contains("changes[0].seasons"), "\(byVendor.text)")
            let inside = try await harness.api(
                .post, path, token: manager, json: body(#"[{"name":"autumn","from":"10-15","to":"11-30","sla_target":"99.5","slo_target":"99.7"}]"#))
            #expect(inside.status == .unprocessableContent && inside.text.contains("inside a calendar month"), "\(inside.text)")
            // MUT: autumn at 99.5 % with its own 5 % tier. By hand: Sep 99.96 met / met (standard); Oct 99.85 breached (100) /
            // met (0); Nov 99.5 breached (100) / met at exactly 99.5 (0)
            let made = try await harness.api(.post, path, token: manager, json: body(autumn))
            #expect(made.status == .created, "\(made.text)")
            let id = try #require(made.json["id"] as? Int)
            let rows = try #require(((made.json["what_if"] as? [[String: Any]])?.first)?["rows"] as? [[String: Any]])
            #expect(rows.map { $0["current_status"] as? String } == ["met", "breached", "breached"], "\(rows)")
            #expect(rows.map { $0["proposed_status"] as? String } == ["met", "met", "met"], "\(rows)")
            #expect(rows.map { $0["proposed_sla_target"] as? Double } == [99.9, 99.5, 99.5] && rows.map { "\($0["proposed_credit"] ?? "")" } == ["0", "0", "0"])
            // the vendor reads the season's SLA and tiers, never its SLO
            let seen = try await harness.api(.get, "/api/v1/proposals/\(id)", token: alpha)
            #expect(seen.status == .ok && seen.text.contains("autumn") && !seen.text.contains("99.7"), "\(seen.text)")
            // the vendor accepts: version 2 keeps the season with its tiers
            let accepted = try await harness.api(.post, "/api/v1/proposals/\(id)/accept", token: alpha, json: "{}")
            #expect(accepted.status == .ok && accepted.json["applied_version"] as? Int == 2, "\(accepted.text)")
            let versions = try await harness.repositories.versions.list(agreementID: world.agreementA.id, scope: .organisation)
            let latest = try #require(versions.last?.id)
            let objective = try #require(try await harness.repositories.objectives.list(versionID: latest, scope: .organisation).first)
            #expect(objective.movingTerms.seasons.map(\.name) == ["autumn"] && objective.movingTerms.seasons.first?.creditTiers?.first?.percent == 5)
            #expect(objective.inForce(forPeriodStarting: LocalDate("2027-10-01")!).slaTarget == Decimal(string: "99.5"))
            // through the form: seasons written as text, and "none" ends them
            let session = try await harness.session(for: world.manager)
            let form = try await harness.get("/agreements/\(world.agreementA.id)/proposals/new", as: session)
            #expect(form.text.contains("changes.0.seasons"))
            let later = try #require(effective.adding(days: 40))
            let typed = try await harness.post(
                "/agreements/\(world.agreementA.id)/proposals",
                [
                    ("title", "Winter too"), ("rationale", "Peak."), ("effective_from", "\(later)"), ("replay_periods", "3"),
                    ("changes.0.series_id", "\(world.objectiveA.seriesID)"), ("changes.0.seasons", "winter peak 12-01 01-31 99.6 99.8; autumn 10-01 11-30 99.5 99.7"),
                ], as: session)
            #expect(typed.status == .seeOther, "\(typed.text)")
            let garbled = try await harness.post(
                "/agreements/\(world.agreementA.id)/proposals",
                [
                    ("title", "Garbled"), ("rationale", "x"), ("effective_from", "\(later)"), ("changes.0.series_id", "\(world.objectiveA.seriesID)"),
                    ("changes.0.seasons", "11-01 12-31 99.6 99.8"),
                ], as: session)
            #expect(garbled.status == .unprocessableContent && garbled.text.contains("value=\"11-01 12-31 99.6 99.8\""), "\(garbled.text)")
            let listed = try await harness.api(.get, "/api/v1/proposals?open=true", token: manager)
            #expect(listed.text.contains("winter peak"), "\(listed.text)")
        }
    }
}
