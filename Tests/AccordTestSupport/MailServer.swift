import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// A real SMTP server for a test (aiosmtpd, started by `scripts/lib/mail-sink.py` on a free loopback port), which
/// writes each message it accepts to a folder; `messages()` reads them back with Python's `email` package and
/// `icalendar` (`scripts/lib/mail-read.py`). `scripts/test` installs aiosmtpd when it is missing.
public final class MailServer: @unchecked Sendable {
    public let directory: URL
    public let port: Int
    private var process: Process?

    public struct Options: Sendable {
        /// Offer (and require) STARTTLS with a self-signed certificate for 127.0.0.1.
        public var startTLS = false
        /// Require AUTH with these credentials.
        public var credentials: (user: String, password: String)?
        /// Answer the first N messages with 451.
        public var refuseFirst = 0
        /// Answer RCPT TO for these addresses with 550.
        public var reject: [String] = []

        public init(startTLS: Bool = false, credentials: (user: String, password: String)? = nil, refuseFirst: Int = 0, reject: [String] = []) {
            self.startTLS = startTLS
            self.credentials = credentials
            self.refuseFirst = refuseFirst
            self.reject = reject
        }
    }

    public init(_ options: Options = Options()) async throws {
        self.directory = FileManager.default.temporaryDirectory.appendingPathComponent("accord-mail-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
        self.port = try PrometheusServer.freePort()
        var arguments = [
            TestDatabase.root.appendingPathComponent("scripts/lib/mail-sink.py").path, "--port", "\(self.port)", "--dir",
            self.directory.appendingPathComponent("inbox").path,
        ]
        if options.startTLS {
            let certificate = self.directory.appendingPathComponent("cert.pem").path
            let key = self.directory.appendingPathComponent("key.pem").path
            try PrometheusServer.run(
                "/usr/bin/openssl",
                ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", certificate, "-days", "2", "-subj", "/CN=127.0.0.1",
                 "-addext", "subjectAltName=IP:127.0.0.1"])
            arguments += ["--starttls", certificate, key]
        }
        if let credentials = options.credentials { arguments += ["--auth", "\(credentials.user):\(credentials.password)"] }
        if options.refuseFirst > 0 { arguments += ["--refuse-first", "\(options.refuseFirst)"] }
        for address in options.reject { arguments += ["--reject", address] }
        let process = Process()
        // the python3 on PATH: the one scripts/test installed aiosmtpd for
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        self.process = process
        // READY once it listens
        let line = await Task.detached { String(decoding: output.fileHandleForReading.availableData, as: UTF8.self) }.value
        guard line.hasPrefix("READY") else {
            self.stop()
            throw PrometheusServer.ServerError(message: "the SMTP server did not start (is aiosmtpd installed? scripts/test installs it): \(line)")
        }
    }

    /// Every message received so far, read by Python's email package: headers, MIME tree, bodies, attachments and
    /// calendar parts (see scripts/lib/mail-read.py).
    public func messages() throws -> [[String: Any]] {
        let inbox = self.directory.appendingPathComponent("inbox")
        guard FileManager.default.fileExists(atPath: inbox.path) else { return [] }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", TestDatabase.root.appendingPathComponent("scripts/lib/mail-read.py").path, inbox.path]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        let problem = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, let list = try JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            throw PrometheusServer.ServerError(message: "mail-read.py failed: \(problem.prefix(2000))")
        }
        return list
    }

    /// Ends the server: SIGTERM, and SIGKILL when it has not ended within two seconds.
    public func stop() {
        guard let process = self.process, process.isRunning else { return }
        process.terminate()
        for _ in 0..<40 where process.isRunning { usleep(50_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        self.process = nil
    }

    deinit {
        self.stop()
        try? FileManager.default.removeItem(at: self.directory)
    }
}
