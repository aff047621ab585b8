import AccordDomain
import AccordStorage
import Foundation

/// The governance history of the demo: the year's periods closed, governance terms and RACI matrices (one breaking
/// a rule on purpose), claims approved and rejected, an open dispute, joint RCAs in every state (one with two
/// vendors) and corrective actions, two of them overdue.
struct DemoGovernance {
    let repositories: Repositories

    struct People {
        var carla: User
        var ada: User
        var ari: User
        var olli: User
        var dana: User
    }

    func seed(master: Agreement, northwind: Agreement, globex: Agreement, initech: Agreement, people: People, now: Date) async throws {
        let org = AccessScope.organisation
        let carla = AuditActor(userID: people.carla.id, label: people.carla.name)
        let olli = AuditActor(userID: people.olli.id, label: people.olli.name)
        let dana = AuditActor(userID: people.dana.id, label: people.dana.name)
        let today = LocalDate.of(now, in: TimeZone(identifier: "Europe/Berlin")!)
        // terms: RCAs are opened below by hand, so every state shows; Northwind needs 48 hours' notice and freezes at year end
        for agreement in [northwind, globex, initech] {
            let freeze = agreement.id == northwind.id
                ? [DenyPeriod(from: LocalDate(year: today.year, month: 12, day: 15)!, to: LocalDate(year: today.year + 1, month: 1, day: 5)!, label: "Year-end trading freeze")]
                : []
            _ = try await SaveGovernanceTerms(change: Change(repositories: self.repositories, clock: { Date() }))(
                agreementID: agreement.id,
                GovernanceTerms(noticeHours: agreement.id == northwind.id ? 48 : 72, rcaOnSLABreach: false, rcaAttainmentFloor: 90, denyPeriods: freeze),
                expectedRowVersion: 0, scope: org, actor: .system)
        }
        try await self.raci(master: master, northwind: northwind, globex: globex, initech: initech, people: people)
        // close the year's periods: breaches and credits are recorded
        try await self.repositories.periodRecords.syncSchedule()
        for _ in 0..<20 {
            let closed = try await PeriodClosingJob(repositories: self.repositories).run(now: now)
            _ = try await RecomputeJob(repositories: self.repositories).run(now: now)
            if closed.items == 0 { break }
        }
        try await self.claims(northwind: northwind, globex: globex, carla: carla, olli: olli, now: now)
        try await self.rcas(northwind: northwind, initech: initech, people: people, carla: carla, olli: olli, dana: dana, now: now, today: today)
    }

    /// Every activity of every agreement has one accountable and someone responsible, except one deliberate error:
    /// two accountable for Northwind's credit approval.
    func raci(master: Agreement, northwind: Agreement, globex: Agreement, initech: Agreement, people: People) async throws {
        func person(_ user: User) -> RACIParty { RACIParty(kind: .person, id: user.id, name: user.name) }
        for agreement in [master, northwind, globex, initech] {
            let vendorUser: User? = agreement.id == northwind.id ? people.olli : agreement.id == initech.id ? people.dana : nil
            var rows: [RACIAssignment] = []
            for activity in GovernanceActivity.allCases {
                rows.append(RACIAssignment(activity: activity, party: person(people.carla), letter: .accountable))
                let vendorSide: Set<GovernanceActivity> = [.dataFeed, .rcaSubmission, .packPreparation]
                if let vendorUser, vendorSide.contains(activity) {
                    rows.append(RACIAssignment(activity: activity, party: RACIParty(kind: .vendorUser, id: vendorUser.id, name: vendorUser.name), letter: .responsible))
                } else {
                    rows.append(RACIAssignment(activity: activity, party: person(activity == .dataFeed ? people.ari : people.carla), letter: activity == .dataFeed ? .responsible : .informed))
                }
            }
            // an A that also holds I is two letters: keep Carla's A alone where she is informed
            rows = rows.filter { !($0.party == person(people.carla) && $0.letter == .informed) }
            // renegotiation: Carla proposes and accepts terms for the customer (R), Ada answers for them (A)
            rows.removeAll { $0.activity == .renegotiation }
            rows.append(RACIAssignment(activity: .renegotiation, party: person(people.carla), letter: .responsible))
            rows.append(RACIAssignment(activity: .renegotiation, party: person(people.ada), letter: .accountable))
            for activity in GovernanceActivity.allCases where !rows.contains(where: { $0.activity == activity && $0.letter == .responsible }) {
                rows.append(RACIAssignment(activity: activity, party: person(people.ari), letter: .responsible))
            }
            if agreement.id == northwind.id {
                rows.append(RACIAssignment(activity: .creditApproval, party: person(people.ada), letter: .accountable))
            }
            _ = try await SetRACI(change: Change(repositories: self.repositories, clock: { Date() }))(agreementID: agreement.id, rows, scope: .organisation, actor: .system)
        }
    }

