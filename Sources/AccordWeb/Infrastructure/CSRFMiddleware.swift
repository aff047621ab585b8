import AccordDomain
import Foundation
import Hummingbird

/// Refuses a state-changing request made with a session cookie unless it carries the session's CSRF token,
/// in the `_csrf` form field or the `X-CSRF-Token` header. Bearer-token requests need none: browsers never add them.
/// The sign-in form, made before any session exists, is checked against a cookie of its own (double submit).
struct CSRFMiddleware: RouterMiddleware {
    typealias Context = AccordRequestContext
    let configuration: AppConfiguration

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard ![.get, .head, .options].contains(request.method) else { return try await next(request, context) }
        var request = request
        let expected: String?
        switch context.identity?.credential {
        case .apiToken?:
            return try await next(request, context)
        case .session(_, let token)?:
            expected = token
        case nil:
            // nobody is signed in: nothing a forged request could do in anyone's name, except signing in — and the
            // sign-in route checks its own double-submit token, whatever spelling of its path reached it
            return try await next(request, context)
        }
        var presented = request.headers[.csrfToken]
        if presented == nil, request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true {
            let body = try await request.collectBody(upTo: context.maxUploadSize)
            presented = AccordWeb.Input.unchecked(form: String(buffer: body)).text("_csrf")
        } else if presented == nil, let boundary = MultipartForm.boundary(of: request.headers[.contentType]) {
            // uploads: the token is a field of the multipart form
            let body = try await request.collectBody(upTo: MeasurementAPI.maximumBody)
            do {
                presented = try MultipartForm(body: Array(body.readableBytesView), boundary: boundary).value("_csrf")
            } catch {
                // not a whole form: refused as such (nothing of it is used), rather than as a stale token
                throw ValidationErrors([FieldError("body", "\(error.reason) Nothing was stored.")])
            }
        }
        guard let expected, let presented, SecureToken.constantTimeEquals(Array(expected.utf8), Array(presented.utf8)) else {
            throw CSRFRejected()
        }
        return try await next(request, context)
    }
}

struct CSRFRejected: Error {}
