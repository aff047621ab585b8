import AccordApplication
import AccordDomain
import Foundation
import Hummingbird

/// Records refusals as security events — a role refused, a vendor's user not finding an id, a missing CSRF token —
/// with who was refused, then lets the error go on to be answered. Recording never changes the answer.
struct SecurityEventMiddleware: RouterMiddleware {
    typealias Context = AccordRequestContext
    let authentication: Authentication

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch {
            if let kind = Self.kind(of: error, context: context) {
                await self.authentication.record(
                    kind, userID: context.identity?.user.id, vendorID: context.identity?.user.vendorID, address: context.remoteAddress,
                    path: request.uri.path)
            }
            throw error
        }
    }

    static func kind(of error: any Error, context: Context) -> SecurityEvent.Kind? {
        let isVendor = context.identity?.user.role == .vendor
        switch error {
        case is AccessDenied, is Forbidden: return .forbidden
        case is CSRFRejected: return .csrfRejected
        case is NotFound: return isVendor ? .notFound : nil
        case let http as HTTPError where http.status == .notFound: return isVendor ? .notFound : nil
        default: return nil
        }
    }
}