    func claims(northwind: Agreement, globex: Agreement, carla: AuditActor, olli: AuditActor, now: Date) async throws {
        // filed when they were, through the use case (history, audit and the customer's inbox follow)
        func file(at instant: Date) -> FileClaim { FileClaim(repositories: self.repositories, clock: { instant }) }
        let objective = try await self.firstObjective(northwind)
        let globexObjective = try await self.firstObjective(globex)
        // approved: a maintenance window in May announced a week before
        let may = try Self.instant("\(LocalDate.of(now, in: .gmt).year)-05-14T01:00:00Z")
        let approved = try await file(at: may.addingTimeInterval(-7 * 86_400))(
            agreementID: northwind.id,
            ExclusionClaimDraft(
                objectiveIDs: [objective.id], kind: .plannedMaintenance, startsAt: may, endsAt: may.addingTimeInterval(2 * 3600),
                announcedAt: may.addingTimeInterval(-7 * 86_400), statement: "Kubernetes control plane upgrade (change CHG-2210), announced on the status page.",
                evidence: "https://status.northwind.example/incidents/2210"),
            evidence: [], scope: .vendor(northwind.vendorID!), actor: olli)
        // decided when they were, judged as of today
        func decide(at instant: Date) -> DecideClaim {
            DecideClaim(change: Change(repositories: self.repositories, clock: { instant }, judgedAt: { now }))
        }
        _ = try await decide(at: may)(
            id: approved.id, to: .approved, reason: "Announced in time, outside any freeze.", expectedRowVersion: nil, scope: .organisation, actor: carla)
        // rejected: a cause the customer does not recognise
        let july = try Self.instant("\(LocalDate.of(now, in: .gmt).year)-07-03T09:00:00Z")
        let rejected = try await file(at: july.addingTimeInterval(86_400))(
            agreementID: northwind.id,
            ExclusionClaimDraft(
                objectiveIDs: [objective.id], kind: .forceMajeure, startsAt: july, endsAt: july.addingTimeInterval(5400), announcedAt: nil,
                statement: "Upstream transit provider outage in Frankfurt.", evidence: ""),
            evidence: [], scope: .vendor(northwind.vendorID!), actor: olli)
        _ = try await decide(at: july.addingTimeInterval(2 * 86_400))(
            id: rejected.id, to: .rejected, reason: "Transit redundancy is part of the hosting service; not force majeure under clause 14.2.",
            expectedRowVersion: nil, scope: .organisation, actor: carla)
        // pending, filed by the contract manager for Globex
        let soon = now.addingTimeInterval(5 * 86_400)
        _ = try await file(at: now)(
            agreementID: globex.id,
            ExclusionClaimDraft(
                objectiveIDs: [globexObjective.id], kind: .plannedMaintenance, startsAt: soon, endsAt: soon.addingTimeInterval(3600),
                announcedAt: now.addingTimeInterval(-3600), statement: "Edge certificate rotation, agreed on the weekly call.", evidence: ""),
            evidence: [], scope: .organisation, actor: carla)
        // an open dispute of the last closed month's figure, if it is still within the window
        let records = try await self.repositories.periodRecords.records(seriesID: objective.seriesID, from: now.addingTimeInterval(-40 * 86_400), to: now)
        if let last = records.last {
            _ = try? await FileDispute(repositories: self.repositories, clock: { now })(
                DisputeDraft(
                    objectiveID: objective.id, periodStart: last.periodStart, subject: .period,
                    statement: "Our probes in three regions saw the platform up while yours failed: we believe your probe's DNS resolver was at fault.",
                    evidence: "https://status.northwind.example/probes"),
                evidence: [], scope: .vendor(northwind.vendorID!), actor: olli)
        }
    }

