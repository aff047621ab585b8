import AccordApplication
import AccordDomain
import AccordStorage
import ArgumentParser
import Foundation

struct StatementCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "statement", abstract: "Signed monthly statements.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Check statement files: each one's SHA-256 and Ed25519 signature, and that each names the one before it (give them oldest first).",
            discussion: """
                The key is the one given with --public-key (as /statements/keys.json publishes it), or else each file's own key, \
                which proves only that the file is intact. Exits 1 when any check fails.
                """)

        @Option(name: .customLong("public-key"), help: "The Ed25519 public key to check against, base64.") var publicKey: String?
        @Argument(help: "Statement files (statement.json downloads), oldest first.") var files: [String]

        func run() async throws {
            var failed = false
            var previous: Data?
            for path in self.files {
                guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("\(path) cannot be read.") }
                // the chain is checked between consecutive files of one agreement
                var linked = previous
                if let earlier = previous, StatementSigning.verify(earlier).agreement != StatementSigning.verify(data).agreement { linked = nil }
                let verdict = StatementSigning.verify(data, publicKey: self.publicKey, previous: linked)
                let what = "\(verdict.agreement ?? "?"), \(verdict.month ?? "?"), revision \(verdict.revision ?? "?")"
                if verdict.valid {
                    print("valid    \(path): \(what), SHA-256 \(verdict.sha256 ?? "")\(self.publicKey == nil ? " (checked against the key in the file)" : "")")
                } else {
                    failed = true
                    print("INVALID  \(path): \(what)")
                    for problem in verdict.problems { print("         \(problem)") }
                }
                previous = data
            }
            if failed { throw ExitCode(1) }
        }
    }
}
