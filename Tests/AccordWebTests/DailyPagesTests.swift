import AccordApplication
import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import HummingbirdTesting
import Testing

/// The pages a contract manager lives in: vendor-facing figures, versions side by side, credits that lead to their
/// history and totals, uploads that end with what they changed, and forms that fit what is chosen.
@Suite("Daily pages")
struct DailyPagesTests {
    /// A withheld figure: null in the answer (every documented field is present).
    static func withheld(_ value: Any?) -> Bool { value == nil || value is NSNull }

    static let governance = """
        {"notice_hours":72,"dispute_window_days":30,"rca_due_business_days":5,"rca_on_sla_breach":true,"row_version":0,"share_internal_figures":true}
        """

    @Test func aVendorSeesTheSLANotTheInternalSLOBudgetOrAlertsUnlessTheAgreementSharesThem() async throws {
        try await Harness.run { harness in
            // setup: October closed below the SLA, so there are periods, a breach and a credit
            try await CreditAndPortfolioTests.closeOctober(harness)
            let world = harness.world
            let objective = world.objectiveA.id
            let vendor = try await harness.token(for: world.vendorUserA)
            let manager = try await harness.token(for: world.manager)
            let vendorSession = try await harness.session(for: world.vendorUserA)
            let managerSession = try await harness.session(for: world.manager)
            let october = "2026-10-01T00:00:00Z"
            // MUT: the vendor's API answers leave out the SLO, the budget, burn rates and alerts
            let shown = try await harness.api(.get, "/api/v1/objectives/\(objective)", token: vendor)
            #expect(shown.status == .ok && shown.json["sla_target"] != nil && Self.withheld(shown.json["slo_target"]), "\(shown.text)")
            let periods = try await harness.api(.get, "/api/v1/objectives/\(objective)/periods", token: vendor)
            let items = try #require(periods.json["items"] as? [[String: Any]])
            #expect(!items.isEmpty && items.allSatisfy { Self.withheld($0["slo_target"]) && Self.withheld($0["slo_status"]) && Self.withheld($0["budget_remaining"]) })
            #expect(items.contains { $0["sla_status"] as? String == "breached" })
            let status = try await harness.api(.get, "/api/v1/objectives/\(objective)/status", token: vendor)
            #expect((status.json["burn_rates"] as? [Any])?.isEmpty == true && (status.json["alert_history"] as? [Any])?.isEmpty == true)
            let lineage = try await harness.api(.get, "/api/v1/objectives/\(objective)/periods/\(october)/lineage", token: vendor)
            #expect(lineage.status == .ok && Self.withheld((lineage.json["period"] as? [String: Any])?["slo_target"]))
            let version = try await harness.api(.get, "/api/v1/agreements/\(world.agreementA.id)/versions/1", token: vendor)
            #expect(Self.withheld((version.json["objectives"] as? [[String: Any]])?.first?["slo_target"]) && version.json["objectives"] != nil)
            // and its pages: the SLA and its status, no SLO, budget, burn rates or alert history; no customer wording
            let page = try await harness.get("/objectives/\(objective)", as: vendorSession)
            #expect(page.status == .ok && page.text.contains("99.9 %"))
            #expect(!page.text.contains("SLO target") && !page.text.contains("99.95") && !page.text.contains("Error budget"))
            #expect(!page.text.contains("Burn rates") && !page.text.contains("Alert history"))
            let lineagePage = try await harness.get("/objectives/\(objective)/periods/\(october)", as: vendorSession)
            #expect(lineagePage.status == .ok && !lineagePage.text.contains("99.95") && !lineagePage.text.contains("Error budget"))
            let agreementPage = try await harness.get("/agreements/\(world.agreementA.id)", as: vendorSession)
            #expect(!agreementPage.text.contains("99.95") && !agreementPage.text.contains("Amend the agreement"))
            #expect(agreementPage.text.contains("propose new ones"))
            let dashboard = try await harness.get("/dashboard", as: vendorSession)
            #expect(dashboard.status == .ok && dashboard.text.contains("Availability") && !dashboard.text.contains(">SLO<"))
            #expect(!dashboard.text.contains("burn-rate alert") && !dashboard.text.contains("Least budget left first"))
            // the customer's people see everything
            #expect(try await harness.api(.get, "/api/v1/objectives/\(objective)", token: manager).json["slo_target"] as? Double == 99.95)
            let customerPage = try await harness.get("/objectives/\(objective)", as: managerSession)
            #expect(customerPage.text.contains("SLO target") && customerPage.text.contains("99.95") && customerPage.text.contains("Error budget"))
            #expect(try await harness.get("/dashboard", as: managerSession).text.contains(">SLO<"))
            // once the agreement shares its internal figures, the vendor sees them too; the other vendor's agreement does not share
            let saved = try await harness.api(.put, "/api/v1/agreements/\(world.agreementA.id)/governance", token: manager, json: Self.governance)
            #expect(saved.status == .ok && saved.json["share_internal_figures"] as? Bool == true, "\(saved.text)")
            #expect(try await harness.api(.get, "/api/v1/objectives/\(objective)", token: vendor).json["slo_target"] as? Double == 99.95)
            let sharedPeriods = try await harness.api(.get, "/api/v1/objectives/\(objective)/periods", token: vendor)
            #expect((sharedPeriods.json["items"] as? [[String: Any]])?.first?["slo_target"] as? Double == 99.95)
            #expect(try await harness.get("/objectives/\(objective)", as: vendorSession).text.contains("SLO target"))
            #expect(try await harness.get("/dashboard", as: vendorSession).text.contains(">SLO<"))
            let betaToken = try await harness.token(for: world.vendorUserB)
            #expect(Self.withheld(try await harness.api(.get, "/api/v1/objectives/\(world.objectiveB.id)", token: betaToken).json["slo_target"]))
        }
    }