    func rcas(
        northwind: Agreement, initech: Agreement, people: People, carla: AuditActor, olli: AuditActor, dana: AuditActor, now: Date, today: LocalDate
    ) async throws {
        let sign = SignRCA(repositories: self.repositories, clock: { now })
        let advance = AdvanceRCA(repositories: self.repositories, clock: { now })
        let rcas = self.repositories.rcas
        let northwindBreaches = try await self.repositories.periodRecords.breaches(seriesID: try await self.firstObjective(northwind).seriesID)
        let initechBreaches = try await self.repositories.periodRecords.breaches(seriesID: try await self.firstObjective(initech).seriesID)
        // breaches below the terms' floor already opened an RCA on their own
        let analysed = try await rcas.analyses(ofBreaches: initechBreaches.map(\.id) + northwindBreaches.map(\.id))
        var spare = initechBreaches.map(\.id).filter { analysed[$0] == nil }
        // the joint RCA of March: Northwind's outage and Initech's slow answers to the tickets it caused; accepted. Initech's
        // breaches may have missed only the internal SLO: the customer shares these RCAs, so Initech reads them against its SLA
        if let outage = northwindBreaches.filter({ analysed[$0.id] == nil }).min(by: { $0.periodStart < $1.periodStart }) {
            let joint = (spare.isEmpty ? [] : [spare.removeLast()]) + [outage.id]
            let opened = try await self.opener(at: outage.periodEnd.addingTimeInterval(86_400))(
                breachIDs: joint, title: "Checkout outage: database failover and ticket backlog", shareWithVendors: true, scope: .organisation,
                actor: carla)
            try await self.write(opened.id, olli: olli, dana: dana, carla: carla, northwindID: northwind.vendorID!, initechID: initech.vendorID!)
            let parties = Set(opened.parties.compactMap(\.vendorID))
            for actor in [carla, olli, dana] {
                let scope = self.scope(actor, northwind, initech)
                if let vendor = scope.vendorID, !parties.contains(vendor) { continue }
                _ = try await sign(id: opened.id, scope: scope, actor: actor)
            }
            _ = try await advance(.submit, id: opened.id, byCustomer: false, scope: self.scope(olli, northwind, initech), actor: olli)
            _ = try await advance(.accept, id: opened.id, byCustomer: true, scope: .organisation, actor: carla)
            let raise = AddAction(change: Change(repositories: self.repositories, clock: { now }))
            let move = AdvanceAction(change: Change(repositories: self.repositories, clock: { now }))
            let verified = try await raise(
                rcaID: opened.id,
                ActionDraft(type: .prevent, description: "Failover drill every quarter with the customer watching", ownerName: "Nora Quist",
                            ownerVendorID: northwind.vendorID, dueOn: today.adding(days: -60), checkAfter: today.adding(days: -45)),
                scope: .organisation, actor: carla)
            _ = try await move(.finish(evidence: "Drill report DR-2026-07 attached to CHG-2301"), id: verified.id, byCustomer: false, expectedRowVersion: nil, scope: .vendor(northwind.vendorID!), actor: olli)
            _ = try await move(.verify, id: verified.id, byCustomer: true, expectedRowVersion: nil, scope: .organisation, actor: carla)
            _ = try await raise(
                rcaID: opened.id,
                ActionDraft(type: .detect, description: "Alert on replication lag above 30 s", ownerName: "Olli Ops", ownerVendorID: northwind.vendorID,
                            dueOn: today.adding(days: -10), checkAfter: nil),
                scope: .organisation, actor: carla)
            _ = try await raise(
                rcaID: opened.id,
                ActionDraft(type: .mitigate, description: "Surge roster for the service desk during platform incidents", ownerName: "Dana Desk",
                            ownerVendorID: initech.vendorID, dueOn: today.adding(days: -3), checkAfter: nil),
                scope: .organisation, actor: carla)
            _ = try await raise(
                rcaID: opened.id,
                ActionDraft(type: .repair, description: "Runbook for customer-side cache warm-up", ownerName: people.carla.name, ownerVendorID: nil,
                            dueOn: today.adding(days: 21), checkAfter: nil),
                scope: .organisation, actor: carla)
        }
        // Initech's other breaches: one RCA in each remaining state
        // (the newest breach stays unanalysed: the browser walk opens a joint RCA of it)
        let states: [RCAState] = [.inProgress, .returned, .submitted, .closed, .requested]
        for state in states {
            guard spare.count > 1, let breach = spare.popLast() else { break }
            let opened = try await self.opener(at: state == .inProgress ? now.addingTimeInterval(-20 * 86_400) : now.addingTimeInterval(-2 * 86_400))(
                breachIDs: [breach], title: "", shareWithVendors: true, scope: .organisation, actor: carla)
            guard state != .requested else { continue }
            let scope = AccessScope.vendor(initech.vendorID!)
            _ = try await self.writer(at: now).timelineEntry(
                id: opened.id, TimelineDraft(at: opened.openedAt.addingTimeInterval(-3 * 86_400), text: "P2 tickets queued behind a P1 incident", evidenceURL: ""),
                scope: scope, actor: dana)
            guard state != .inProgress else { continue }
            _ = try await self.writer(at: Date()).analysis(
                id: opened.id,
                RCAAnalysisDraft(
                    triggerStatement: "A P1 incident took both first-line engineers", rootCause: "The roster has no cover when a P1 runs past an hour",
                    category: .capacity, fiveWhys: [], shares: [:]),
                scope: scope, actor: dana)
            _ = try await sign(id: opened.id, scope: scope, actor: dana)
            _ = try await sign(id: opened.id, scope: .organisation, actor: carla)
            _ = try await advance(.submit, id: opened.id, byCustomer: false, scope: scope, actor: dana)
            switch state {
            case .returned:
                _ = try await advance(.giveBack(comment: "Say why the P1 took both engineers: is there no escalation path?"), id: opened.id, byCustomer: true, scope: .organisation, actor: carla)
            case .closed:
                _ = try await advance(.accept, id: opened.id, byCustomer: true, scope: .organisation, actor: carla)
                _ = try await advance(.close, id: opened.id, byCustomer: true, scope: .organisation, actor: carla)
            default:
                break
            }
        }
    }

