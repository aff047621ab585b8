import AccordDomain
import AccordStorage
import AccordApplication
import ArgumentParser
import Foundation

struct UserCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "user", abstract: "Manage user accounts.", subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Add a user; the password is read from standard input.")

        @Option(help: "Email address used to sign in.") var email: String
        @Option(help: "Full name.") var name: String
        @Option(help: "admin, contract_manager, analyst, viewer or vendor.") var role: String
        @Option(help: "For vendor users: the vendor's id or exact name.") var vendor: String?

        func run() async throws {
            guard let role = Role(rawValue: self.role) else {
                throw ValidationError("Role must be one of: \(Role.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            guard let password = readLine(strippingNewline: true), !password.isEmpty else {
                throw ValidationError("Pipe the password on standard input.")
            }
            let (email, name, vendorRef) = (self.email, self.name, self.vendor)
            let user = try await Environment.withRepositories { repositories, configuration in
                var vendorID: Int64?
                if let vendorRef {
                    let vendors = try await repositories.vendors.all(scope: .organisation)
                    guard let match = vendors.first(where: { String($0.id) == vendorRef || $0.name == vendorRef }) else {
                        throw ValidationError("No vendor with id or name \(vendorRef).")
                    }
                    vendorID = match.id
                }
                let draft = UserDraft(email: email, name: name, role: role, vendorID: vendorID, password: password)
                let problems = draft.validate()
                guard problems.isEmpty else {
                    throw ValidationError(problems.errors.map { "\($0.field): \($0.message)" }.joined(separator: "\n"))
                }
                let useCases = UseCases(repositories: repositories, logger: Environment.logger())
                return try await useCases.createUser(hasher: PasswordHasher(cost: configuration.bcryptCost))(draft, actor: .system)
            }
            print("Added user \(user.id): \(user.email) (\(user.role.rawValue)).")
        }
    }
}

struct TokenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "token", abstract: "Manage API tokens.", subcommands: [Add.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Issue an API token for a user. It is printed once and stored hashed.")

        @Option(help: "Email of the user the token acts as.") var email: String
        @Option(help: "A name to recognise the token by.") var name: String = "api"

        func run() async throws {
            let (email, name) = (self.email, self.name)
            let token = try await Environment.withRepositories { repositories, _ in
                do {
                    return try await UseCases(repositories: repositories, logger: Environment.logger()).issueAPIToken(email: email, name: name, actor: .system)
                } catch is NotFound {
                    throw ValidationError("No user with email \(email).")
                }
            }
            print(token)
        }
    }
}
