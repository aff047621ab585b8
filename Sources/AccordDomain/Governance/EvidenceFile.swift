import Foundation

/// A file attached as evidence, without its content.
public struct EvidenceFile: Sendable, Codable, Equatable {
    public var id: Int64
    public var fileName: String
    public var contentType: String
    public var size: Int
    public var sha256: String
    public var uploadedBy: String?
    public var uploadedAt: Date

    public init(id: Int64, fileName: String, contentType: String, size: Int, sha256: String, uploadedBy: String?, uploadedAt: Date) {
        self.id = id
        self.fileName = fileName
        self.contentType = contentType
        self.size = size
        self.sha256 = sha256
        self.uploadedBy = uploadedBy
        self.uploadedAt = uploadedAt
    }
}

/// A file as it arrives, before it is checked.
public struct EvidenceUpload: Sendable, Equatable {
    public var fileName: String
    public var declaredType: String?
    public var bytes: [UInt8]

    public init(fileName: String, declaredType: String?, bytes: [UInt8]) {
        self.fileName = fileName
        self.declaredType = declaredType
        self.bytes = bytes
    }
}

/// What evidence may be: a few document and image types, recognised by their content, up to a size.
public enum EvidenceRules {
    public static let maximumBytes = 5 * 1024 * 1024
    public static let maximumFiles = 20

    /// The accepted types, each with its extensions and how its content starts.
    public enum Kind: String, CaseIterable, Sendable {
        case pdf = "application/pdf"
        case png = "image/png"
        case jpeg = "image/jpeg"
        case text = "text/plain"
        case csv = "text/csv"
        case json = "application/json"

        var extensions: [String] {
            switch self {
            case .pdf: ["pdf"]
            case .png: ["png"]
            case .jpeg: ["jpg", "jpeg"]
            case .text: ["txt", "log", "md"]
            case .csv: ["csv"]
            case .json: ["json"]
            }
        }

        func matches(_ bytes: [UInt8]) -> Bool {
            switch self {
            case .pdf: bytes.starts(with: Array("%PDF-".utf8))
            case .png: bytes.starts(with: [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
            case .jpeg: bytes.starts(with: [0xFF, 0xD8, 0xFF])
            case .text, .csv, .json: String(validating: bytes, as: UTF8.self) != nil && !bytes.contains(0)
            }
        }
    }

    public static let acceptedText = "PDF, PNG, JPEG, plain text, CSV or JSON"

    /// The file's name without any folder, trimmed; nil when nothing usable is left.
    public static func cleanName(_ name: String) -> String? {
        let base = name.split(whereSeparator: { $0 == "/" || $0 == "\\" }).last.map(String.init) ?? ""
        let trimmed = base.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 200, trimmed != ".", trimmed != "..",
            !trimmed.unicodeScalars.contains(where: { $0.properties.generalCategory == .control })
        else { return nil }
        return trimmed
    }

    /// The accepted kind of an upload, or why it is refused (field `file`).
    public static func check(_ upload: EvidenceUpload, existing: Int) throws -> (name: String, kind: Kind) {
        func refuse(_ message: String) -> ValidationErrors { ValidationErrors([FieldError("file", message)]) }
        guard existing < Self.maximumFiles else { throw refuse("At most \(Self.maximumFiles) files may be attached.") }
        guard let name = Self.cleanName(upload.fileName) else {
            throw refuse("The file needs a name of at most 200 characters without control characters.")
        }
        guard !upload.bytes.isEmpty else { throw refuse("\(name) is empty.") }
        guard upload.bytes.count <= Self.maximumBytes else {
            throw refuse("\(name) is \(Self.sizeText(upload.bytes.count)); evidence files may be at most 5 MiB.")
        }
        let suffix = name.split(separator: ".").count > 1 ? name.split(separator: ".").last.map { $0.lowercased() } ?? "" : ""
        guard let kind = Kind.allCases.first(where: { $0.extensions.contains(suffix) }) else {
            throw refuse("\(name) is not an accepted type: attach \(Self.acceptedText).")
        }
        guard kind.matches(upload.bytes) else {
            throw refuse("\(name) does not contain what its name says (\(kind.rawValue)): attach \(Self.acceptedText).")
        }
        return (name, kind)
    }

    public static func sizeText(_ bytes: Int) -> String {
        if bytes < 1024 { return "\(bytes) bytes" }
        if bytes < 1024 * 1024 { return "\(bytes / 1024) KiB" }
        let tenths = bytes * 10 / (1024 * 1024)
        return "\(tenths / 10).\(tenths % 10) MiB"
    }
}

/// A file just attached to a claim, a dispute or an RCA, and whether adding it voided the RCA's signatures.
public struct AttachedEvidence: Sendable {
    public var file: EvidenceFile
    public var voidedSignatures: Bool

    public init(file: EvidenceFile, voidedSignatures: Bool) {
        self.file = file
        self.voidedSignatures = voidedSignatures
    }

    /// The record's history line its parties read ("evidence added: log.txt (2 KB)"), and the audit line.
    public func effects(subject: GovernanceSubject, id: Int64) -> [Effect] {
        [
            .history(
                subject, id: id, action: "evidence added",
                note: "\(self.file.fileName) (\(EvidenceRules.sizeText(self.file.size)))\(self.voidedSignatures ? " (signatures voided)" : "")"),
            .audit(AuditRecord(action: "attach", entity: "evidence_file", entityID: self.file.id, after: self.file)),
        ]
    }
}
