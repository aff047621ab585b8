import AccordDomain
import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// The part of SMTP (RFC 5321) Accord needs to hand messages to a relay: EHLO, STARTTLS (RFC 3207) or TLS from the
/// start, AUTH PLAIN or LOGIN (RFC 4954) over TLS only, MAIL FROM, RCPT TO, DATA with dot-stuffing, QUIT. One
/// connection per batch of messages. A reply of 4xx or a broken connection is transient (try again later); 5xx is the
/// relay's permanent refusal.
struct SMTPClient: Sendable {
    struct Relay: Sendable {
        var host: String
        var port: Int
        var security: MailSecurity
        var username: String
        var password: String
        var verifyCertificate: Bool
        var timeout: Duration
    }

    enum Failure: Error, Equatable, CustomStringConvertible {
        /// Worth trying again: a 4xx reply, no connection, a timeout, TLS that failed.
        case transient(String)
        /// The relay refused for good (5xx), or the settings cannot work.
        case permanent(String)

        var description: String {
            switch self {
            case .transient(let text), .permanent(let text): text
            }
        }
    }

    /// One message to hand over.
    struct Envelope: Sendable {
        var from: String
        var to: String
        var data: String
    }

    let relay: Relay
    /// The name Accord gives itself in EHLO.
    let heloName: String

    /// Opens one session, sends each envelope, and returns each one's outcome (nil: accepted). A failure of the
    /// session itself (connection, TLS, authentication) is every envelope's.
    func send(_ envelopes: [Envelope]) async -> [Failure?] {
        guard !envelopes.isEmpty else { return [] }
        do {
            return try await self.withTimeout { try await self.session(envelopes) }
        } catch let failure as Failure {
            return envelopes.map { _ in failure }
        } catch let error as NIOSSLError {
            return envelopes.map { _ in .transient("TLS failed: \(error)") }
        } catch {
            return envelopes.map { _ in .transient("no answer from \(self.relay.host):\(self.relay.port)") }
        }
    }

    func withTimeout<Result: Sendable>(_ body: @escaping @Sendable () async throws -> Result) async throws -> Result {
        try await withThrowingTaskGroup(of: Result?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                try await Task.sleep(for: self.relay.timeout)
                return nil
            }
            defer { group.cancelAll() }
            guard let first = try await group.next(), let result = first else {
                throw Failure.transient("the relay did not finish within \(self.relay.timeout.components.seconds) seconds")
            }
            return result
        }
    }

    func tlsContext() throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.certificateVerification = self.relay.verifyCertificate ? .fullVerification : .none
        return try NIOSSLContext(configuration: configuration)
    }

    /// SNI takes a name, never an address.
    var serverName: String? { IPAddress(self.relay.host) == nil ? self.relay.host : nil }

    func session(_ envelopes: [Envelope]) async throws -> [Failure?] {
        let implicitTLS = self.relay.security == .tls ? try self.tlsContext() : nil
        let serverName = self.serverName
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(.seconds(10))
            .connect(host: self.relay.host, port: self.relay.port) { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let implicitTLS {
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: implicitTLS, serverHostname: serverName))
                    }
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPLineDecoder()))
                    return try NIOAsyncChannel<String, ByteBuffer>(wrappingChannelSynchronously: channel)
                }
            }
        return try await channel.executeThenClose { inbound, outbound in
            var conversation = Conversation(lines: inbound.makeAsyncIterator(), outbound: outbound)
            // with TLS from the start, a refused handshake shows as the greeting not arriving
            try await Self.handshake(self.relay.security == .tls) { try await conversation.expect(220, "greeting") }
            var extensions = try await conversation.command("EHLO \(self.heloName)", expect: 250)
            if self.relay.security == .starttls {
                guard extensions.contains(where: { $0.uppercased().hasPrefix("STARTTLS") }) else {
                    throw Failure.permanent("the relay does not offer STARTTLS; choose another security setting")
                }
                _ = try await conversation.command("STARTTLS", expect: 220)
                let context = try self.tlsContext()
                let serverName = self.serverName
                try await channel.channel.eventLoop.submit {
                    try channel.channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: context, serverHostname: serverName), position: .first)
                }.get()
                // a refused handshake (an untrusted certificate) shows as the next command failing, however the channel reports it
                extensions = try await Self.handshake(true) { try await conversation.command("EHLO \(self.heloName)", expect: 250) }
            }
            if !self.relay.username.isEmpty {
                guard self.relay.security != .none else { throw Failure.permanent("credentials are only sent over TLS") }
                try await self.authenticate(&conversation, extensions: extensions)
            }
            var outcomes: [Failure?] = []
            for envelope in envelopes {
                outcomes.append(try await self.transfer(envelope, &conversation))
            }
            try? await conversation.write("QUIT")
            return outcomes
        }
    }

    /// Runs the first exchange over TLS: any failure that is not the relay's answer is the handshake's.
    static func handshake<Result>(_ overTLS: Bool, _ body: () async throws -> Result) async throws -> Result {
        guard overTLS else { return try await body() }
        do {
            return try await body()
        } catch let failure as Failure {
            throw failure
        } catch {
            throw Failure.transient("TLS failed: \(String(describing: error).prefix(200))")
        }
    }

    func authenticate(_ conversation: inout Conversation, extensions: [String]) async throws {
        let mechanisms = extensions.first { $0.uppercased().hasPrefix("AUTH") }.map { $0.uppercased().split(separator: " ").dropFirst().map(String.init) } ?? []
        let user = self.relay.username
        let password = self.relay.password
        if mechanisms.contains("PLAIN") || !mechanisms.contains("LOGIN") {
            let token = Data("\u{0}\(user)\u{0}\(password)".utf8).base64EncodedString()
            _ = try await conversation.command("AUTH PLAIN \(token)", expect: 235, secret: true)
        } else {
            _ = try await conversation.command("AUTH LOGIN", expect: 334)
            _ = try await conversation.command(Data(user.utf8).base64EncodedString(), expect: 334, secret: true)
            _ = try await conversation.command(Data(password.utf8).base64EncodedString(), expect: 235, secret: true)
        }
    }

    /// One message: a refusal of this message (4xx/5xx) is its outcome and the session goes on after RSET.
    func transfer(_ envelope: Envelope, _ conversation: inout Conversation) async throws -> Failure? {
        do {
            _ = try await conversation.command("MAIL FROM:<\(envelope.from)>", expect: 250)
            _ = try await conversation.command("RCPT TO:<\(envelope.to)>", expect: 250, 251)
            _ = try await conversation.command("DATA", expect: 354)
            try await conversation.writeRaw(SMTPText.dotStuffed(envelope.data) + "\r\n.\r\n")
            try await conversation.expect(250, "the message")
            return nil
        } catch let failure as Failure {
            _ = try? await conversation.command("RSET", expect: 250)
            return failure
        }
    }
}

