import AccordDomain
import Foundation
import Testing

/// Seasons and ramps: which targets judge a period, and which terms are refused because they would split one.
@Suite("Moving terms")
struct MovingTermsTests {
    static func d(_ text: String) -> Decimal { Decimal(string: text)! }
    static func day(_ text: String) -> LocalDate { LocalDate(text)! }

    static func season(_ name: String, _ from: String, _ to: String, sla: String, slo: String, tiers: [CreditTier]? = nil) -> Season {
        Season(name: name, from: MonthDay(from)!, to: MonthDay(to)!, slaTarget: d(sla), sloTarget: d(slo), creditTiers: tiers)
    }

    static func objective(_ terms: MovingTerms, window: ObjectiveWindow = .calendarMonth) -> Objective {
        Objective(
            id: 1, versionID: 1, seriesID: 1, name: "Edge", sliKind: .ratio, slaTarget: d("99.5"), sloTarget: d("99.8"), window: window,
            calendarID: nil, calendarName: nil, priorityGoals: [], exclusionKinds: [],
            credits: CreditSchedule(tiers: [CreditTier(threshold: d("99.5"), percent: 5)], capPercent: 30, probationFactor: 1), movingTerms: terms,
            rowVersion: 0, updatedAt: Date(timeIntervalSince1970: 0))
    }

    @Test func aPeriodTakesTheSeasonInForceOnItsFirstDayIncludingOneOverTheNewYear() {
        let terms = MovingTerms(seasons: [
            Self.season("peak", "11-01", "01-31", sla: "99.8", slo: "99.9", tiers: [CreditTier(threshold: Self.d("99.8"), percent: 10)])
        ])
        #expect(terms.validate(window: .calendarMonth).errors.isEmpty)
        let objective = Self.objective(terms)
        for (first, sla) in [("2026-10-01", "99.5"), ("2026-11-01", "99.8"), ("2026-12-01", "99.8"), ("2027-01-01", "99.8"), ("2027-02-01", "99.5")] {
            #expect(objective.inForce(forPeriodStarting: Self.day(first)).slaTarget == Self.d(sla), "\(first)")
        }
        // a season's tiers replace the objective's; outside it the objective's apply
        #expect(objective.inForce(forPeriodStarting: Self.day("2026-12-01")).credits.tiers == [CreditTier(threshold: Self.d("99.8"), percent: 10)])
        #expect(objective.inForce(forPeriodStarting: Self.day("2026-12-01")).credits.capPercent == 30)
        #expect(objective.inForce(forPeriodStarting: Self.day("2026-09-01")).credits.tiers.first?.percent == 5)
        #expect(terms.source(forPeriodStarting: Self.day("2026-12-01")) == .season("peak"))
    }

    @Test func aDecemberBreachUnderTheStandardTermsIsMetUnderARelaxedPeakAndTheReverse() {
        // 993 good of 1000: 99.3 %
        let counts = EventCounts(good: 993, valid: 1000)
        let relaxed = Self.objective(MovingTerms(seasons: [Self.season("peak", "12-01", "12-31", sla: "99.0", slo: "99.2")]))
        let december = relaxed.inForce(forPeriodStarting: Self.day("2026-12-01"))
        let november = relaxed.inForce(forPeriodStarting: Self.day("2026-11-01"))
        #expect(AttainmentCalculator.judge(counts, slaTarget: november.slaTarget, sloTarget: november.sloTarget).slaStatus == .breached)
        #expect(AttainmentCalculator.judge(counts, slaTarget: december.slaTarget, sloTarget: december.sloTarget).slaStatus == .met)
        // a relaxed season without tiers of its own keeps only the tiers at or below its SLA: a met period owes nothing
        #expect(december.credits.tiers.isEmpty && november.credits.tiers.count == 1)
        #expect(december.credits.creditPercent(forExact: Fraction(Decimal(string: "99.3")!), onProbation: false) == 0)
        // the reverse: 99.6 % meets the standard 99.5 % but not a tighter peak of 99.8 %
        let better = EventCounts(good: 996, valid: 1000)
        let tight = Self.objective(MovingTerms(seasons: [Self.season("peak", "12-01", "12-31", sla: "99.8", slo: "99.9")]))
        let tightDecember = tight.inForce(forPeriodStarting: Self.day("2026-12-01"))
        #expect(AttainmentCalculator.judge(better, slaTarget: tightDecember.slaTarget, sloTarget: tightDecember.sloTarget).slaStatus == .breached)
        #expect(AttainmentCalculator.judge(better, slaTarget: november.slaTarget, sloTarget: november.sloTarget).slaStatus == .met)
        // exactly at the season's target is met: 990 of 1000 against 99.0 %
        #expect(AttainmentCalculator.judge(EventCounts(good: 990, valid: 1000), slaTarget: december.slaTarget, sloTarget: december.sloTarget).slaStatus == .met)
    }

