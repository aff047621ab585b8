import AccordDomain
import Crypto
import Foundation
import Logging
import PostgresNIO

/// Files attached as evidence, kept in PostgreSQL. A file is reached only through its subject (a claim, a dispute, a
/// root-cause analysis or an action), which is looked up through the caller's scope first.
public struct EvidenceRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    /// Whether the subject exists and the scope sees it.
    static func visibility(_ subject: GovernanceSubject, id: Int64, scope: AccessScope) -> PostgresQuery {
        switch subject {
        case .claim:
            "SELECT 1 FROM exclusion_claims WHERE id = \(id) AND \(visibleTo: scope, vendor: "vendor_id")"
        case .dispute:
            "SELECT 1 FROM disputes WHERE id = \(id) AND \(visibleTo: scope, vendor: "vendor_id")"
        case .rca:
            "SELECT 1 FROM rca_parties WHERE rca_id = \(id) AND \(visibleTo: scope, vendor: "vendor_id") LIMIT 1"
        case .action:
            """
            SELECT 1 FROM corrective_actions ca JOIN rca_parties p ON p.rca_id = ca.rca_id
            WHERE ca.id = \(id) AND \(visibleTo: scope, vendor: "p.vendor_id") LIMIT 1
            """
        case .meeting, .reviewItem, .proposal:
            // review records carry no evidence files
            "SELECT 1 WHERE false"
        }
    }

    func requireVisible(_ subject: GovernanceSubject, id: Int64, scope: AccessScope) async throws {
        if try await self.database.query(Self.visibility(subject, id: id, scope: scope)).isEmpty { throw NotFound(subject.rawValue) }
    }

    static let columns = """
        SELECT f.id, f.file_name, f.content_type, f.size, f.sha256, u.name AS uploaded_by, (u.role <> 'vendor') AS by_customer, f.uploaded_at,
               f.uploader_vendor_id, uv.name AS uploader_vendor
        FROM evidence_files f LEFT JOIN users u ON u.id = f.uploaded_by LEFT JOIN vendors uv ON uv.id = f.uploader_vendor_id
        """

    /// A file as `viewer` (a vendor, or nil for the customer) reads it: the customer's people appear as the customer,
    /// another vendor's people as their vendor.
    static func file(_ row: PostgresRow, viewer: Int64?) throws -> EvidenceFile {
        let cells = row.makeRandomAccess()
        let byCustomer = try cells.value("by_customer", as: Bool?.self) ?? false
        var name: String? = try cells.value("uploaded_by")
        if let viewer, name != nil {
            let uploaderVendor: Int64? = try cells.value("uploader_vendor_id")
            if byCustomer { name = customerLabel } else if uploaderVendor != viewer { name = try cells.value("uploader_vendor", as: String?.self) ?? "another party" }
        }
        return EvidenceFile(
            id: try cells.value("id"), fileName: try cells.value("file_name"), contentType: try cells.value("content_type"),
            size: try cells.value("size"), sha256: try cells.value("sha256"), uploadedBy: name, uploadedAt: try cells.value("uploaded_at"))
    }

    public func list(_ subject: GovernanceSubject, id: Int64, scope: AccessScope) async throws -> [EvidenceFile] {
        try await self.requireVisible(subject, id: id, scope: scope)
        return try await self.database.query(
            "\(unescaped: Self.columns) WHERE f.subject_kind = \(subject.rawValue) AND f.subject_id = \(id) ORDER BY f.uploaded_at, f.id"
        ).map { try Self.file($0, viewer: scope.vendorID) }
    }

    /// Checks and stores a file; refused (field `file`) when it is too large, of a type not accepted, or one too many.
    public func attach(_ subject: GovernanceSubject, id: Int64, _ upload: EvidenceUpload, scope: AccessScope, actor: AuditActor, now: Date)
        async throws -> AttachedEvidence
    {
        let logger = self.database.logger
        return try await self.database.transaction { connection in
            if try await connection.rows(Self.visibility(subject, id: id, scope: scope), logger: logger).isEmpty {
                throw NotFound(subject.rawValue)
            }
            // an RCA's evidence is part of the content its parties sign: added only while it is written, and adding it
            // changes the hash (earlier signatures no longer count)
            let bound = self.database.bound(to: connection)
            let rcaBefore = subject == .rca ? try await RCARepository.lock(id, scope: scope, on: bound) : nil
            if let rcaBefore, !rcaBefore.status.isEditable {
                throw RuleViolation("Evidence is added to an RCA while it is written; one that is \(rcaBefore.status.label) is final.")
            }
            let existing = try await connection.rows(
                "SELECT count(*)::int8 FROM evidence_files WHERE subject_kind = \(subject.rawValue) AND subject_id = \(id)", logger: logger
            ).first?.decode(Int.self) ?? 0
            let (name, kind) = try EvidenceRules.check(upload, existing: existing)
            let digest = SHA256.hash(data: upload.bytes).map { String(format: "%02x", $0) }.joined()
            let fileID = try await connection.rows(
                """
                INSERT INTO evidence_files (subject_kind, subject_id, file_name, content_type, size, sha256, content, uploaded_by, uploader_vendor_id,
                                            uploaded_at)
                VALUES (\(subject.rawValue), \(id), \(name), \(kind.rawValue), \(upload.bytes.count), \(digest), \(ByteBuffer(bytes: upload.bytes)),
                        \(actor.userID), (SELECT vendor_id FROM users WHERE id = \(actor.userID)::int8), \(now))
                RETURNING id
                """, logger: logger
            ).first!.decode(Int64.self)
            let file = try Self.file(
                try await connection.rows("\(unescaped: Self.columns) WHERE f.id = \(fileID)", logger: logger).first!, viewer: nil)
            var voided = false
            if let rcaBefore {
                try await bound.query("UPDATE rcas SET status = 'in_progress' WHERE id = \(id) AND status <> 'in_progress'")
                let after = try await RCARepository.refreshHash(id, on: bound)
                voided = rcaBefore.parties.contains(where: \.signed) && after.contentHash != rcaBefore.contentHash
            }
            return AttachedEvidence(file: file, voidedSignatures: voided)
        }
    }

    /// Attaches every file or none: one refused file leaves the record as it was.
    public func attachAll(_ subject: GovernanceSubject, id: Int64, _ uploads: [EvidenceUpload], scope: AccessScope, actor: AuditActor, now: Date)
        async throws -> [AttachedEvidence]
    {
        guard !uploads.isEmpty else { throw ValidationErrors([FieldError("file", "Choose a file to attach.")]) }
        return try await self.database.transaction { connection in
            let evidence = EvidenceRepository(database: self.database.bound(to: connection))
            var stored: [AttachedEvidence] = []
            for upload in uploads { stored.append(try await evidence.attach(subject, id: id, upload, scope: scope, actor: actor, now: now)) }
            return stored
        }
    }

    /// A file and its bytes, through its subject.
    public func content(_ subject: GovernanceSubject, id: Int64, fileID: Int64, scope: AccessScope) async throws -> (EvidenceFile, [UInt8]) {
        try await self.requireVisible(subject, id: id, scope: scope)
        guard
            let row = try await self.database.query(
                """
                SELECT f.id, f.file_name, f.content_type, f.size, f.sha256, u.name AS uploaded_by, (u.role <> 'vendor') AS by_customer,
                       f.uploaded_at, f.uploader_vendor_id, uv.name AS uploader_vendor, f.content
                FROM evidence_files f LEFT JOIN users u ON u.id = f.uploaded_by LEFT JOIN vendors uv ON uv.id = f.uploader_vendor_id
                WHERE f.id = \(fileID) AND f.subject_kind = \(subject.rawValue) AND f.subject_id = \(id)
                """
            ).first
        else { throw NotFound("file") }
        var buffer = try row.makeRandomAccess().value("content", as: ByteBuffer.self)
        return (try Self.file(row, viewer: scope.vendorID), buffer.readBytes(length: buffer.readableBytes) ?? [])
    }
}
