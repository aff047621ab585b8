import AccordDomain
import Foundation
import Logging
import PostgresNIO


/// Meeting packs. A vendor's users read only their own vendor's pack of a meeting they see; the internal pack is the
/// customer's.
public struct PackRepository: Sendable {
    let database: Database

    public init(database: Database) {
        self.database = database
    }

    static let columns = """
        SELECT p.id, p.meeting_id, p.audience_vendor_id, p.revision, p.snapshot, p.sha256, p.moved::text, p.generated_at, u.name
        FROM review_packs p LEFT JOIN users u ON u.id = p.generated_by
        """

    static func pack(_ row: PostgresRow) throws -> StoredPack {
        let v = try row.decode((Int64, Int64, Int64?, Int, String, String, String, Date, String?).self)
        return StoredPack(
            id: v.0, meetingID: v.1, audienceVendorID: v.2, revision: v.3, snapshot: v.4, sha256: v.5,
            moved: (try? JSONDecoder().decode([String].self, from: Data(v.6.utf8))) ?? [], generatedAt: v.7, generatedBy: v.8)
    }

    /// The latest revision of each audience's pack of a meeting the scope sees: a vendor gets its own only.
    public func latest(meetingID: Int64, scope: AccessScope) async throws -> [StoredPack] {
        try await self.database.query(
            """
            SELECT DISTINCT ON (coalesce(p.audience_vendor_id, 0)) \(unescaped: String(Self.columns.dropFirst("SELECT ".count)))
            WHERE p.meeting_id = \(meetingID) AND \(visibleTo: scope, vendor: "p.audience_vendor_id")
            ORDER BY coalesce(p.audience_vendor_id, 0), p.revision DESC
            """
        ).map(Self.pack)
    }

    /// The latest revision of each audience's pack of several meetings in one query (lists of meetings), by meeting;
    /// without the snapshots' text.
    public func latest(meetingIDs: [Int64], scope: AccessScope) async throws -> [Int64: [StoredPack]] {
        guard !meetingIDs.isEmpty else { return [:] }
        let packs = try await self.database.query(
            """
            SELECT DISTINCT ON (p.meeting_id, coalesce(p.audience_vendor_id, 0)) p.id, p.meeting_id, p.audience_vendor_id, p.revision, '', p.sha256,
                   p.moved::text, p.generated_at, u.name
            FROM review_packs p LEFT JOIN users u ON u.id = p.generated_by
            WHERE p.meeting_id = ANY(\(meetingIDs)::int8[]) AND \(visibleTo: scope, vendor: "p.audience_vendor_id")
            ORDER BY p.meeting_id, coalesce(p.audience_vendor_id, 0), p.revision DESC
            """
        ).map(Self.pack)
        return Dictionary(grouping: packs, by: \.meetingID)
    }

    /// Which of these meetings have a pack the scope may read (a vendor: its own).
    public func packed(meetingIDs: [Int64], scope: AccessScope) async throws -> Set<Int64> {
        guard !meetingIDs.isEmpty else { return [] }
        return Set(
            try await self.database.query(
                """
                SELECT DISTINCT meeting_id FROM review_packs
                WHERE meeting_id = ANY(\(meetingIDs)::int8[]) AND \(visibleTo: scope, vendor: "audience_vendor_id")
                """
            ).map { try $0.decode(Int64.self) })
    }

    /// One revision the scope may read.
    public func find(id: Int64, scope: AccessScope) async throws -> StoredPack {
        guard
            let row = try await self.database.query(
                """
                \(unescaped: Self.columns)
                WHERE p.id = \(id) AND \(visibleTo: scope, vendor: "p.audience_vendor_id")
                  AND p.meeting_id IN (SELECT m.id FROM review_meetings m WHERE m.series_id IN (\(unescaped: ReviewRepository.visibleSeries(scope))))
                """
            ).first
        else { throw NotFound("pack") }
        return try Self.pack(row)
    }

