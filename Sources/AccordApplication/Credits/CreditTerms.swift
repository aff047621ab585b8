import AccordDomain
import AccordStorage
import Foundation

/// What a period's attainment owes under the terms: one rule for the closing job and for every page and API row.
enum CreditTerms {
    /// The vendor is on probation for a period whose first day (in the agreement's zone) is on or before
    /// `probation_until`, the last day of probation.
    static func onProbation(period: DateInterval, vendor: Vendor?, zone: TimeZone) -> Bool {
        vendor?.isOnProbation(on: LocalDate.of(period.start, in: zone)) ?? false
    }

    /// The credit owed for a calendar period of a vendor SLA with a fee, decided on the exact attainment; nil when
    /// none is owed (no valid events, attainment above every tier, no fee, or a master SLA).
    static func credit(
        attainment: Fraction?, terms: Objective, period: DateInterval, agreement: Agreement, vendor: Vendor?, zone: TimeZone
    ) -> CreditFigures? {
        guard let attainment, agreement.kind == .vendor, agreement.fee > 0, terms.window.days == nil else { return nil }
        let onProbation = Self.onProbation(period: period, vendor: vendor, zone: zone)
        let tier = terms.credits.creditPercent(forExact: attainment, onProbation: false)
        let percent = terms.credits.creditPercent(forExact: attainment, onProbation: onProbation)
        guard percent > 0 else { return nil }
        let fee = CreditCalculator.periodFee(fee: agreement.fee, feePeriod: agreement.feePeriod, window: terms.window)
        let threshold = terms.credits.reachedTier(forExact: attainment)?.threshold
        return CreditFigures(
            agreementID: agreement.id, vendorID: agreement.vendorID, tierPercent: tier, tierThreshold: threshold,
            attainment: Precision.shown(attainment, below: [terms.slaTarget, terms.sloTarget] + [threshold].compactMap { $0 }), percent: percent,
            onProbation: onProbation,
            periodFee: fee, currency: agreement.currency, amount: CreditCalculator.amount(fee: fee, percent: percent, currency: agreement.currency))
    }
}
