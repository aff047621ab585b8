import Foundation

public enum AgreementKind: String, Sendable, Codable, CaseIterable {
    /// The end-to-end commitment for one business service.
    case master
    /// An underpinning agreement with one vendor that supports a master SLA.
    case vendor
}

public enum AgreementStatus: String, Sendable, Codable, CaseIterable {
    case draft, active, expired, terminated

    /// The statuses a person may move an agreement to from this one.
    public var allowedTransitions: [AgreementStatus] {
        switch self {
        case .draft: [.active]
        case .active: [.expired, .terminated]
        case .expired, .terminated: []
        }
    }
}

public enum DependencyKind: String, Sendable, Codable, CaseIterable {
    /// The master needs this vendor SLA: availabilities multiply.
    case serial
    /// One of a redundant group: the master fails only when every member fails.
    case parallel
}

public enum FeePeriod: String, Sendable, Codable, CaseIterable {
    case month, quarter, year
}

/// A master SLA or a vendor SLA, with the commercial frame (fee, dates, status) around its versioned terms.
public struct Agreement: Sendable, Encodable, Equatable {
    public var id: Int64
    public var kind: AgreementKind
    public var title: String
    public var serviceID: Int64
    public var serviceName: String
    public var vendorID: Int64?
    public var vendorName: String?
    public var masterID: Int64?
    public var masterTitle: String?
    public var dependencyKind: DependencyKind?
    public var parallelGroup: String?
    public var fee: Decimal
    public var currency: String
    public var feePeriod: FeePeriod
    public var timeZone: String
    public var startDate: LocalDate
    public var endDate: LocalDate?
    public var renewalDate: LocalDate?
    public var noticeDate: LocalDate?
    public var status: AgreementStatus
    public var rowVersion: Int
    public var updatedAt: Date

    public init(
        id: Int64, kind: AgreementKind, title: String, serviceID: Int64, serviceName: String, vendorID: Int64?, vendorName: String?,
        masterID: Int64?, masterTitle: String?, dependencyKind: DependencyKind?, parallelGroup: String?, fee: Decimal, currency: String,
        feePeriod: FeePeriod, timeZone: String, startDate: LocalDate, endDate: LocalDate?, renewalDate: LocalDate?,
        noticeDate: LocalDate?, status: AgreementStatus, rowVersion: Int, updatedAt: Date
    ) {
        self.id = id
        self.kind = kind
        self.title = title
        self.serviceID = serviceID
        self.serviceName = serviceName
        self.vendorID = vendorID
        self.vendorName = vendorName
        self.masterID = masterID
        self.masterTitle = masterTitle
        self.dependencyKind = dependencyKind
        self.parallelGroup = parallelGroup
        self.fee = fee
        self.currency = currency
        self.feePeriod = feePeriod
        self.timeZone = timeZone
        self.startDate = startDate
        self.endDate = endDate
        self.renewalDate = renewalDate
        self.noticeDate = noticeDate
        self.status = status
        self.rowVersion = rowVersion
        self.updatedAt = updatedAt
    }
}

/// What a person submits to create or change an agreement's frame.
///
/// For a vendor SLA the service is the master's service; `serviceID` is ignored.
public struct AgreementDraft: Sendable, Codable, Equatable {
    public var kind: AgreementKind
    public var title: String
    public var serviceID: Int64?
    public var vendorID: Int64?
    public var masterID: Int64?
    public var dependencyKind: DependencyKind?
    public var parallelGroup: String?
    public var fee: Decimal
    public var currency: String
    public var feePeriod: FeePeriod
    public var timeZone: String
    public var startDate: LocalDate?
    public var endDate: LocalDate?
    public var renewalDate: LocalDate?
    public var noticeDate: LocalDate?

    public init(
        kind: AgreementKind, title: String, serviceID: Int64? = nil, vendorID: Int64? = nil, masterID: Int64? = nil,
        dependencyKind: DependencyKind? = nil, parallelGroup: String? = nil, fee: Decimal = 0, currency: String = "EUR",
        feePeriod: FeePeriod = .month, timeZone: String = "UTC", startDate: LocalDate?, endDate: LocalDate? = nil,
        renewalDate: LocalDate? = nil, noticeDate: LocalDate? = nil
    ) {
        self.kind = kind
        self.title = title
        self.serviceID = serviceID
        self.vendorID = vendorID
        self.masterID = masterID
        self.dependencyKind = dependencyKind
        self.parallelGroup = parallelGroup
        self.fee = fee
        self.currency = currency
        self.feePeriod = feePeriod
        self.timeZone = timeZone
        self.startDate = startDate
        self.endDate = endDate
        self.renewalDate = renewalDate
        self.noticeDate = noticeDate
    }

