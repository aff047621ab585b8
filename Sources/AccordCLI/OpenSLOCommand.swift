import AccordApplication
import AccordDomain
import AccordStorage
import ArgumentParser
import Foundation

struct OpenSLOCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "openslo", abstract: "OpenSLO v1 YAML of an agreement's objectives.", subcommands: [Export.self])

    struct Export: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print an agreement's objectives as OpenSLO v1 YAML (a Service and an SLO each).")

        @Option(help: "The agreement's id.") var agreement: Int64

        func run() async throws {
            let id = self.agreement
            let yaml = try await Environment.withRepositories { repositories, _ in
                do {
                    return try await UseCases(repositories: repositories, logger: Environment.logger()).openSLO.export(agreementID: id, scope: .organisation)
                } catch is NotFound {
                    throw ValidationError("No agreement \(id), or it has no version yet.")
                }
            }
            print(yaml, terminator: "")
        }
    }
}
