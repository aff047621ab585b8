import AccordApplication
import AccordDomain
import AccordStorage
import AccordTestSupport
import Foundation
import HTTPTypes
import HummingbirdTesting
import PostgresNIO
import Testing

@testable import AccordWeb

/// Each demo vendor user walks every page its home links to, every export and CSV those pages offer and every API read
/// route filled with the ids it met, and none of it holds the customer's internal figures of its agreements (none of
/// the demo's share them): the SLO targets, the error budgets and the burn rates, searched as the numbers are written
/// (`99.95`, `99.950`, `97 %`, `-66.7 %`, `1.25×`, a budget's twelve decimals, `SLO 97` on a chart), not only as words.
@Suite("Vendor crawl of the demo")
struct VendorCrawlTests {
    static let vendorUsers = ["ops@northwind.example", "desk@initech.example"]

    @Test func noDemoVendorUserReadsTheInternalFiguresOfItsAgreements() async throws {
        let routes = try await RouteTable.all().filter { $0.method == .get && $0.path.hasPrefix("/api/v1/") }
        try await Harness.run { harness in
            // setup: the demo beside the fixture, whose service gives up its name (service names are unique)
            try await harness.database.query("UPDATE services SET name = 'Fixture checkout' WHERE id = \(harness.world.serviceA.id)")
            let today = LocalDate.of(harness.clock.now, in: TimeZone(identifier: "UTC")!)
            #expect(try await DemoData(repositories: harness.repositories, hasher: PasswordHasher(cost: 4)).seed(today: today))
            // the demo is written as of the wall clock: read it as of then, after the last of its data
            harness.clock.advance(by: max(0, Date().timeIntervalSince(harness.clock.now)))
            let manager = try await harness.token(for: harness.world.manager)
            for email in Self.vendorUsers {
                let (user, _) = try #require(try await harness.repositories.users.credentials(email: email))
                let secrets = try await InternalFigures.read(vendorID: try #require(user.vendorID), harness: harness, token: manager)
                #expect(!secrets.sloTargets.isEmpty && !secrets.budgets.isEmpty, "\(email): no internal figure to look for")
                // MUT
                var crawl = VendorCrawl(
                    harness: harness, session: try await harness.session(for: user), token: try await harness.token(for: user), needles: secrets.needles,
                    phrases: secrets.phrases)
                try await crawl.pages()
                try await crawl.api(routes, today: today)
                // validation
                #expect(crawl.pagesRead > 40 && crawl.answersRead > 20, "\(email): \(crawl.pagesRead) pages and \(crawl.answersRead) API answers read")
                #expect(crawl.leaks.isEmpty, "\(email) reads internal figures:\n\(crawl.leaks.prefix(30).joined(separator: "\n"))")
                print("vendor crawl \(email): \(crawl.pagesRead) pages, \(crawl.answersRead) API answers, \(secrets.needles.count) figures looked for")
            }
        }
    }
}

/// The customer's internal figures of one vendor's agreements that do not share them, read through the customer's API,
/// and the figures that vendor does read (attainment, SLA targets, credit terms, proposals), which a rendering of an
/// internal figure could happen to coincide with.
struct InternalFigures {
    var sloTargets: Set<Decimal> = []
    /// Budgets consumed and remaining, and burn rates, as the API writes them.
    var budgets: Set<String> = []
    var burnRates: Set<String> = []
    var seen: Set<Decimal> = []

