import HTTPWire
import Foundation
import JSONValue

/// An error answer from an OAuth2 endpoint (RFC 6749 section 5.2): the server's `error` code, its
/// description, and the HTTP status. A `RequestError`, so `catch let error as RequestError` sees it too.
///
/// ```swift
/// do {
///     _ = try await client.password(username: "alice", password: "wrong")
/// } catch let error as OAuth2Error where error.error == .invalidGrant {
///     print("bad credentials:", error.errorDescription ?? "")
/// }
/// ```
public struct OAuth2Error: RequestError, Equatable {
    /// An OAuth2 error code. The RFC's are constants; any other string the server sends is kept as it is.
    public struct Code: RawRepresentable, Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }
        public init(stringLiteral value: String) { rawValue = value }
        public var description: String { rawValue }

        public static let invalidRequest: Code = "invalid_request"
        public static let invalidClient: Code = "invalid_client"
        public static let invalidGrant: Code = "invalid_grant"
        public static let unauthorizedClient: Code = "unauthorized_client"
        public static let unsupportedGrantType: Code = "unsupported_grant_type"
        public static let invalidScope: Code = "invalid_scope"
        public static let accessDenied: Code = "access_denied"
        public static let unsupportedResponseType: Code = "unsupported_response_type"
        public static let serverError: Code = "server_error"
        public static let temporarilyUnavailable: Code = "temporarily_unavailable"
        /// RFC 6750: the access token was refused by a resource server.
        public static let invalidToken: Code = "invalid_token"
        /// Not from the server: its answer was not an OAuth2 token or error response.
        public static let invalidTokenResponse: Code = "invalid_token_response"
        /// Not from the server: the token expired and there is neither a refresh token nor a grant to get another.
        public static let noRefreshPossible: Code = "no_refresh_possible"
        /// Not from the server: the authorization response's `state` is not the one sent.
        public static let stateMismatch: Code = "state_mismatch"
    }

    /// The OAuth2 error code.
    public var error: Code
    public var errorDescription: String?
    public var errorURI: String?
    /// The HTTP status of the answer (0 when the error did not come from a response).
    public var statusCode: Int
    public var url: String?

    public init(error: Code, errorDescription: String? = nil, errorURI: String? = nil, statusCode: Int, url: String? = nil) {
        self.error = error
        self.errorDescription = errorDescription
        self.errorURI = errorURI
        self.statusCode = statusCode
        self.url = url
    }

    /// The error a non-2xx token endpoint response stands for.
    init(response: Response) {
        let json = try? response.json()
        let code = json?["error"]?.stringValue
        self.init(error: code.map(Code.init(rawValue:)) ?? .invalidTokenResponse,
                  errorDescription: json?["error_description"]?.stringValue
                      ?? (code == nil ? "HTTP \(response.statusCode) without an OAuth2 error body: \(response.text.prefix(200))" : nil),
                  errorURI: json?["error_uri"]?.stringValue, statusCode: response.statusCode, url: response.url.absoluteString)
    }

    public var description: String {
        var text = "OAuth2 error \(error.rawValue)"
        if statusCode != 0 { text += " (HTTP \(statusCode))" }
        if let url { text += " from \(url)" }
        if let errorDescription { text += ": \(errorDescription)" }
        switch error {
        case .invalidClient: text += ". Check the client id and secret, and how they are sent (ClientAuthentication)."
        case .invalidGrant: text += ". The code, refresh token or password was refused: start the flow again."
        default: break
        }
        return text
    }
}
