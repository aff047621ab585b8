import AccordDomain
import AccordStorage
import Foundation

/// The credit ledger: credits computed at period close, their totals and export, and the steps a contract manager
/// takes (approve, issue with an invoice reference, waive with a reason), each audited.
public struct CreditLedger: Sendable {
    let repositories: Repositories
    let clock: @Sendable () -> Date

    public init(repositories: Repositories, clock: @escaping @Sendable () -> Date) {
        self.repositories = repositories
        self.clock = clock
    }

    var moves: MoveCredit { MoveCredit(change: Change(repositories: self.repositories, clock: self.clock)) }

    public func page(filter: CreditFilter, page: PageRequest, scope: AccessScope) async throws -> PageOf<Credit> {
        try await self.repositories.credits.list(filter: filter, page: page, scope: scope)
    }

    public func find(id: Int64, scope: AccessScope) async throws -> Credit {
        try await self.repositories.credits.find(id: id, scope: scope)
    }

    /// The amounts owed under `filter` per currency (waived credits left out), as "EUR 1234.50", currencies in order.
    public func totals(filter: CreditFilter, scope: AccessScope) async throws -> [String] {
        let credits = try await self.repositories.credits.all(filter: filter, scope: scope)
        return Self.totals(credits.filter { $0.status != .waived })
    }

    static func totals(_ credits: [Credit]) -> [String] {
        Dictionary(grouping: credits, by: \.currency).sorted { $0.key < $1.key }.map { currency, items in
            Money.format(items.reduce(Decimal(0)) { $0 + $1.amount }, currency)
        }
    }

    /// Every credit under `filter` as RFC 4180 CSV for finance.
    public func export(filter: CreditFilter, scope: AccessScope) async throws -> String {
        CreditExport.csv(try await self.repositories.credits.all(filter: filter, scope: scope))
    }

    /// One status step, refused with 409 when the credit changed since `expectedRowVersion` was read.
    public func perform(_ action: CreditAction, id: Int64, expectedRowVersion: Int, scope: AccessScope, actor: AuditActor) async throws -> Credit {
        try await self.moves.perform(action, id: id, expectedRowVersion: expectedRowVersion, scope: scope, actor: actor)
    }

    /// Approves the credits listed, all or none (see `MoveCredit.approveAll`).
    public func approveAll(_ credits: [(id: Int64, rowVersion: Int)], scope: AccessScope, actor: AuditActor) async throws -> [Credit] {
        try await self.moves.approveAll(credits, scope: scope, actor: actor)
    }

    /// Who moved the credit along and when; a vendor's user reads the customer's people as "the customer".
    public func history(id: Int64, scope: AccessScope, vendorFacing: Bool) async throws -> [CreditHistoryStep] {
        try await self.repositories.credits.history(id: id, scope: scope).map { step in
            var step = step
            if vendorFacing && step.byUser { step.by = customerLabel }
            return step
        }
    }

    /// Totals per vendor, quarter and currency.
    public func summary(filter: CreditFilter, scope: AccessScope) async throws -> [CreditSummaryRow] {
        try await self.repositories.credits.summary(filter: filter, scope: scope)
    }

    /// A vendor's credits by status: "Computed: 2 (EUR 200.00)".
    public func byStatus(vendorID: Int64, scope: AccessScope) async throws -> [String] {
        let credits = try await self.repositories.credits.all(filter: .init(vendorID: vendorID), scope: scope)
        let byStatus = Dictionary(grouping: credits, by: \.status)
        return CreditStatus.allCases.compactMap { status in
            guard let group = byStatus[status] else { return nil }
            return "\(status.label): \(group.count) (\(Self.totals(group).joined(separator: ", ")))"
        }
    }
}