    static func read(vendorID: Int64, harness: Harness, token: String) async throws -> InternalFigures {
        var figures = InternalFigures()
        let from = RFC3339.format(harness.clock.now.addingTimeInterval(-2 * 366 * 86_400))
        let agreements = try await harness.api(.get, "/api/v1/agreements?vendor_id=\(vendorID)&per_page=200", token: token)
        for agreement in (agreements.json["items"] as? [[String: Any]]) ?? [] {
            guard let id = agreement["id"] as? Int else { continue }
            let terms = try await harness.api(.get, "/api/v1/agreements/\(id)/governance", token: token)
            guard terms.json["share_internal_figures"] as? Bool == false else { continue }
            let versions = try await harness.api(.get, "/api/v1/agreements/\(id)/versions", token: token)
            for version in (versions.json["items"] as? [[String: Any]]) ?? [] {
                guard let number = version["number"] as? Int else { continue }
                let objectives = try await harness.api(.get, "/api/v1/agreements/\(id)/versions/\(number)/objectives", token: token)
                figures.sloTargets.formUnion(Self.numbers(["slo_target", "relaxed_slo_target", "relaxed_slo"], in: objectives.text))
                figures.seen.formUnion(Self.numbers(["sla_target", "relaxed_sla_target", "threshold", "percent", "credit_cap_percent"], in: objectives.text))
                for objective in (objectives.json["items"] as? [[String: Any]]) ?? [] {
                    guard let objectiveID = objective["id"] as? Int else { continue }
                    let periods = try await harness.api(.get, "/api/v1/objectives/\(objectiveID)/periods?from=\(from)", token: token)
                    let status = try await harness.api(.get, "/api/v1/objectives/\(objectiveID)/status", token: token)
                    for answer in [periods.text, status.text] {
                        figures.budgets.formUnion(Self.tokens(["budget_consumed", "budget_remaining"], in: answer))
                        figures.burnRates.formUnion(Self.tokens(["burn_rate", "long_burn", "short_burn"], in: answer))
                        figures.seen.formUnion(Self.numbers(["attainment", "projected_attainment", "sla_target", "credit_percent"], in: answer))
                    }
                }
            }
        }
        let proposals = try await harness.api(.get, "/api/v1/proposals?per_page=200", token: token)
        figures.seen.formUnion(Self.numbers(["sla_target", "threshold", "percent", "credit_cap_percent"], in: proposals.text))
        // credits as the vendor reads them: a probation factor makes percents of their own (`2.5 %`)
        let credits = try await harness.api(.get, "/api/v1/credits?vendor_id=\(vendorID)&per_page=200", token: token)
        figures.seen.formUnion(Self.numbers(["percent", "tier_percent", "tier_threshold", "attainment"], in: credits.text))
        return figures
    }

    /// Every internal figure as pages, exports and the API write it, less the renderings a figure the vendor reads
    /// shares (an attainment of exactly 99.950 % is its own, not the SLO).
    var needles: Set<String> {
        var needles = Set<String>()
        for target in self.sloTargets {
            // a whole target (`97`) is searched with its unit or as attainment is written (`97.000`): bare, or to one
            // decimal, it is any count, id or chart coordinate
            let plain = target.plain
            needles.formUnion(plain.contains(".") ? [plain, target.fixed(2), target.fixed(3)] : ["\(plain) %", target.fixed(2), target.fixed(3)])
        }
        for token in self.budgets {
            if Self.decimals(token) >= 4 { needles.insert(token) }
            // pages write a budget in percent to one decimal (`42.5 %`); a whole percent is too common a sight to search
            if let value = Decimal(string: token), (value * 100).rounded(places: 1) != (value * 100).rounded(places: 0) {
                needles.insert("\((value * 100).fixed(1)) %")
            }
        }
        for token in self.burnRates {
            if Self.decimals(token) >= 4 { needles.insert(token) }
            if let value = Decimal(string: token) { needles.insert("\(value.rounded(places: 3).plain)×") }
        }
        return needles.subtracting(self.seen.flatMap(Self.renderings)).subtracting(Self.templateFigures)
    }

    /// Figures the templates write whatever the data (a form's example, `below 99.5 % credit 10 %`): a budget that
    /// happens to read the same is not the page telling it.
    static let templateFigures: Set<String> = {
        let folder = TestDatabase.root.appendingPathComponent("web/templates")
        let files = FileManager.default.enumerator(at: folder, includingPropertiesForKeys: nil)?.compactMap { $0 as? URL } ?? []
        return files.filter { $0.pathExtension == "mustache" }.reduce(into: Set<String>()) { figures, file in
            guard let text = try? String(contentsOf: file, encoding: .utf8) else { return }
            let literal = text.replacingOccurrences(of: "\\{\\{[^}]*\\}\\}", with: " ", options: .regularExpression)
            figures.formUnion(VendorCrawl.numberTokens(in: literal))
        }
    }()

    /// Words that go with an internal figure: the SLO named beside its value (a chart's label), and an SLO breach.
    var phrases: [String] {
        ["SLO breach"] + self.sloTargets.map { "SLO \($0.plain)" }
    }

    /// The ways a figure the vendor reads may be written (a sparkline rounds its binary value, not the decimal).
    static func renderings(_ value: Decimal) -> [String] {
        let forms = [
            value.plain, value.fixed(1), value.fixed(2), value.fixed(3), value.rounded(places: 3).plain, value.rounded(places: 1).plain,
            Sparkline.hundredths(value.double), Sparkline.tenths(value.double),
        ]
        return forms + forms.map { "\($0) %" }
    }