/// One SMTP conversation over an open channel: commands out, replies in.
struct Conversation {
    var lines: NIOAsyncChannelInboundStream<String>.AsyncIterator
    let outbound: NIOAsyncChannelOutboundWriter<ByteBuffer>

    func write(_ line: String) async throws {
        try await self.outbound.write(ByteBuffer(string: line + "\r\n"))
    }

    func writeRaw(_ text: String) async throws {
        try await self.outbound.write(ByteBuffer(string: text))
    }

    /// Sends `line` and reads the reply; a reply with another code is a failure naming the command (never the
    /// credentials a secret command carries).
    mutating func command(_ line: String, expect codes: Int..., secret: Bool = false) async throws -> [String] {
        try await self.write(line)
        let reply = try await self.reply()
        guard codes.contains(reply.code) else {
            let verb = secret ? "AUTH" : String(line.prefix { $0 != " " && $0 != ":" })
            throw Self.failure(reply, after: verb)
        }
        return reply.lines
    }

    mutating func expect(_ code: Int, _ what: String) async throws {
        let reply = try await self.reply()
        guard reply.code == code else { throw Self.failure(reply, after: what) }
    }

    static func failure(_ reply: SMTPText.Reply, after what: String) -> SMTPClient.Failure {
        let text = "\(what): \(reply.code) \(reply.lines.last ?? "")".prefix(300)
        return (400..<500).contains(reply.code) ? .transient(String(text)) : .permanent(String(text))
    }

    /// A reply: lines `250-…` continued until `250 …`; at most 100 lines.
    mutating func reply() async throws -> SMTPText.Reply {
        var lines: [String] = []
        while let line = try await self.lines.next() {
            guard let parsed = SMTPText.line(line) else { throw SMTPClient.Failure.transient("the relay answered something that is not SMTP") }
            lines.append(parsed.text)
            if parsed.last { return SMTPText.Reply(code: parsed.code, lines: lines) }
            if lines.count >= 100 { throw SMTPClient.Failure.transient("the relay's reply is too long") }
        }
        throw SMTPClient.Failure.transient("the relay closed the connection")
    }
}

/// Lines of at most 2,048 bytes, ended by LF (a CR before it dropped).
struct SMTPLineDecoder: ByteToMessageDecoder {
    typealias InboundOut = String

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > 2048 { throw SMTPClient.Failure.transient("the relay sent a line of over 2048 bytes") }
            return .needMoreData
        }
        let length = newline - buffer.readerIndex
        guard length <= 2048, var line = buffer.readString(length: length) else {
            throw SMTPClient.Failure.transient("the relay sent a line of over 2048 bytes")
        }
        buffer.moveReaderIndex(forwardBy: 1)
        if line.hasSuffix("\r") { line.removeLast() }
        context.fireChannelRead(Self.wrapInboundOut(line))
        return .continue
    }
}

/// SMTP's text rules, apart from the network.
enum SMTPText {
    struct Reply: Equatable {
        var code: Int
        var lines: [String]
    }

    /// `250-SIZE 10240000` → (250, not last, "SIZE 10240000"); nil when the line is not a reply line.
    static func line(_ line: String) -> (code: Int, last: Bool, text: String)? {
        let bytes = Array(line.utf8)
        guard bytes.count >= 3, let code = Int(String(decoding: bytes[0..<3], as: UTF8.self)), (200...599).contains(code) else { return nil }
        if bytes.count == 3 { return (code, true, "") }
        guard bytes[3] == UInt8(ascii: " ") || bytes[3] == UInt8(ascii: "-") else { return nil }
        return (code, bytes[3] == UInt8(ascii: " "), String(decoding: bytes[4...], as: UTF8.self))
    }

    /// The message as DATA carries it: CRLF line ends, and a dot doubled at the start of a line (RFC 5321 4.5.2).
    static func dotStuffed(_ message: String) -> String {
        let normalised = message.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        return normalised.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(".") ? "." + $0 : String($0) }
            .joined(separator: "\r\n")
    }
}
