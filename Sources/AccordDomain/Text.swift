import Foundation

/// Shared checks for free-text fields.
enum Text {
    static func requireName(_ value: String, field: String, label: String = "Name", into errors: inout ValidationErrors) {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        if trimmed.isEmpty {
            errors.add(field, "\(label) is required.")
        } else if trimmed.count > 200 {
            errors.add(field, "\(label) must be at most 200 characters.")
        }
    }

    static func looksLikeEmail(_ value: String) -> Bool {
        let parts = value.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".") && !value.contains(" ") && value.count <= 254
    }

    static func isCurrencyCode(_ value: String) -> Bool {
        value.count == 3 && value.allSatisfy { $0.isASCII && $0.isUppercase && $0.isLetter }
    }
}