    /// The numbers following `"key":` in a JSON text, as written.
    static func tokens(_ keys: [String], in text: String) -> Set<String> {
        var found = Set<String>()
        for key in keys {
            var rest = text[...]
            while let range = rest.range(of: "\"\(key)\":") {
                rest = rest[range.upperBound...]
                let token = rest.prefix { "-0123456789.".contains($0) }
                if !token.isEmpty { found.insert(String(token)) }
            }
        }
        return found
    }

    static func numbers(_ keys: [String], in text: String) -> Set<Decimal> {
        Set(Self.tokens(keys, in: text).compactMap { Decimal(string: $0) })
    }

    static func decimals(_ token: String) -> Int {
        token.split(separator: ".", maxSplits: 1).dropFirst().first?.count ?? 0
    }
}

/// One vendor user's walk: every page reachable by links from its home (each path once, then up to `variantLimit`
/// other queries of paths already read), then every API read route filled with the ids those pages named. Each answer
/// is searched as it arrives.
struct VendorCrawl {
    static let pageLimit = 1500
    static let variantLimit = 150
    static let answersPerRoute = 60
    /// Links not followed: static files, the API description (it documents every field), feeds and signing in or out.
    static let skipped = ["/static/", "/api/", "/feeds/", "/login", "/logout"]

    let harness: Harness
    let session: BrowserSession
    let token: String
    let needles: Set<String>
    let phrases: [String]
    /// The paths read (without their query), in segments: the ids API routes are filled with.
    var paths: Set<[String]> = []
    var pagesRead = 0
    var answersRead = 0
    var leaks: [String] = []

    mutating func pages() async throws {
        var first = ["/"]
        var variants: [String] = []
        var queued: Set<String> = ["/"]
        var queuedPaths: Set<String> = ["/"]
        var variantsRead = 0
        while self.pagesRead < Self.pageLimit {
            let link: String
            if !first.isEmpty {
                link = first.removeFirst()
            } else if !variants.isEmpty, variantsRead < Self.variantLimit {
                link = variants.removeFirst()
                variantsRead += 1
            } else {
                break
            }
            let response = try await self.harness.get(link, as: self.session)
            self.pagesRead += 1
            guard response.status == .ok else { continue }
            self.paths.insert(Self.segments(link))
            self.check(response.text, at: link, isJSON: false)
            for found in Self.links(in: response.text) {
                guard queued.insert(found).inserted else { continue }
                // a pack revision named in a query is a pack the API serves too
                if found.hasPrefix("/meetings/"), let revision = Self.query(found, "revision") { self.paths.insert(["packs", revision]) }
                if queuedPaths.insert(String(found.prefix { $0 != "?" })).inserted { first.append(found) } else { variants.append(found) }
            }
        }
    }

    mutating func api(_ routes: [RouteTable.Route], today: LocalDate) async throws {
        let known = Array(self.paths)
        for route in routes {
            let template = route.path.dropFirst("/api/v1/".count).split(separator: "/").map(String.init)
            for filled in Self.fill(template, from: known).prefix(Self.answersPerRoute) {
                var path = "/api/v1/" + filled.joined(separator: "/")
                if !template.contains(where: { $0.hasPrefix("{") }) { path += "?per_page=200" }
                if template == ["meetings"], let from = today.adding(days: -300), let to = today.adding(days: 90) { path = "/api/v1/meetings?from=\(from)&to=\(to)" }
                let response = try await self.harness.api(.get, path, token: self.token)
                self.answersRead += 1
                guard response.status == .ok else { continue }
                self.check(response.text, at: path, isJSON: response.headers[.contentType]?.hasPrefix("application/json") == true)
            }
        }
    }

    /// Records what of the internal figures `text` holds: a needle among its numbers, a phrase (an SLO breach, the SLO
    /// beside its value), and in JSON a withheld field that is not null.
    mutating func check(_ text: String, at path: String, isJSON: Bool) {
        let found = Self.numberTokens(in: text).intersection(self.needles)
        if !found.isEmpty { self.leaks.append("\(path): \(found.sorted().map { "\($0) in “\(Self.context(of: $0, in: text))”" }.joined(separator: ", "))") }
        for phrase in self.phrases where text.contains(phrase) { self.leaks.append("\(path): \"\(phrase)\"") }
        if isJSON, let json = try? JSONSerialization.jsonObject(with: Data(text.utf8)) {
            for problem in Self.withheld(json, at: "") { self.leaks.append("\(path): \(problem)") }
        }
    }

    static let withheldFields: Set<String> = [
        "slo_target", "slo_status", "budget_consumed", "budget_remaining", "burn_rate", "long_burn", "short_burn", "relaxed_slo_target", "relaxed_slo",
    ]
    static let withheldLists: Set<String> = ["burn_rates", "alerts", "alert_history"]