    /// The joint RCA's content: a merged timeline from both vendors, the analysis with shares, and factors.
    func write(_ id: Int64, olli: AuditActor, dana: AuditActor, carla: AuditActor, northwindID: Int64, initechID: Int64) async throws {
        let rca = try await self.repositories.rcas.find(id: id, scope: .organisation)
        // the outage of 12 March, 02:00 UTC, in the month of Northwind's breach
        let start = rca.breaches.first { $0.vendorID == northwindID }?.periodStart ?? Date()
        let outage = start.addingTimeInterval(11 * 86_400 + 3 * 3600)
        _ = try await self.writer(at: outage).timelineEntry(
            id: id, TimelineDraft(at: outage, text: "Primary database stops accepting writes", evidenceURL: "https://status.northwind.example/incidents/1042"),
            scope: .vendor(northwindID), actor: olli)
        _ = try await self.writer(at: outage).timelineEntry(
            id: id, TimelineDraft(at: outage.addingTimeInterval(40 * 60), text: "Ticket volume triples; first responses queue", evidenceURL: ""),
            scope: .vendor(initechID), actor: dana)
        _ = try await self.writer(at: outage).timelineEntry(
            id: id, TimelineDraft(at: outage.addingTimeInterval(3 * 3600), text: "Failover completes; checkout recovers", evidenceURL: ""),
            scope: .vendor(northwindID), actor: olli)
        _ = try await self.writer(at: outage).factor(
            id: id, FactorDraft(category: .infrastructureFailure, description: "Failover needed a manual step at night", responsibleVendorID: northwindID),
            scope: .vendor(northwindID), actor: olli)
        _ = try await self.writer(at: outage).factor(
            id: id, FactorDraft(category: .deployOrChange, description: "Replica lag from a schema change the day before", responsibleVendorID: northwindID),
            scope: .vendor(northwindID), actor: olli)
        _ = try await self.writer(at: outage).factor(
            id: id, FactorDraft(category: .capacity, description: "No surge roster for platform incidents", responsibleVendorID: initechID),
            scope: .vendor(initechID), actor: dana)
        _ = try await self.writer(at: Date()).analysis(
            id: id,
            RCAAnalysisDraft(
                triggerStatement: "The primary database failed during the nightly batch.",
                rootCause: "Automatic failover was disabled after a schema change and no check re-enabled it; the service desk had no surge plan.",
                category: .deployOrChange, fiveWhys: ["Checkout failed", "The database was read-only", "Failover did not happen", "It was disabled for a schema change", "No checklist re-enables it"],
                shares: rca.parties.count == 3 ? [nil: 0, northwindID: 80, initechID: 20] : [:]),
            scope: .organisation, actor: carla)
    }

    func opener(at instant: Date) -> OpenRCA { OpenRCA(change: Change(repositories: self.repositories, clock: { instant })) }

    func writer(at instant: Date) -> WriteRCA { WriteRCA(change: Change(repositories: self.repositories, clock: { instant })) }

    func scope(_ actor: AuditActor, _ northwind: Agreement, _ initech: Agreement) -> AccessScope {
        actor.label == "Olli Ops" ? .vendor(northwind.vendorID!) : actor.label == "Dana Desk" ? .vendor(initech.vendorID!) : .organisation
    }

    func firstObjective(_ agreement: Agreement) async throws -> Objective {
        let version = try await self.repositories.versions.find(agreementID: agreement.id, number: 1, scope: .organisation)
        guard let objective = try await self.repositories.objectives.list(versionID: version.id, scope: .organisation).first else { throw NotFound("objective") }
        return objective
    }

    static func instant(_ text: String) throws -> Date {
        guard let date = RFC3339.parse(text) else { throw RuleViolation("bad demo instant") }
        return date
    }
}