    public func validate() -> ValidationErrors {
        var errors = ValidationErrors()
        Text.requireName(self.title, field: "title", label: "Title", into: &errors)
        switch self.kind {
        case .master:
            if self.serviceID == nil { errors.add("service_id", "Choose the service this master SLA covers.") }
        case .vendor:
            if self.vendorID == nil { errors.add("vendor_id", "Choose the vendor this SLA is with.") }
            if self.masterID == nil { errors.add("master_id", "Choose the master SLA this vendor SLA supports.") }
            if self.dependencyKind == nil { errors.add("dependency_kind", "Choose serial or parallel.") }
            if self.dependencyKind == .parallel, (self.parallelGroup ?? "").trimmingCharacters(in: .whitespaces).isEmpty {
                errors.add("parallel_group", "Name the parallel group this vendor SLA is redundant within.")
            }
        }
        if self.fee < 0 { errors.add("fee", "Fee must not be negative.") }
        if self.fee >= Bounds.maximumFee { errors.add("fee", "Fee must be below 1,000,000,000,000,000 in its currency.") }
        if !Text.isCurrencyCode(self.currency) { errors.add("currency", "Currency must be a three-letter ISO code such as EUR.") }
        if let problem = TimeZoneDatabase.problem(with: self.timeZone) { errors.add("time_zone", problem) }
        guard let start = self.startDate else {
            errors.add("start_date", "Start date is required (YYYY-MM-DD).")
            return errors
        }
        if let end = self.endDate, end <= start { errors.add("end_date", "End date must be after the start date.") }
        if let notice = self.noticeDate {
            if notice < start { errors.add("notice_date", "Notice date must not be before the start date.") }
            if let end = self.endDate, notice > end { errors.add("notice_date", "Notice date must not be after the end date.") }
        }
        if let renewal = self.renewalDate, renewal < start { errors.add("renewal_date", "Renewal date must not be before the start date.") }
        return errors
    }
}

extension Agreement {
    enum CodingKeys: String, CodingKey {
        case id, kind, title, serviceID, serviceName, vendorID, vendorName, masterID, masterTitle, dependencyKind, parallelGroup, fee, currency, feePeriod, timeZone, startDate, endDate, renewalDate, noticeDate, status, rowVersion, updatedAt
    }

    /// The fee as money: a string in the currency's minor unit (`"1000.00"`).
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(self.id, forKey: .id)
        try container.encode(self.kind, forKey: .kind)
        try container.encode(self.title, forKey: .title)
        try container.encode(self.serviceID, forKey: .serviceID)
        try container.encode(self.serviceName, forKey: .serviceName)
        try container.encodeIfPresent(self.vendorID, forKey: .vendorID)
        try container.encodeIfPresent(self.vendorName, forKey: .vendorName)
        try container.encodeIfPresent(self.masterID, forKey: .masterID)
        try container.encodeIfPresent(self.masterTitle, forKey: .masterTitle)
        try container.encodeIfPresent(self.dependencyKind, forKey: .dependencyKind)
        try container.encodeIfPresent(self.parallelGroup, forKey: .parallelGroup)
        try container.encode(CreditCalculator.minorUnitText(self.fee, currency: self.currency), forKey: .fee)
        try container.encode(self.currency, forKey: .currency)
        try container.encode(self.feePeriod, forKey: .feePeriod)
        try container.encode(self.timeZone, forKey: .timeZone)
        try container.encode(self.startDate, forKey: .startDate)
        try container.encodeIfPresent(self.endDate, forKey: .endDate)
        try container.encodeIfPresent(self.renewalDate, forKey: .renewalDate)
        try container.encodeIfPresent(self.noticeDate, forKey: .noticeDate)
        try container.encode(self.status, forKey: .status)
        try container.encode(self.rowVersion, forKey: .rowVersion)
        try container.encode(self.updatedAt, forKey: .updatedAt)
    }
}
