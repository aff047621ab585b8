import Foundation

/// What the parties write into an RCA's analysis; every edit changes the content hash and so voids signatures.
public struct RCAAnalysisDraft: Sendable, Equatable {
    public var triggerStatement: String
    public var rootCause: String
    public var category: RootCauseCategory?
    public var fiveWhys: [String]
    /// Share per party (nil key: the customer), in percent; empty when no shares are given.
    public var shares: [Int64?: Decimal]

    public init(triggerStatement: String, rootCause: String, category: RootCauseCategory?, fiveWhys: [String], shares: [Int64?: Decimal]) {
        self.triggerStatement = triggerStatement
        self.rootCause = rootCause
        self.category = category
        self.fiveWhys = fiveWhys
        self.shares = shares
    }
}

public struct TimelineDraft: Sendable, Equatable {
    public var at: Date?
    public var text: String
    public var evidenceURL: String

    public init(at: Date?, text: String, evidenceURL: String) {
        self.at = at
        self.text = text
        self.evidenceURL = evidenceURL
    }
}

public struct FactorDraft: Sendable, Equatable {
    public var category: RootCauseCategory?
    public var description: String
    /// nil: the customer.
    public var responsibleVendorID: Int64?

    public init(category: RootCauseCategory?, description: String, responsibleVendorID: Int64?) {
        self.category = category
        self.description = description
        self.responsibleVendorID = responsibleVendorID
    }
}

public struct ActionDraft: Sendable, Equatable {
    public var type: ActionType?
    public var description: String
    public var ownerName: String
    /// nil: the customer.
    public var ownerVendorID: Int64?
    public var dueOn: LocalDate?
    public var checkAfter: LocalDate?

    public init(type: ActionType?, description: String, ownerName: String, ownerVendorID: Int64?, dueOn: LocalDate?, checkAfter: LocalDate?) {
        self.type = type
        self.description = description
        self.ownerName = ownerName
        self.ownerVendorID = ownerVendorID
        self.dueOn = dueOn
        self.checkAfter = checkAfter
    }
}
