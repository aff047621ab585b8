import AccordDomain
import AccordStorage
import Foundation

/// An objective with its placement, its agreement and the terms of its series in force: read once per request and
/// handed to every report that needs them.
public struct ObjectiveContext: Sendable {
    public var objective: Objective
    public var placement: ObjectivePlacement
    public var agreement: Agreement
    /// The agreement's vendor (nil for a master SLA): its probation decides a period's credit.
    public var vendor: Vendor?
    /// The objective of its series in every active version, oldest first.
    public var terms: [SeriesTerms]
    /// The agreement's time zone, in which calendar periods are aligned.
    public var zone: TimeZone

    /// Reads the objective through `scope` (a foreign id is not found), then its agreement and terms.
    public static func load(objectiveID: Int64, scope: AccessScope, repositories: Repositories) async throws -> ObjectiveContext {
        let (objective, placement) = try await repositories.objectives.find(id: objectiveID, scope: scope)
        let agreement = try await repositories.agreements.find(id: placement.agreementID, scope: scope)
        let terms = try await repositories.objectives.activeTerms(seriesID: objective.seriesID, scope: scope)
        let vendor = try await agreement.vendorID.asyncMap { try await repositories.vendors.find(id: $0, scope: scope) }
        return ObjectiveContext(
            objective: objective, placement: placement, agreement: agreement, vendor: vendor, terms: terms,
            zone: TimeZone(identifier: agreement.timeZone) ?? .gmt)
    }

    /// The terms in force on the local day of `instant` (the earliest terms before the first version starts), with the
    /// season or ramp step of that day.
    public func terms(at instant: Date) -> SeriesTerms? {
        let day = LocalDate.of(instant, in: self.zone)
        return (self.terms.last { $0.effectiveFrom <= day } ?? self.terms.first)?.inForce(forPeriodStarting: day)
    }
}