    @Test func twoVersionsCompareSideBySideWithTheChangedTermsMarked() async throws {
        try await Harness.run { harness in
            let world = harness.world
            let manager = try await harness.token(for: world.manager)
            // setup: version 2 lowers the SLA target and adds an objective
            let amended = try await harness.api(
                .post, "/api/v1/agreements/\(world.agreementA.id)/versions", token: manager, json: #"{"effective_from":"2027-01-01","note":"Renegotiated"}"#)
            #expect(amended.status == .created, "\(amended.text)")
            let objectives = try #require(amended.json["objectives"] as? [[String: Any]])
            let copied = try #require(objectives.first?["id"] as? Int)
            let rowVersion = try #require(objectives.first?["row_version"] as? Int)
            #expect(
                try await harness.api(.patch, "/api/v1/objectives/\(copied)", token: manager, json: #"{"sla_target":99.5,"row_version":\#(rowVersion)}"#)
                    .status == .ok)
            #expect(
                try await harness.api(
                    .post, "/api/v1/agreements/\(world.agreementA.id)/versions/2/objectives", token: manager,
                    json: #"{"name":"Latency","sli_kind":"ratio","sla_target":99,"slo_target":99.5,"window_kind":"calendar_month"}"#
                ).status == .created)
            // MUT: the API compares the latest two by default
            let compared = try await harness.api(.get, "/api/v1/agreements/\(world.agreementA.id)/versions/compare", token: manager)
            #expect(compared.status == .ok, "\(compared.text)")
            #expect(compared.json["from_version"] as? Int == 1 && compared.json["to_version"] as? Int == 2)
            let rows = try #require(compared.json["rows"] as? [[String: Any]])
            let availability = try #require(rows.first { $0["objective"] as? String == "Availability" })
            #expect(availability["change"] as? String == "changed")
            let terms = try #require(availability["terms"] as? [[String: Any]])
            let sla = try #require(terms.first { $0["name"] as? String == "SLA target" })
            #expect(sla["from"] as? String == "99.9 %" && sla["to"] as? String == "99.5 %" && sla["changed"] as? Bool == true)
            #expect(terms.first { $0["name"] as? String == "Window" }?["changed"] as? Bool == false)
            #expect(rows.first { $0["objective"] as? String == "Latency" }?["change"] as? String == "added")
            let version = try #require(compared.json["version"] as? [[String: Any]])
            #expect(version.first { $0["name"] as? String == "Note" }?["to"] as? String == "Renegotiated")
            // a number the agreement has no version of is refused naming its field
            let bad = try await harness.api(.get, "/api/v1/agreements/\(world.agreementA.id)/versions/compare?from=9", token: manager)
            #expect(bad.status == .unprocessableContent && bad.text.contains("from"))
            // the page highlights the changed terms; the vendor's copy has no SLO
            let session = try await harness.session(for: world.manager)
            let page = try await harness.get("/agreements/\(world.agreementA.id)/compare?from=1&to=2", as: session)
            #expect(page.status == .ok && page.text.contains("<tr class=\"changed\"><th scope=\"row\">SLA target</th><td>99.9 %</td><td>99.5 %"))
            #expect(page.text.contains("SLO target (internal)"))
            #expect(try await harness.get("/agreements/\(world.agreementA.id)", as: session).text.contains("Compare side by side"))
            let vendor = try await harness.session(for: world.vendorUserA)
            let vendorPage = try await harness.get("/agreements/\(world.agreementA.id)/compare", as: vendor)
            #expect(vendorPage.status == .ok && !vendorPage.text.contains("SLO target") && !vendorPage.text.contains("99.95"))
            #expect(try await harness.get("/agreements/\(world.agreementB.id)/compare", as: vendor).status == .notFound)
        }
    }