    /// Every revision of one audience's pack, latest first (without the snapshots' text).
    public func revisions(meetingID: Int64, audienceVendorID: Int64?, scope: AccessScope) async throws -> [StoredPack] {
        guard scope.vendorID == nil || scope.vendorID == audienceVendorID else { return [] }
        return try await self.database.query(
            """
            SELECT p.id, p.meeting_id, p.audience_vendor_id, p.revision, '', p.sha256, p.moved::text, p.generated_at, u.name
            FROM review_packs p LEFT JOIN users u ON u.id = p.generated_by
            WHERE p.meeting_id = \(meetingID) AND coalesce(p.audience_vendor_id, 0) = \(audienceVendorID ?? 0)
            ORDER BY p.revision DESC LIMIT 100
            """
        ).map(Self.pack)
    }

    /// Meetings whose pre-read deadline has come and that have no pack made since it (a pack frozen early by hand, or
    /// before the meeting moved, is followed by one at the deadline), claimed for ten minutes with `SKIP LOCKED`: a
    /// second runner skips them, and a claim whose runner died is taken again once it expires.
    public func claimDue(now: Date, limit: Int = 20) async throws -> [Int64] {
        try await self.database.query(
            """
            UPDATE review_meetings SET pack_claimed_at = \(now)
            WHERE id IN (
                SELECT m.id FROM review_meetings m
                WHERE m.status = 'planned' AND m.pack_due_at <= \(now) AND m.ends_at > \(now)
                  AND (m.pack_claimed_at IS NULL OR m.pack_claimed_at < \(now.addingTimeInterval(-600)))
                  AND NOT EXISTS (SELECT 1 FROM review_packs p WHERE p.meeting_id = m.id AND p.generated_at >= m.pack_due_at)
                ORDER BY m.pack_due_at, m.id LIMIT \(min(max(1, limit), 100))
                FOR UPDATE SKIP LOCKED)
            RETURNING id
            """
        ).map { try $0.decode(Int64.self) }
    }

    public struct NewPack: Sendable {
        public var audienceVendorID: Int64?
        public var snapshot: String
        public var sha256: String
        /// Headline figures that differ from the previous revision, as sentences.
        public var moved: [String]

        public init(audienceVendorID: Int64?, snapshot: String, sha256: String, moved: [String]) {
            self.audienceVendorID = audienceVendorID
            self.snapshot = snapshot
            self.sha256 = sha256
            self.moved = moved
        }
    }

    /// Stores a meeting's packs: one revision per audience, all or none. `scheduled`: the job's run, which stores
    /// nothing when a pack was made since the pre-read deadline (so the scheduled pack is made once, whatever the runners).
    public func freeze(meetingID: Int64, _ packs: [NewPack], scheduled: Bool, actor: AuditActor, now: Date) async throws -> [StoredPack] {
        try await self.database.transaction { connection in
            let bound = self.database.bound(to: connection)
            guard try await !bound.query("SELECT 1 FROM review_meetings WHERE id = \(meetingID) FOR UPDATE").isEmpty else { throw NotFound("meeting") }
            if scheduled,
                try await !bound.query(
                    """
                    SELECT 1 FROM review_packs p JOIN review_meetings m ON m.id = p.meeting_id
                    WHERE p.meeting_id = \(meetingID) AND p.generated_at >= m.pack_due_at LIMIT 1
                    """
                ).isEmpty
            {
                return []
            }
            var stored: [StoredPack] = []
            for pack in packs {
                let moved = String(decoding: try JSONEncoder().encode(pack.moved), as: UTF8.self)
                guard
                    let row = try await bound.query(
                        """
                        INSERT INTO review_packs (meeting_id, audience_vendor_id, revision, snapshot, sha256, moved, generated_at, generated_by)
                        SELECT \(meetingID), \(pack.audienceVendorID), coalesce(max(revision), 0) + 1, \(pack.snapshot), \(pack.sha256),
                               \(moved)::jsonb, \(now), \(actor.userID)
                        FROM review_packs WHERE meeting_id = \(meetingID) AND coalesce(audience_vendor_id, 0) = \(pack.audienceVendorID ?? 0)
                        RETURNING id
                        """
                    ).first
                else { continue }
                let id = try row.decode(Int64.self)
                guard let saved = try await bound.query("\(unescaped: Self.columns) WHERE p.id = \(id)").first.map(Self.pack) else { continue }
                stored.append(saved)
            }
            return stored
        }
    }
}