    @Test func aRampLeadsUpToTheStandardTermsAndSeasonsWaitForIt() {
        let terms = MovingTerms(
            seasons: [Self.season("peak", "01-01", "03-31", sla: "99.7", slo: "99.9")],
            ramp: [
                RampStep(until: Self.day("2026-02-28"), slaTarget: Self.d("99.0"), sloTarget: Self.d("99.3")),
                RampStep(until: Self.day("2026-04-30"), slaTarget: Self.d("99.3"), sloTarget: Self.d("99.6")),
            ])
        #expect(terms.validate(window: .calendarMonth).errors.isEmpty)
        let objective = Self.objective(terms)
        let expected: [(String, String, MovingTerms.Source)] = [
            ("2026-01-01", "99.0", .ramp(step: 1, until: Self.day("2026-02-28"))),
            ("2026-02-01", "99.0", .ramp(step: 1, until: Self.day("2026-02-28"))),
            ("2026-03-01", "99.3", .ramp(step: 2, until: Self.day("2026-04-30"))),
            ("2026-05-01", "99.5", .base),
            ("2027-01-01", "99.7", .season("peak")),
        ]
        for (first, sla, source) in expected {
            #expect(objective.inForce(forPeriodStarting: Self.day(first)).slaTarget == Self.d(sla), "\(first)")
            #expect(terms.source(forPeriodStarting: Self.day(first)) == source, "\(first)")
        }
        #expect(MovingTerms.Source.ramp(step: 2, until: Self.day("2026-04-30")).label == "ramp step 2 (to 2026-04-30)")
    }

    @Test func aProposedSeasonKeepingItsNameKeepsItsOwnTiersUnlessTheProposalGivesTiers() {
        let tiers = [CreditTier(threshold: Self.d("99.5"), percent: 5)]
        let objective = Self.objective(MovingTerms(seasons: [Self.season("autumn", "10-01", "11-30", sla: "99.5", slo: "99.7", tiers: tiers)]))
        func proposed(_ name: String, tiers: [CreditTier]?) -> Objective {
            let season = ProposedSeason(
                name: name, from: MonthDay("10-01")!, to: MonthDay("11-30")!, slaTarget: Self.d("99.6"), sloTarget: Self.d("99.8"), creditTiers: tiers)
            return TermsChange(seriesID: objective.seriesID, objectiveName: objective.name, seasons: [season]).applied(to: objective)
        }
        // MUT: the form cannot carry tiers: the season of the same name keeps its own; a renamed one has none of its own
        #expect(proposed("autumn", tiers: nil).movingTerms.seasons.first?.creditTiers == tiers)
        #expect(proposed("fall", tiers: nil).movingTerms.seasons.first?.creditTiers == nil)
        #expect(proposed("autumn", tiers: []).movingTerms.seasons.first?.creditTiers == [])
        #expect(proposed("autumn", tiers: nil).movingTerms.seasons.first?.slaTarget == Self.d("99.6"))
    }