    @Test func creditsAreApprovedTogetherAllOrNoneWithTheirHistoryAndTotals() async throws {
        try await Harness.run { harness in
            try await CreditAndPortfolioTests.closeOctober(harness)
            let world = harness.world
            let manager = try await harness.token(for: world.manager)
            let credits = try await harness.repositories.credits.all(filter: .init(), scope: .organisation)
            #expect(credits.count == 2)
            let (first, second) = (credits[0], credits[1])
            // MUT: one stale row version refuses the whole batch, naming its row; nothing changes
            let stale = try await harness.api(
                .post, "/api/v1/credits/approve", token: manager,
                json: #"{"credits":[{"id":\#(first.id),"row_version":\#(first.rowVersion)},{"id":\#(second.id),"row_version":\#(second.rowVersion + 5)}]}"#)
            #expect(stale.status == .unprocessableContent && stale.text.contains("changed since it was read"), "\(stale.text)")
            #expect(try await harness.repositories.credits.all(filter: .init(status: .computed), scope: .organisation).count == 2)
            // a vendor may not approve
            let vendor = try await harness.token(for: world.vendorUserA)
            #expect(
                try await harness.api(.post, "/api/v1/credits/approve", token: vendor, json: #"{"credits":[{"id":\#(first.id),"row_version":1}]}"#)
                    .status == .forbidden)
            // the page approves both
            let session = try await harness.session(for: world.manager)
            let ledger = try await harness.get("/credits", as: session)
            #expect(ledger.text.contains("value=\"\(first.id):\(first.rowVersion)\"") && ledger.text.contains("Approve the ticked credits"))
            #expect(ledger.text.contains("Totals per quarter, vendor and currency") && ledger.text.contains("2026 Q4"))
            let approved = try await harness.post(
                "/credits/approve", [("credit", "\(first.id):\(first.rowVersion)"), ("credit", "\(second.id):\(second.rowVersion)"), ("return", "/credits")],
                as: session)
            #expect(approved.status == .seeOther)
            #expect(try await harness.repositories.credits.all(filter: .init(status: .approved), scope: .organisation).count == 2)
            // approving again is refused whole, saying why
            let again = try await harness.post("/credits/approve", [("credit", "\(first.id):\(first.rowVersion + 1)")], as: session)
            #expect(again.status == .unprocessableContent && again.text.contains("Nothing was approved") && again.text.contains("cannot be approved"))
            // the history says who approved it and when; the vendor reads the customer's people as "the customer"
            let history = try await harness.api(.get, "/api/v1/credits/\(first.id)/history", token: manager)
            let steps = try #require(history.json["items"] as? [[String: Any]])
            #expect(steps.map { $0["action"] as? String } == ["create", "approve"])
            #expect((steps.last?["by"] as? String)?.contains(world.manager.email) == true)
            let vendorCredit = try #require(credits.first { $0.vendorID == world.vendorA.id })
            let vendorHistory = try await harness.api(.get, "/api/v1/credits/\(vendorCredit.id)/history", token: vendor)
            #expect((vendorHistory.json["items"] as? [[String: Any]])?.last?["by"] as? String == "the customer")
            let otherCredit = try #require(credits.first { $0.vendorID == world.vendorB.id })
            #expect(try await harness.api(.get, "/api/v1/credits/\(otherCredit.id)/history", token: vendor).status == .notFound)
            let shownCredit = try await harness.get("/credits/\(first.id)", as: session)
            #expect(shownCredit.text.contains("Computed at the period&#39;s close by Accord") && shownCredit.text.contains("Approved by \(world.manager.name)"))
            // totals per quarter, vendor and currency; a vendor's only its own
            let summary = try await harness.api(.get, "/api/v1/credits/summary", token: manager)
            let totals = try #require(summary.json["items"] as? [[String: Any]])
            #expect(totals.count == 2 && totals.allSatisfy { $0["quarter"] as? String == "2026 Q4" && $0["currency"] as? String == "EUR" })
            let alpha = try #require(totals.first { $0["vendor_id"] as? Int == Int(world.vendorA.id) })
            #expect(alpha["owed"] as? Double == Double(truncating: vendorCredit.amount as NSNumber) && alpha["credits"] as? Int == 1)
            let vendorTotals = try await harness.api(.get, "/api/v1/credits/summary", token: vendor)
            #expect((vendorTotals.json["items"] as? [[String: Any]])?.count == 1)
        }
    }

    @Test func anUploadEndsWithThePeriodsItChangedTheirBreachesAndCredits() async throws {
        try await Harness.run { harness in
            try await CreditAndPortfolioTests.closeOctober(harness, goodA: 1000)
            let world = harness.world
            let analyst = try await harness.token(for: world.analyst)
            #expect(try await harness.repositories.credits.all(filter: .init(vendorID: world.vendorA.id), scope: .organisation).isEmpty)
            // MUT: late data pushes October below the SLA: the answer names the period, its new revision, the breach and the credit
            let late = try await harness.api(
                .post, "/api/v1/objectives/\(world.objectiveA.id)/measurements", token: analyst,
                json: #"{"source":"late","buckets":[{"start":"2026-10-20T00:00:00Z","end":"2026-10-20T01:00:00Z","good":0,"valid":10}]}"#)
            #expect(late.status == .created, "\(late.text)")
            let periods = try #require(late.json["periods"] as? [[String: Any]])
            #expect(periods.count == 1)
            let october = try #require(periods.first)
            #expect(october["start"] as? String == "2026-10-01T00:00:00Z" && october["closed"] as? Bool == true && october["label"] as? String == "Oct 2026")
            #expect(october["status"] as? String == "breached" && october["breached"] as? Bool == true && october["revision"] as? Int == 2)
            let credit = try #require(try await harness.repositories.credits.all(filter: .init(vendorID: world.vendorA.id), scope: .organisation).first)
            #expect(october["credit_id"] as? Int == Int(credit.id))
            // the upload page says the same, with links to the period's lineage and its credit
            let session = try await harness.session(for: world.analyst)
            let page = try await UploadPageTests.upload(
                harness, objective: world.objectiveA.id, session: session, file: "start,end,good,valid\n2026-10-21T00:00:00Z,2026-10-21T01:00:00Z,5,10\n")
            #expect(page.status == .ok, "\(page.text)")
            #expect(page.text.contains("What the upload changed") && page.text.contains("1 breached, 1 with a credit recorded"))
            #expect(page.text.contains("href=\"/objectives/\(world.objectiveA.id)/periods/2026-10-01T00:00:00Z\">Oct 2026</a>"))
            #expect(page.text.contains("href=\"/credits/\(credit.id)\"") && page.text.contains("revision 3: the figure changed"))
            // a link whose instant a script percent-encoded reaches the same period
            let encoded = try await harness.get("/objectives/\(world.objectiveA.id)/periods/2026-10-01T00%3A00%3A00Z", as: session)
            #expect(encoded.status == .ok && encoded.text.contains("late"))
        }
    }

    @Test func formsShowTheFieldsOfTheKindChosenAndGrowRowsOnRequest() async throws {
        try await Harness.run { harness in
            let world = harness.world
            let session = try await harness.session(for: world.manager)
            // the agreement form marks the fields of each kind; the style sheet shows only those of the kind chosen
            let form = try await harness.get("/agreements/new?kind=vendor", as: session)
            #expect(form.text.contains("<div class=\"field for-vendor\">\n    <label for=\"vendor_id\">"))
            #expect(form.text.contains("<div class=\"field for-master\">\n    <label for=\"service_id\">"))
            #expect(form.text.contains("value=\"vendor\" checked"))
            let style = try await harness.get("/static/accord.css", as: nil)
            #expect(style.text.contains(#"form:has(input[name="kind"][value="master"]:checked) .for-vendor { display: none; }"#))
            #expect(style.text.contains(#"form:has(#sli_kind option[value="ratio"]:checked) .for-tickets { display: none; }"#))
            // a draft version to add objectives to
            let draft = try await harness.repositories.versions.amend(
                agreementID: world.agreementA.id, effectiveFrom: LocalDate("2027-02-01"), note: "", scope: .organisation, actor: .system)
            let path = "/agreements/\(world.agreementA.id)/versions/\(draft.number)/objectives"
            let blank = try await harness.get(path + "/new", as: session)
            #expect(blank.text.contains("fieldset class=\"for-tickets\"") && blank.text.contains("probation-help"))
            #expect(blank.text.contains("credit_tiers.2.threshold") && !blank.text.contains("credit_tiers.3.threshold"))
            // MUT: "Add more tiers" keeps what was typed, adds rows and saves nothing
            let more = try await harness.post(
                path,
                [
                    ("name", "Checkout latency"), ("sli_kind", "ratio"), ("sla_target", "99"), ("slo_target", "99.5"), ("window_kind", "calendar_month"),
                    ("credit_tiers.0.threshold", "99"), ("credit_tiers.0.percent", "5"), ("credit_tiers.1.threshold", "98"),
                    ("credit_tiers.1.percent", "10"), ("credit_tiers.2.threshold", "97"), ("credit_tiers.2.percent", "15"), ("_more", "credit_tiers"),
                ], as: session)
            #expect(more.status == .ok)
            #expect(more.text.contains("value=\"Checkout latency\"") && more.text.contains("name=\"credit_tiers.2.threshold\" value=\"97\""))
            #expect(more.text.contains("credit_tiers.5.threshold") && !more.text.contains("credit_tiers.6.threshold"))
            #expect(try await harness.repositories.objectives.list(versionID: draft.id, scope: .organisation).count == 1)
            // four tiers save as four
            let saved = try await harness.post(
                path,
                [
                    ("name", "Checkout latency"), ("sli_kind", "ratio"), ("sla_target", "99"), ("slo_target", "99.5"), ("window_kind", "calendar_month"),
                    ("credit_cap_percent", "100"), ("probation_factor", "1"),
                    ("credit_tiers.0.threshold", "99"), ("credit_tiers.0.percent", "5"), ("credit_tiers.1.threshold", "98"),
                    ("credit_tiers.1.percent", "10"), ("credit_tiers.2.threshold", "97"), ("credit_tiers.2.percent", "15"),
                    ("credit_tiers.3.threshold", "95"), ("credit_tiers.3.percent", "25"),
                ], as: session)
            #expect(saved.status == .seeOther, "\(saved.text)")
            let created = try await harness.repositories.objectives.list(versionID: draft.id, scope: .organisation).first { $0.name == "Checkout latency" }
            #expect(created?.credits.tiers.count == 4)
            // a season's own credit tiers are rows too: two typed, one left blank, saved as two and shown back as rows
            let seasonal = try await harness.post(
                path,
                [
                    ("name", "Peak latency"), ("sli_kind", "ratio"), ("sla_target", "99"), ("slo_target", "99.5"), ("window_kind", "calendar_month"),
                    ("credit_cap_percent", "100"), ("probation_factor", "1"), ("credit_tiers.0.threshold", "99"), ("credit_tiers.0.percent", "5"),
                    ("seasons.0.name", "Peak"), ("seasons.0.from", "11-01"), ("seasons.0.to", "12-31"), ("seasons.0.sla_target", "99.5"),
                    ("seasons.0.slo_target", "99.8"), ("seasons.0.credit_tiers.0.threshold", "99.5"), ("seasons.0.credit_tiers.0.percent", "10"),
                    ("seasons.0.credit_tiers.1.threshold", "99"), ("seasons.0.credit_tiers.1.percent", "25"),
                    ("seasons.0.credit_tiers.2.threshold", ""), ("seasons.0.credit_tiers.2.percent", ""),
                ], as: session)
            #expect(seasonal.status == .seeOther, "\(seasonal.text)")
            let peak = try #require(try await harness.repositories.objectives.list(versionID: draft.id, scope: .organisation).first { $0.name == "Peak latency" })
            #expect(peak.movingTerms.seasons.first?.creditTiers == [CreditTier(threshold: Decimal(string: "99.5")!, percent: 10), CreditTier(threshold: 99, percent: 25)])
            let edit = try await harness.get("/objectives/\(peak.id)/edit", as: session)
            #expect(edit.text.contains("name=\"seasons.0.credit_tiers.1.threshold\" value=\"99\""), "\(edit.text)")
            #expect(edit.text.contains("name=\"seasons.0.credit_tiers.2.threshold\" value=\"\""))
            #expect(!edit.text.contains("99.5:10"))
        }
    }

    /// One minute bucket of objective A, two minutes ago, through the API.
    @discardableResult
    static func sendThisMinute(_ harness: Harness, good: Int, valid: Int) async throws -> TestResponse {
        let minute = Date(timeIntervalSince1970: (harness.clock.now.timeIntervalSince1970 / 60).rounded(.down) * 60 - 120)
        let analyst = try await harness.token(for: harness.world.analyst)
        let sent = try await harness.api(
            .post, "/api/v1/objectives/\(harness.world.objectiveA.id)/measurements", token: analyst,
            json: #"{"source":"probe","buckets":[{"start":"\#(RFC3339.format(minute))","end":"\#(RFC3339.format(minute.addingTimeInterval(60)))","good":\#(good),"valid":\#(valid)}]}"#)
        #expect(sent.status == .created, "\(sent.text)")
        return sent
    }

    @Test func aVendorLearnsOfAlertsAndBudgetsOnlyWhereItsAgreementSharesThem() async throws {
        try await Harness.run { harness in
            // setup: vendor A's row at risk only for an alert firing (on track against the SLA), with a budget
            let world = harness.world
            try await DashboardRows(repositories: harness.repositories).match(now: harness.clock.now)
            let repository = harness.repositories.dashboardRows
            var row = try #require(try await repository.rows(seriesIDs: [world.objectiveA.seriesID], scope: .organisation)[world.objectiveA.seriesID])
            row.firing = ["page"]
            row.status = .atRisk
            row.projected = 99.99
            row.budgetRemaining = 12
            try await repository.upsert([row])
            let scope = AccessScope.vendor(world.vendorA.id)
            // MUT: not shared: no alert counted or filtered, the row on track; shared: as the customer sees it
            let hidden = try await repository.counts(.init(), scope: scope, internalFiguresOf: [])
            #expect(hidden.alerting == 0 && hidden.byStatus[.onTrack] == 1 && hidden.byStatus[.atRisk] == nil, "\(hidden)")
            #expect(try await repository.pageKeys(.init(alertingOnly: true), sort: .budget, page: PageRequest(number: 1, size: 50), scope: scope, internalFiguresOf: []).isEmpty)
            let shown = try await repository.counts(.init(), scope: scope, internalFiguresOf: [world.agreementA.id])
            #expect(shown.alerting == 1 && shown.byStatus[.atRisk] == 1, "\(shown)")
            #expect(try await repository.pageKeys(.init(alertingOnly: true), sort: .budget, page: PageRequest(number: 1, size: 50), scope: scope, internalFiguresOf: [world.agreementA.id]).count == 1)
        }
    }

    @Test func aLiveBatchAnswersItsOpenPeriodAsThePeriodListShowsIt() async throws {
        try await Harness.run { harness in
            // MUT: a live bucket far below the SLA: the answer is read from the dashboard's computation of the period
            let sent = try await Self.sendThisMinute(harness, good: 50, valid: 100)
            let impact = try #require((sent.json["periods"] as? [[String: Any]])?.first, "\(sent.text)")
            // validation: the period list says the same (attainment, outlook, the credit the figure would owe: 10 % of 1,000)
            let manager = try await harness.token(for: harness.world.manager)
            let listed = try await harness.api(.get, "/api/v1/objectives/\(harness.world.objectiveA.id)/periods", token: manager)
            let open = try #require((listed.json["items"] as? [[String: Any]])?.first { $0["closed"] as? Bool == false }, "\(listed.text)")
            #expect(impact["start"] as? String == open["start"] as? String && impact["closed"] as? Bool == false && impact["revision"] is NSNull)
            #expect("\(impact["attainment"] ?? "")" == "\(open["attainment"] ?? "-")" && impact["status"] as? String == open["outlook"] as? String)
            #expect(impact["status"] as? String == "below_target" && impact["credit_amount"] as? String == "100.00")
            #expect(impact["credit_amount"] as? String == open["credit_amount"] as? String, "\(impact) \(open)")
        }
    }

    @Test func theVendorsLandingPageListsWhatItMustActOn() async throws {
        try await Harness.run { harness in
            let world = harness.world
            // setup: the current period far below the SLA
            try await Self.sendThisMinute(harness, good: 50, valid: 100)
            // MUT: the portal's first section names the objective to act on; the other vendor's is not there
            let alpha = try await harness.session(for: world.vendorUserA)
            let home = try await harness.get("/", as: alpha)
            let waiting = try #require(home.text.components(separatedBy: "Waiting on you").dropFirst().first?.components(separatedBy: "</section>").first)
            #expect(waiting.contains("Availability (Alpha hosting SLA) is below target so far this period"), "\(waiting)")
            #expect(!home.text.contains("Error budget left") && !home.text.contains("99.95"))
            let beta = try await harness.session(for: world.vendorUserB)
            #expect(!(try await harness.get("/", as: beta)).text.contains("below target so far this period"))
        }
    }
    @Test func aVendorsDashboardCountsAnObjectiveBelowOnlyTheInternalSLOAsOnTrack() async throws {
        try await Harness.run { harness in
            let world = harness.world
            // setup: the current period at 99.92 %: above the SLA (99.9 %), below the internal SLO (99.95 %)
            try await Self.sendThisMinute(harness, good: 9992, valid: 10000)
            // MUT: the customer counts it at risk; the vendor, who may not learn of the SLO, on track, and its at-risk filter finds nothing
            let customer = try await harness.get("/dashboard?vendor=\(world.vendorA.id)", as: try await harness.session(for: world.manager))
            #expect(customer.text.contains("1 at risk (below the SLO"), "\(customer.text)")
            let alpha = try await harness.session(for: world.vendorUserA)
            let seen = try await harness.get("/dashboard", as: alpha)
            #expect(seen.text.contains("0 at risk (heading below the SLA)") && seen.text.contains("1 on track"), "\(seen.text)")
            let filtered = try await harness.get("/dashboard?status=at_risk", as: alpha)
            #expect(filtered.status == .ok && !filtered.text.contains(">Availability<"), "\(filtered.text)")
            #expect((try await harness.get("/dashboard?status=on_track", as: alpha)).text.contains("Availability"))
            // once the agreement shares its internal figures, the vendor counts it at risk as the customer does
            let manager = try await harness.token(for: world.manager)
            #expect(try await harness.api(.put, "/api/v1/agreements/\(world.agreementA.id)/governance", token: manager, json: Self.governance).status == .ok)
            harness.clock.advance(by: 120)
            #expect((try await harness.get("/dashboard", as: alpha)).text.contains("1 at risk"))
        }
    }
}
