import Foundation

/// Splits a migration file into single statements, since PostgreSQL's extended protocol runs one at a time.
///
/// Understands `--` comments, quoted strings and identifiers, and `$tag$` bodies, so a `;` inside them does not split.
public enum SQLScript {
    public static func statements(in script: String) -> [String] {
        var statements: [String] = []
        var current = ""
        let characters = Array(script)
        var index = 0
        while index < characters.count {
            let character = characters[index]
            if character == "-", index + 1 < characters.count, characters[index + 1] == "-" {
                while index < characters.count, characters[index] != "\n" { index += 1 }
                continue
            }
            if character == "'" || character == "\"" {
                let end = Self.closing(character, in: characters, from: index + 1)
                current.append(contentsOf: characters[index..<end])
                index = end
                continue
            }
            if character == "$", let tag = Self.dollarTag(in: characters, at: index) {
                let end = Self.closingDollar(tag, in: characters, from: index + tag.count)
                current.append(contentsOf: characters[index..<end])
                index = end
                continue
            }
            if character == ";" {
                Self.append(current, to: &statements)
                current = ""
            } else {
                current.append(character)
            }
            index += 1
        }
        Self.append(current, to: &statements)
        return statements
    }

    private static func append(_ statement: String, to statements: inout [String]) {
        let trimmed = statement.trimmingCharacters(in: .whitespacesAndNewlines)
        if !trimmed.isEmpty { statements.append(trimmed) }
    }

    private static func closing(_ quote: Character, in characters: [Character], from start: Int) -> Int {
        var index = start
        while index < characters.count {
            if characters[index] == quote {
                if index + 1 < characters.count, characters[index + 1] == quote {
                    index += 2
                    continue
                }
                return index + 1
            }
            index += 1
        }
        return characters.count
    }

    private static func dollarTag(in characters: [Character], at start: Int) -> [Character]? {
        var index = start + 1
        while index < characters.count, characters[index].isLetter || characters[index] == "_" { index += 1 }
        guard index < characters.count, characters[index] == "$" else { return nil }
        return Array(characters[start...index])
    }

    private static func closingDollar(_ tag: [Character], in characters: [Character], from start: Int) -> Int {
        var index = start
        while index + tag.count <= characters.count {
            if Array(characters[index..<index + tag.count]) == tag { return index + tag.count }
            index += 1
        }
        return characters.count
    }
}
