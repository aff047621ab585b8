import AccordApplication
import AccordDomain
import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

/// Turns errors into responses: the JSON error shape under `/api/`, an HTML page elsewhere.
/// Pages and bodies never carry internal details; 500s are logged with them instead.
struct ErrorMappingMiddleware: RouterMiddleware {
    typealias Context = AccordRequestContext
    let renderer: PageRenderer

    struct ErrorView {
        var chrome: Chrome
        var status: Int
        var heading: String
        var message: String
        var signIn: Bool
    }

    struct Mapped {
        var status: HTTPResponse.Status
        var code: String
        var heading: String
        var message: String
        var details: [APIErrorBody.Detail] = []
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            let isAPI = request.uri.path.hasPrefix("/api/")
            if error is Unauthenticated, !isAPI {
                let target = request.method == .get ? request.uri.path : "/"
                return Response.redirect(to: "/login?next=\(URLText.encode(target))", type: .normal)
            }
            let mapped = self.map(error, context: context)
            var response: Response
            if isAPI {
                response = APIErrorBody(code: mapped.code, message: mapped.message, details: mapped.details).response(status: mapped.status)
                if mapped.status == .unauthorized { response.headers[.wwwAuthenticate] = "Bearer" }
            } else {
                // the page keeps the navigation of whoever authentication found, though this layer runs outside it
                var signedIn = context
                if signedIn.identity == nil { signedIn.identity = context.established.identity }
                let view = ErrorView(
                    chrome: Chrome(title: mapped.heading, context: signedIn), status: Int(mapped.status.code), heading: mapped.heading,
                    message: mapped.message, signIn: signedIn.identity == nil)
                response = self.renderer.response(view, template: "error", status: mapped.status)
            }
            if mapped.status == .serviceUnavailable { response.headers[.retryAfter] = "5" }
            return response
        }
    }

    func map(_ error: any Error, context: Context) -> Mapped {
        switch error {
        case is Unauthenticated:
            return Mapped(status: .unauthorized, code: "unauthenticated", heading: "Sign in required", message: "Sign in, or send a valid API token.")
        case is AccessDenied, is Forbidden:
            return Mapped(status: .forbidden, code: "forbidden", heading: "Not allowed", message: "Your role does not allow this action.")
        case is CSRFRejected:
            return Mapped(
                status: .forbidden, code: "csrf_rejected", heading: "Form expired",
                message: "This form was not accepted because its security token is missing or out of date. Go back, reload the page and try again.")
        case is NotFound:
            return Self.notFound
        case let errors as ValidationErrors:
            return Mapped(
                status: .unprocessableContent, code: "validation_failed", heading: "Invalid input",
                message: errors.errors.first?.message ?? "The input is not valid.",
                details: errors.errors.map { APIErrorBody.Detail(field: $0.field, row: $0.row, message: $0.message) })
        case let conflict as EditConflict:
            return Mapped(status: .conflict, code: "edit_conflict", heading: "Changed by someone else", message: conflict.message)
        case let rule as RuleViolation:
            return Mapped(status: .conflict, code: "rule_violation", heading: "Not possible", message: rule.message)
        case is NIOTooManyBytesError:
            return Mapped(status: .contentTooLarge, code: "payload_too_large", heading: "Too large", message: "The request body is too large.")
        case _ where Self.isClientGone(error):
            // a client that hung up mid-body is no fault of the server's: nobody reads this answer, nobody is paged
            context.logger.debug("client went away mid-request: \(String(reflecting: error))")
            return Mapped(
                status: .badRequest, code: "bad_request", heading: "Request cut short", message: "The request ended before its body was complete.")
        case let http as HTTPError:
            if http.status == .notFound { return Self.notFound }
            return Mapped(
                status: http.status, code: http.status.reasonPhrase.lowercased().replacingOccurrences(of: " ", with: "_"),
                heading: http.status.reasonPhrase, message: http.body ?? http.status.reasonPhrase)
        default:
            switch BackendFailure.classify(error) {
            case .invalidValue(let message)?:
                return Mapped(status: .unprocessableContent, code: "validation_failed", heading: "Invalid input", message: message)
            case .conflict(let message)?:
                return Mapped(status: .conflict, code: "rule_violation", heading: "Not possible", message: message)
            case .unavailable?:
                context.logger.warning("database unavailable: \(String(reflecting: error))")
                return Self.unavailable
            case .connectionLost?:
                context.logger.warning("database connection lost mid-request: \(String(reflecting: error))")
                return Self.connectionLost
            case .unexpected?, nil:
                // a fresh id, logged with the details and shown to the person, so a report can be matched to the log line
                let id = String(UInt64.random(in: .min ... .max), radix: 16)
                context.logger.error("unhandled error", metadata: ["error_id": "\(id)", "error": "\(String(reflecting: error))"])
                return Mapped(
                    status: .internalServerError, code: "internal_error", heading: "Something went wrong",
                    message: "The server could not complete this request. It has been logged as error \(id); try again shortly.")
            }
        }
    }

    /// Errors of the connection to the client rather than of the request: the body stream ended early or the channel
    /// closed while it was read.
    static func isClientGone(_ error: any Error) -> Bool {
        // (a cancelled handler is how a client's hang-up reaches it; an IOError may be the server's own and stays an error)
        if error is ChannelError || error is CancellationError { return true }
        let name = String(reflecting: type(of: error))
        return name.hasSuffix("HTTPParserError") || name.hasSuffix("HTTPChannelError") || name.hasSuffix("NIOHTTP2Errors")
    }

    static let unavailable = Mapped(
        status: .serviceUnavailable, code: "unavailable", heading: "Busy",
        message: "The database is busy or unreachable. Try again in a few seconds.")

    /// The connection died while the request used it: a change may or may not have been stored.
    static let connectionLost = Mapped(
        status: .serviceUnavailable, code: "unavailable", heading: "Database unreachable",
        message: "The database became unreachable during this request, so whether a change was stored is unknown: look before "
            + "sending it again. A batch sent with an Idempotency-Key is safe to send again with the same key: what was stored once is not "
            + "stored twice.")

    static let notFound = Mapped(status: .notFound, code: "not_found", heading: "Not found", message: "There is nothing here, or you may not see it.")
}