    /// Fields of a JSON answer that a vendor's user gets as null or empty, and a breach of the internal SLO.
    static func withheld(_ value: Any, at path: String) -> [String] {
        if let object = value as? [String: Any] {
            return object.flatMap { entry -> [String] in
                let (key, child) = (entry.key, entry.value)
                let here = "\(path).\(key)"
                if Self.withheldFields.contains(key), !(child is NSNull) { return ["\(here) is \(child)"] }
                if Self.withheldLists.contains(key), let list = child as? [Any], !list.isEmpty { return ["\(here) is not empty"] }
                if key == "severity", child as? String == "slo" { return ["\(here) is slo"] }
                return Self.withheld(child, at: here)
            }
        }
        if let list = value as? [Any] {
            return list.enumerated().flatMap { entry -> [String] in Self.withheld(entry.element, at: "\(path)[\(entry.offset)]") }
        }
        return []
    }

    /// Every number in `text` as written (`-66.7`, `99.950`, `0.599383431244`; never part of a longer one), and with
    /// the unit that follows it as pages write it (`66.7 %`, `1.25×`).
    static func numberTokens(in text: String) -> Set<String> {
        let bytes = Array(text.utf8)
        var tokens = Set<String>()
        var index = 0
        while index < bytes.count {
            guard Self.isDigit(bytes[index]), index == 0 || !(Self.isDigit(bytes[index - 1]) || bytes[index - 1] == UInt8(ascii: ".")) else {
                index += 1
                continue
            }
            let start = index > 0 && bytes[index - 1] == UInt8(ascii: "-") ? index - 1 : index
            var end = index
            while end < bytes.count, Self.isDigit(bytes[end]) { end += 1 }
            if end + 1 < bytes.count, bytes[end] == UInt8(ascii: "."), Self.isDigit(bytes[end + 1]) {
                end += 1
                while end < bytes.count, Self.isDigit(bytes[end]) { end += 1 }
            }
            let number = String(decoding: bytes[start..<end], as: UTF8.self)
            tokens.insert(number)
            let unit = bytes[end..<min(bytes.count, end + 2)]
            if unit.starts(with: [0x20, 0x25]) || unit.first == 0x25 { tokens.insert(number + " %") }
            if unit.starts(with: [0xC3, 0x97]) { tokens.insert(number + "×") }
            index = end
        }
        return tokens
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }

    /// The text around the first place `needle` is written in `text`, so a failure says where the figure stood.
    static func context(of needle: String, in text: String) -> String {
        guard let range = text.range(of: needle) else { return needle }
        let from = text.index(range.lowerBound, offsetBy: -80, limitedBy: text.startIndex) ?? text.startIndex
        let to = text.index(range.upperBound, offsetBy: 40, limitedBy: text.endIndex) ?? text.endIndex
        return text[from..<to].split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    /// The site's own links of a page (`href="/…"`), without fragments.
    static func links(in html: String) -> [String] {
        html.components(separatedBy: "href=\"").dropFirst().compactMap { rest -> String? in
            guard let end = rest.firstIndex(of: "\"") else { return nil }
            let link = String(rest[..<end].prefix { $0 != "#" }).replacingOccurrences(of: "&amp;", with: "&")
            guard link.hasPrefix("/"), !link.hasPrefix("//"), !link.contains(where: \.isWhitespace), !Self.skipped.contains(where: { link.hasPrefix($0) })
            else { return nil }
            return link
        }
    }

    static func segments(_ link: String) -> [String] {
        link.prefix { $0 != "?" }.split(separator: "/").map(String.init)
    }

    static func query(_ link: String, _ name: String) -> String? {
        guard let start = link.firstIndex(of: "?") else { return nil }
        for pair in link[link.index(after: start)...].split(separator: "&") where pair.hasPrefix("\(name)=") {
            return String(pair.dropFirst(name.count + 1))
        }
        return nil
    }

    /// The route's path with each `{parameter}` taken from the paths read that agree with it up to that segment.
    static func fill(_ template: [String], from paths: [[String]]) -> [[String]] {
        var results: [[String]] = [[]]
        for (index, segment) in template.enumerated() {
            if segment.hasPrefix("{") {
                results = results.flatMap { prefix in
                    Set(paths.filter { $0.count > index && Array($0.prefix(index)) == prefix }.map { $0[index] }).sorted().map { prefix + [$0] }
                }
            } else {
                results = results.map { $0 + [segment] }
            }
        }
        return results
    }
}
