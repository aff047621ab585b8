import Foundation

/// One objective in force as the dashboard lists it: its current period so far, computed when its data changed.
public struct DashboardRow: Sendable, Equatable {
    public enum Status: String, Sendable, CaseIterable {
        case breached
        case atRisk = "at_risk"
        case onTrack = "on_track"
        case noData = "no_data"

        public var label: String {
            switch self {
            case .breached: "breached"
            case .atRisk: "at risk"
            case .onTrack: "on track"
            case .noData: "no data"
            }
        }
    }

    public var seriesID: Int64
    public var objectiveID: Int64
    public var agreementID: Int64
    public var vendorID: Int64?
    public var masterID: Int64?
    public var serviceID: Int64?
    public var objectiveName: String
    public var agreementTitle: String
    public var vendorName: String?
    public var isMaster: Bool
    public var slaTarget: Decimal
    public var sloTarget: Decimal
    public var attainment: Decimal?
    public var slaStatus: TargetStatus
    public var sloStatus: TargetStatus
    public var outlook: PeriodOutlook.Status?
    public var projected: Decimal?
    public var budgetRemaining: Decimal?
    public var firing: [String]
    /// The last twelve periods' attainment, oldest first.
    public var history: [Decimal?]
    public var status: Status
    public var shortfall: Decimal?
    public var sourceVersion: Int64
    public var periodEnd: Date?
    public var refreshedAt: Date
    /// What placed the row (`PortfolioEntry.placementKey`): a match recomputes only rows whose placement moved.
    public var placement = ""

    public init(
        seriesID: Int64, objectiveID: Int64, agreementID: Int64, vendorID: Int64?, masterID: Int64?, serviceID: Int64?, objectiveName: String,
        agreementTitle: String, vendorName: String?, isMaster: Bool, slaTarget: Decimal, sloTarget: Decimal, attainment: Decimal?,
        slaStatus: TargetStatus, sloStatus: TargetStatus, outlook: PeriodOutlook.Status?, projected: Decimal?, budgetRemaining: Decimal?,
        firing: [String], history: [Decimal?], status: Status, shortfall: Decimal?, sourceVersion: Int64, periodEnd: Date?, refreshedAt: Date
    ) {
        self.seriesID = seriesID
        self.objectiveID = objectiveID
        self.agreementID = agreementID
        self.vendorID = vendorID
        self.masterID = masterID
        self.serviceID = serviceID
        self.objectiveName = objectiveName
        self.agreementTitle = agreementTitle
        self.vendorName = vendorName
        self.isMaster = isMaster
        self.slaTarget = slaTarget
        self.sloTarget = sloTarget
        self.attainment = attainment
        self.slaStatus = slaStatus
        self.sloStatus = sloStatus
        self.outlook = outlook
        self.projected = projected
        self.budgetRemaining = budgetRemaining
        self.firing = firing
        self.history = history
        self.status = status
        self.shortfall = shortfall
        self.sourceVersion = sourceVersion
        self.periodEnd = periodEnd
        self.refreshedAt = refreshedAt
    }
}

public enum DashboardSort: String, Sendable, CaseIterable {
    /// The largest projected shortfall first, then the least budget left.
    case risk
    case budget
    case name
}

public struct DashboardFilter: Sendable, Equatable {
    public var vendorID: Int64?
    public var serviceID: Int64?
    public var agreementID: Int64?
    public var status: DashboardRow.Status?
    public var alertingOnly: Bool
    public var search: String?

    public init(
        vendorID: Int64? = nil, serviceID: Int64? = nil, agreementID: Int64? = nil, status: DashboardRow.Status? = nil, alertingOnly: Bool = false,
        search: String? = nil
    ) {
        self.vendorID = vendorID
        self.serviceID = serviceID
        self.agreementID = agreementID
        self.status = status
        self.alertingOnly = alertingOnly
        self.search = search
    }
}

/// What tells whether a page's row is still as last shown: its series, when it was computed and from which version.
public struct DashboardRowKey: Sendable, Equatable {
    public var seriesID: Int64
    public var refreshedAt: Date
    public var sourceVersion: Int64

    public init(seriesID: Int64, refreshedAt: Date, sourceVersion: Int64) {
        self.seriesID = seriesID
        self.refreshedAt = refreshedAt
        self.sourceVersion = sourceVersion
    }
}

public struct DashboardCounts: Sendable, Equatable {
    public var byStatus: [DashboardRow.Status: Int]
    public var alertingByStatus: [DashboardRow.Status: Int]
    public var alerting: Int
    public var total: Int

    /// How many rows a filter with this status and alert choice finds.
    public func matching(status: DashboardRow.Status?, alertingOnly: Bool) -> Int {
        switch (status, alertingOnly) {
        case (nil, false): self.total
        case (nil, true): self.alerting
        case (let status?, false): self.byStatus[status] ?? 0
        case (let status?, true): self.alertingByStatus[status] ?? 0
        }
    }

    public init(byStatus: [DashboardRow.Status: Int], alertingByStatus: [DashboardRow.Status: Int], alerting: Int, total: Int) {
        self.byStatus = byStatus
        self.alertingByStatus = alertingByStatus
        self.alerting = alerting
        self.total = total
    }
}
