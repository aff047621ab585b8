import Foundation
import Testing

@testable import AccordDomain

/// Text written into the Markdown exports reads as typed: no HTML, no block of its own, no link but to http(s).
@Suite("Markdown text")
struct MarkdownTextTests {
    static let hostile = [
        "<script>alert(1)</script>", "Title\n# Heading\n- bullet\n1. item", "a | b | c", "[click](javascript:alert(1))",
        "![x](https://evil.example/x.png)", "<https://evil.example>", "`code` *bold* _em_ ~~gone~~", "&lt;script&gt;", "line\r\n---\r\n===",
        "    indented code", "> quoted", "\u{2028}# after a line separator", "tab\there", "[ref]: https://evil.example",
    ]

    @Test func rawHTMLIsShownAsText() {
        #expect(MarkdownText.inline("<script>alert(1)</script>") == "&lt;script&gt;alert\\(1\\)&lt;/script&gt;")
        #expect(MarkdownText.inline("R&D <b>") == "R&amp;D &lt;b&gt;")
        // an entity typed as text stays text
        #expect(MarkdownText.inline("&lt;script&gt;") == "&amp;lt;script&amp;gt;")
    }

    @Test func aLineBreakAddsNoHeadingBulletOrRow() {
        #expect(MarkdownText.inline("Title\n# Heading\n- bullet") == "Title \\# Heading - bullet")
        #expect(MarkdownText.inline("Room 1\r\n| x | y |") == "Room 1 \\| x \\| y \\|")
        #expect(MarkdownText.inline("a\u{2028}b\u{2029}c\u{85}d") == "a b c d")
    }

    @Test func whatWouldOpenABlockAtTheStartOfALineIsEscaped() {
        #expect(MarkdownText.inline("# Heading") == "\\# Heading")
        #expect(MarkdownText.inline("- bullet") == "\\- bullet")
        #expect(MarkdownText.inline("+ bullet") == "\\+ bullet")
        #expect(MarkdownText.inline("---") == "\\---")
        #expect(MarkdownText.inline("=== ") == "\\===")
        #expect(MarkdownText.inline("1. item") == "1\\. item")
        #expect(MarkdownText.inline("2026.") == "2026\\.")
        #expect(MarkdownText.inline("> quoted") == "&gt; quoted")
        #expect(MarkdownText.inline("    indented code") == "indented code")
        // figures stay as they read
        #expect(MarkdownText.inline("99.95") == "99.95")
        #expect(MarkdownText.inline("-0.123") == "-0.123")
        #expect(MarkdownText.inline("+2.000") == "+2.000")
        #expect(MarkdownText.inline("2026-12-02") == "2026-12-02")
    }

    @Test func marksOfEmphasisCodeLinksAndTablesAreEscaped() {
        #expect(MarkdownText.inline("`code` *bold* _em_ ~~gone~~") == "\\`code\\` \\*bold\\* \\_em\\_ \\~\\~gone\\~\\~")
        #expect(MarkdownText.inline("[click](javascript:alert(1))") == "\\[click\\]\\(javascript:alert\\(1\\)\\)")
        #expect(MarkdownText.inline("a|b") == "a\\|b")
        #expect(MarkdownText.inline("back\\slash") == "back\\\\slash")
    }

    /// Property: whatever is typed, inline text is one line with no raw HTML, no unescaped link or table mark.
    @Test func noTypedTextEscapesItsLine() {
        for text in Self.hostile {
            let written = MarkdownText.inline(text)
            #expect(!written.contains { $0.isNewline }, "\(text)")
            #expect(!written.contains("<") && !written.contains(">"), "\(text)")
            for mark in ["[", "]", "(", ")", "|", "`", "*", "_", "#"] {
                let marks = written.components(separatedBy: mark).count - 1
                let escaped = written.components(separatedBy: "\\" + mark).count - 1
                #expect(marks == escaped, "\(text): an unescaped \(mark) in \(written)")
            }
            #expect(!written.hasPrefix(" ") && !written.hasPrefix("-") && !written.hasPrefix("="), "\(text)")
        }
    }

    @Test func aParagraphKeepsItsLinesEachEscaped() {
        #expect(MarkdownText.paragraph("first line\nsecond line") == "first line  \nsecond line")
        #expect(MarkdownText.paragraph("Cause\n# not a heading\n- not a bullet") == "Cause  \n\\# not a heading  \n\\- not a bullet")
        #expect(MarkdownText.paragraph("\nonly\n") == "only")
    }

    @Test func onlyHTTPAddressesBecomeLinks() {
        #expect(MarkdownText.link("https://status.example/incidents/1042") == "<https://status.example/incidents/1042>")
        #expect(MarkdownText.link("HTTP://status.example/a?b=1&c=2#d") == "<HTTP://status.example/a?b=1&c=2#d>")
        for address in ["javascript:alert(1)", "JavaScript:alert(1)", "data:text/html,<script>", "ftp://x.example/a", "https://", "//evil.example", ""] {
            #expect(MarkdownText.link(address) == nil, "\(address)")
        }
        #expect(MarkdownText.linkOrText("javascript:alert(1)") == "javascript:alert\\(1\\)")
    }

    @Test func anAddressCannotBreakOutOfItsLink() {
        let link = MarkdownText.link("https://x/a> [c](javascript:alert(1))")
        #expect(link == "<https://x/a%3E%20%5Bc%5D%28javascript:alert%281%29%29>")
        let pipe = MarkdownText.link("https://x.example/a|b \"q\" 'r' `s` <t> ü")
        #expect(pipe == "<https://x.example/a%7Cb%20%22q%22%20%27r%27%20%60s%60%20%3Ct%3E%20%C3%BC>")
        for address in ["https://x/a> [c](javascript:alert(1))", "https://x.example/<script>", "https://x.example/a\nb", "https://x.example/a)(b"] {
            let written = MarkdownText.link(address) ?? ""
            #expect(written.hasPrefix("<https://") && written.hasSuffix(">"), "\(address) → \(written)")
            let inner = written.dropFirst().dropLast()
            #expect(!inner.contains { "<> ()[]|\n\"`".contains($0) }, "\(address) → \(written)")
        }
    }
}