    @Test func termsThatWouldSplitAPeriodAreRefusedWithTheReason() {
        func problems(_ terms: MovingTerms, _ window: ObjectiveWindow = .calendarMonth) -> [String] {
            terms.validate(window: window).errors.map(\.message)
        }
        // the example: 20 November is inside a month
        let late = problems(MovingTerms(seasons: [Self.season("peak", "11-20", "12-31", sla: "99.8", slo: "99.9")]))
        #expect(late.count == 1 && late[0].contains("starts on 11-20, inside a calendar month") && late[0].contains("first day of a calendar month"))
        #expect(problems(MovingTerms(seasons: [Self.season("peak", "11-01", "12-30", sla: "99.8", slo: "99.9")])).first?.contains("ends on 12-30") == true)
        // 28 February ends February in every year
        #expect(problems(MovingTerms(seasons: [Self.season("winter", "01-01", "02-28", sla: "99.8", slo: "99.9")])).isEmpty)
        // quarters: a season of November and December splits the fourth quarter
        #expect(problems(MovingTerms(seasons: [Self.season("peak", "11-01", "12-31", sla: "99.8", slo: "99.9")]), .calendarQuarter).count == 1)
        #expect(problems(MovingTerms(seasons: [Self.season("peak", "10-01", "12-31", sla: "99.8", slo: "99.9")]), .calendarQuarter).isEmpty)
        #expect(problems(MovingTerms(seasons: [Self.season("peak", "11-01", "12-31", sla: "99.8", slo: "99.9")]), .rollingDays(30)).first?.contains("rolling") == true)
        // overlapping seasons, a season's SLO not above its SLA, a ramp step ending inside a month, steps out of order
        #expect(
            problems(MovingTerms(seasons: [Self.season("a", "11-01", "12-31", sla: "99.8", slo: "99.9"), Self.season("b", "12-01", "01-31", sla: "99", slo: "99.5")]))
                .contains { $0.contains("overlap") })
        #expect(problems(MovingTerms(seasons: [Self.season("peak", "11-01", "12-31", sla: "99.8", slo: "99.8")])).first?.contains("stricter") == true)
        #expect(
            problems(MovingTerms(ramp: [RampStep(until: Self.day("2026-02-27"), slaTarget: Self.d("99"), sloTarget: Self.d("99.5"))])).first?
                .contains("ends inside a calendar month") == true)
        #expect(
            problems(
                MovingTerms(ramp: [
                    RampStep(until: Self.day("2026-04-30"), slaTarget: Self.d("99"), sloTarget: Self.d("99.5")),
                    RampStep(until: Self.day("2026-02-28"), slaTarget: Self.d("99.2"), sloTarget: Self.d("99.5")),
                ])
            ).contains { $0.contains("date order") })
        // the draft refuses them under moving_terms
        let draft = ObjectiveDraft(
            name: "Edge", sliKind: .ratio, slaTarget: Self.d("99.5"), sloTarget: Self.d("99.8"), window: .calendarMonth,
            movingTerms: MovingTerms(seasons: [Self.season("peak", "11-20", "12-31", sla: "99.8", slo: "99.9")]))
        #expect(draft.validate().errors.map(\.field) == ["moving_terms"])
    }

    @Test func probationThatEndsAfterSixGoodPeriodsRaisesACandidateToTightenAndOtherwiseNone() {
        let target = Self.d("99.5")
        let good: [Decimal?] = ["99.4", "99.6", "99.7", "99.8", "99.5", "99.9", "99.7"].map { Self.d($0) }
        // the last six met 99.5 % (99.5 itself counts as met): halfway from 99.5 to their mean 99.7
        let found = RenegotiationRules.candidates(attainments: good, target: target, probationEnded: true)
        let candidate = found.first { $0.kind == .probationEnded }
        #expect(candidate?.suggestedTarget == Self.d("99.6"), "\(found)")
        #expect(candidate?.message.contains("last 6 periods all met their SLA") == true && candidate?.message.contains("tighten the 99.5 % target") == true)
        // not while probation lasts, nor with a miss, a period without data or fewer than six periods
        #expect(!RenegotiationRules.candidates(attainments: good, target: target, probationEnded: false).contains { $0.kind == .probationEnded })
        var missed = good
        missed[4] = Self.d("99.49")
        #expect(!RenegotiationRules.candidates(attainments: missed, target: target, probationEnded: true).contains { $0.kind == .probationEnded })
        var gap = good
        gap[3] = nil
        #expect(RenegotiationRules.probationTightening(attainments: gap, target: target) == nil)
        #expect(RenegotiationRules.probationTightening(attainments: Array(good.suffix(5)), target: target) == nil)
        // configurable: four periods suffice when the settings say so
        var settings = RenegotiationRules.Settings()
        settings.probationGoodPeriods = 4
        #expect((RenegotiationRules.probationTightening(attainments: Array(good.suffix(4)), target: target, settings: settings)?.target ?? 0) > target)
    }

    static func counts(_ good: Int64, _ valid: Int64) -> EventCounts { EventCounts(good: Fraction(good), valid: Fraction(valid)) }

    @Test func aRelaxedSurgeAppliesOnlyAboveTheThreshold() {
        // 150 % of a forecast of 1,000: the threshold is 1,500 valid events
        let clause = SurgeClause(
            forecast: 1000, thresholdPercent: 150, rule: .relaxedTarget, relaxedSLA: Self.d("99"), relaxedSLO: Self.d("99.3"))
        #expect(clause.threshold(season: nil) == Fraction(1500))
        for (valid, applies) in [(Int64(1499), false), (1500, false), (1501, true)] {
            let result = clause.apply(total: Self.counts(valid - 10, valid), ordered: [], season: nil)
            #expect(result.relaxed == applies && result.outcome.applied == applies, "\(valid)")
            // the relaxed rule never changes the counts
            #expect(result.counts == Self.counts(valid - 10, valid))
        }
        #expect(clause.apply(total: Self.counts(1490, 1501), ordered: [], season: nil).outcome.sentence.contains("judged against the relaxed target"))
        #expect(clause.apply(total: Self.counts(1490, 1500), ordered: [], season: nil).outcome.sentence.contains("does not apply"))
        // a season's own forecast sets its threshold
        let seasonal = SurgeClause(forecast: 1000, seasonForecasts: ["peak": 2000], thresholdPercent: 150, rule: .relaxedTarget, relaxedSLA: 99, relaxedSLO: Self.d("99.3"))
        #expect(seasonal.threshold(season: "peak") == Fraction(3000) && seasonal.threshold(season: nil) == Fraction(1500))
    }

    @Test func aVolumeCapCountsEventsInTimeOrderUpToTheThresholdTheCrossingBucketProRata() {
        let clause = SurgeClause(forecast: 1000, thresholdPercent: 150, rule: .capVolume)
        // just below and at the threshold nothing changes
        for valid in [Int64(1499), 1500] {
            let total = Self.counts(valid - 100, valid)
            let result = clause.apply(total: total, ordered: [total], season: nil)
            #expect(result.counts == total && !result.outcome.applied && result.outcome.beyondValid == "0", "\(valid)")
        }
        // just above: the steps up to 1,500 count whole, the last 2 events are beyond the threshold
        let whole = clause.apply(total: Self.counts(1300, 1502), ordered: [Self.counts(900, 1000), Self.counts(400, 500), Self.counts(0, 2)], season: nil)
        #expect(whole.outcome.applied && whole.counts == Self.counts(1300, 1500))
        #expect(whole.outcome.beyondValid == "2" && whole.outcome.beyondGood == "0")
        // the bucket that crosses the threshold counts pro rata: 500 of its 600 valid events, and 5/6 of its 400 good
        let crossing = clause.apply(total: Self.counts(1390, 1600), ordered: [Self.counts(990, 1000), Self.counts(400, 600)], season: nil)
        #expect(crossing.counts.valid == Fraction(1500))
        #expect(crossing.counts.good == Fraction(990) + Fraction(2000).divided(by: Fraction(6))!)
        #expect(crossing.outcome.beyondValid == "100" && crossing.outcome.beyondGood == "200/3")
        // nothing is dropped silently: counted and beyond add up to the period's volume
        #expect(Fraction(text: crossing.outcome.countedValid)! + Fraction(text: crossing.outcome.beyondValid)! == Fraction(1600))
        #expect(crossing.outcome.sentence.contains("100 are beyond the surge threshold"))
        // the attainment moves with what counts: 1,390 / 1,600 = 86.875 % on all of it, 88.222… % on what counts
        #expect(crossing.counts.attainment! > Self.counts(1390, 1600).attainment!)
    }

    @Test func surgeClausesAreCheckedAgainstTheTerms() {
        func problems(_ clause: SurgeClause, seasons: [Season] = []) -> [String] {
            MovingTerms(seasons: seasons, surge: clause).validate(window: .calendarMonth, slaTarget: Self.d("99.5")).errors.map(\.message)
        }
        #expect(problems(SurgeClause(forecast: 1000, thresholdPercent: 150, rule: .capVolume)).isEmpty)
        #expect(problems(SurgeClause(forecast: 0, thresholdPercent: 150, rule: .capVolume)).first?.contains("forecast") == true)
        #expect(problems(SurgeClause(forecast: 1000, thresholdPercent: 90, rule: .capVolume)).first?.contains("100 % to 1,000 %") == true)
        #expect(problems(SurgeClause(forecast: 1000, thresholdPercent: 150, rule: .relaxedTarget)).first?.contains("needs the relaxed") == true)
        #expect(
            problems(SurgeClause(forecast: 1000, thresholdPercent: 150, rule: .relaxedTarget, relaxedSLA: Self.d("99.7"), relaxedSLO: Self.d("99.8")))
                .contains { $0.contains("may not be stricter than the standard one") })
        #expect(problems(SurgeClause(forecast: 1000, seasonForecasts: ["summer": 10], thresholdPercent: 150, rule: .capVolume)).first?.contains("summer") == true)
        #expect(
            MovingTerms(surge: SurgeClause(forecast: 1000, thresholdPercent: 150, rule: .capVolume)).validate(window: .rollingDays(30)).errors.count == 1)
    }
}
