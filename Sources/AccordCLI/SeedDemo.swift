import AccordDomain
import AccordStorage
import AccordApplication
import ArgumentParser
import Foundation

struct SeedDemo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "seed-demo", abstract: "Seed a small demo organisation (once; safe to repeat).")

    func run() async throws {
        let seeded = try await Environment.withRepositories { repositories, configuration in
            try await DemoData(repositories: repositories, hasher: PasswordHasher(cost: configuration.bcryptCost))
                .seed(today: LocalDate.of(Date(), in: TimeZone(identifier: "UTC")!))
        }
        print(seeded ? "Demo data seeded." : "Demo data already present.")
        print("Demo sign-ins (password \(DemoData.password)):")
        for login in DemoData.logins { print("  \(login.email)  \(login.role)") }
    }
}
