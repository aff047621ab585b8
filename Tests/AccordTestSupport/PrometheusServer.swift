import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif
#if canImport(Glibc)
    import Glibc
#endif

/// A real Prometheus server for a test: a TSDB built with `promtool tsdb create-blocks-from openmetrics` from text the
/// test writes, served on a free loopback port. `scripts/test` installs Debian's `prometheus` package when it is
/// missing; a test fails, not skips, when it is not there.
public final class PrometheusServer: @unchecked Sendable {
    public let directory: URL
    public private(set) var port: Int = 0
    private var process: Process?

    public var baseURL: String { "http://127.0.0.1:\(self.port)" }

    /// Builds the TSDB from `openMetrics` (ending with `# EOF`), if given; `configuration` is the server's
    /// prometheus.yml (scrape jobs), by default none.
    public init(openMetrics: String? = nil, configuration: String = "global:\n  scrape_interval: 1h\n") throws {
        self.directory = FileManager.default.temporaryDirectory.appendingPathComponent("accord-prometheus-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
        if let openMetrics {
            let input = self.directory.appendingPathComponent("series.om")
            try openMetrics.write(to: input, atomically: true, encoding: .utf8)
            let data = self.directory.appendingPathComponent("data")
            try Self.run(Self.binary("promtool"), ["tsdb", "create-blocks-from", "openmetrics", input.path, data.path])
        }
        try configuration.write(to: self.directory.appendingPathComponent("prometheus.yml"), atomically: true, encoding: .utf8)
    }

    /// Prometheus's answer to an instant query: "success", or its error type and message.
    public func outcome(of query: String) async throws -> String {
        var components = URLComponents(string: "\(self.baseURL)/api/v1/query")
        components?.queryItems = [URLQueryItem(name: "query", value: query)]
        guard let url = components?.url else { return "no URL" }
        let (data, _) = try await URLSession.shared.data(from: url)
        guard let answer = try JSONSerialization.jsonObject(with: data) as? [String: Any] else { return "not JSON" }
        if answer["status"] as? String == "success" { return "success" }
        return "\(answer["errorType"] ?? ""): \(answer["error"] ?? "")"
    }

    /// An instant query's single value, if the answer holds one series.
    public func value(of query: String) async throws -> Double? {
        var components = URLComponents(string: "\(self.baseURL)/api/v1/query")
        components?.queryItems = [URLQueryItem(name: "query", value: query)]
        guard let url = components?.url else { return nil }
        let (data, _) = try await URLSession.shared.data(from: url)
        guard let answer = try JSONSerialization.jsonObject(with: data) as? [String: Any], let result = (answer["data"] as? [String: Any])?["result"] as? [[String: Any]],
            result.count == 1, let value = result[0]["value"] as? [Any], value.count == 2, let text = value[1] as? String
        else { return nil }
        return Double(text)
    }

    deinit {
        self.stop()
        try? FileManager.default.removeItem(at: self.directory)
    }

    /// Starts the server (again, on the same data) and waits until it answers ready.
    public func start() async throws {
        if self.port == 0 { self.port = try Self.freePort() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.binary("prometheus"))
        process.arguments = [
            "--config.file=\(self.directory.appendingPathComponent("prometheus.yml").path)",
            "--storage.tsdb.path=\(self.directory.appendingPathComponent("data").path)", "--storage.tsdb.retention.time=100y",
            "--web.listen-address=127.0.0.1:\(self.port)", "--log.level=warn",
        ]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        for _ in 0..<200 {
            if await self.isReady() { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw ServerError(message: "Prometheus did not become ready on port \(self.port)")
    }

    /// Stops the server and waits for it to end.
    public func stop() {
        guard let process = self.process, process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
        self.process = nil
    }

    func isReady() async -> Bool {
        guard let url = URL(string: "\(self.baseURL)/-/ready") else { return false }
        do {
            let (_, response) = try await URLSession.shared.data(from: url)
            return (response as? HTTPURLResponse)?.statusCode == 200
        } catch {
            return false
        }
    }

    public struct ServerError: Error, CustomStringConvertible {
        public var message: String
        public var description: String { self.message }
    }

    static func binary(_ name: String) throws -> String {
        for directory in ["/usr/bin", "/usr/local/bin", "/bin"] where FileManager.default.isExecutableFile(atPath: "\(directory)/\(name)") {
            return "\(directory)/\(name)"
        }
        throw ServerError(message: "\(name) is not installed (apt-get install -y prometheus; scripts/test does it)")
    }

    static func run(_ executable: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let errors = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = errors
        try process.run()
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw ServerError(message: "\(executable) failed: \(text.prefix(2000))") }
    }

    /// A loopback port nothing listens on now.
    static func freePort() throws -> Int {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw ServerError(message: "no socket") }
        defer { close(socket) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw ServerError(message: "bind failed") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socket, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
