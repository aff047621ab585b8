import Foundation

/// Text written into a Markdown document (the RCA and meeting pack exports) so that it reads as the words typed,
/// whatever they hold: a line break cannot start a heading, a list item or a table row, raw HTML is shown as text,
/// Markdown's marks are escaped, and a link goes only to an http or https address.
public enum MarkdownText {
    /// `text` as inline content on one line: line breaks and other control characters become spaces, `&`, `<` and `>`
    /// become entities (no raw HTML, no autolink), the marks of emphasis, code, links, headings and tables are escaped
    /// with a backslash, and what would open a block at the start of a line (a list item, a heading underline) is
    /// escaped too, since a table cell or list item may begin with it.
    public static func inline(_ text: String) -> String {
        let flat = String(text.map { Self.breaksLine($0) ? " " : $0 }).trimmingCharacters(in: .whitespaces)
        return Self.guardingLineStart(flat.map(Self.escaped).joined())
    }

    /// Several lines, each escaped as `inline`, kept as hard line breaks; a blank line still starts a new paragraph.
    public static func paragraph(_ text: String) -> String {
        text.trimmingCharacters(in: .whitespacesAndNewlines)
            .split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
            .map { Self.inline(String($0)) }
            .joined(separator: "  \n")
    }

    /// An autolink (`<https://…>`) to `address` when it is an http or https address with a host; every character that
    /// could end the link or break out of it (`>`, spaces, brackets, parentheses, `|`, quotes, non-ASCII) is
    /// percent-encoded. Nil for any other scheme (`javascript:`, `data:`): such an address is only ever shown as text.
    public static func link(_ address: String) -> String? {
        let trimmed = address.trimmingCharacters(in: .whitespaces)
        let lower = trimmed.lowercased()
        guard lower.hasPrefix("https://") || lower.hasPrefix("http://") else { return nil }
        let encoded = trimmed.utf8.map { byte in
            Self.linkSafe.contains(byte) ? String(Character(Unicode.Scalar(byte))) : String(format: "%%%02X", byte)
        }.joined()
        guard let host = URL(string: encoded)?.host, !host.isEmpty else { return nil }
        return "<\(encoded)>"
    }

    /// The link as `link` writes it, or the address as escaped text when it is not an http or https address.
    public static func linkOrText(_ address: String) -> String {
        Self.link(address) ?? Self.inline(address)
    }

    /// ASCII letters, digits and the URL punctuation that neither ends an autolink nor means anything to Markdown there.
    static let linkSafe: Set<UInt8> = Set(
        Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~:/?#@!$&+,;=%".utf8))

    static func breaksLine(_ character: Character) -> Bool {
        character.isNewline || character.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }

    static func escaped(_ character: Character) -> String {
        switch character {
        case "&": "&amp;"
        case "<": "&lt;"
        case ">": "&gt;"
        case "\\", "`", "*", "_", "[", "]", "(", ")", "#", "|", "~": "\\" + String(character)
        default: String(character)
        }
    }

    /// Escapes what would open a block at the start of a line: a bullet (`-`, `+`), a thematic break or heading
    /// underline (`--`, `=`), or an ordered item (`1.`). `*`, `#`, `>` and fences are escaped wherever they stand.
    static func guardingLineStart(_ text: String) -> String {
        guard let first = text.first else { return text }
        let second = text.dropFirst().first
        if first == "=" || ((first == "-" || first == "+") && (second == nil || second == " " || second == first)) {
            return "\\" + text
        }
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        let rest = text.dropFirst(digits.count)
        if !digits.isEmpty, rest.first == ".", rest.dropFirst().first == nil || rest.dropFirst().first == " " {
            return String(digits) + "\\" + String(rest)
        }
        return text
    }
}
