import HTTPWire
import Foundation
import JSONValue

/// An OAuth2 token as a token endpoint answers it (RFC 6749 section 5.1), with the moment it expires
/// worked out on arrival. `Codable`, so an `onTokenUpdate` callback can save it and a later run load it.
///
/// ```swift
/// let token = OAuth2Token(accessToken: saved.access, refreshToken: saved.refresh,
///                         expiresAt: Date(timeIntervalSince1970: saved.expiresAt))
/// let data = try JSONEncoder().encode(token)          // store it
/// ```
public struct OAuth2Token: Sendable, Hashable, Codable {
    public var accessToken: String
    /// `Bearer` for every token this library can use.
    public var tokenType: String
    /// Sent back to the token endpoint for a new access token; nil when the server gave none.
    public var refreshToken: String?
    /// The scope granted, space-separated, when the server said.
    public var scope: String?
    /// When the access token stops working; nil when unknown (then only a 401 triggers a refresh).
    public var expiresAt: Date?

    public init(accessToken: String, tokenType: String = "Bearer", refreshToken: String? = nil, scope: String? = nil,
                expiresAt: Date? = nil) {
        self.accessToken = accessToken
        self.tokenType = tokenType
        self.refreshToken = refreshToken
        self.scope = scope
        self.expiresAt = expiresAt
    }

    /// Reads a token response body; `receivedAt` turns `expires_in` into `expiresAt`.
    ///
    /// ```swift
    /// let token = try OAuth2Token(json: try response.json(), receivedAt: Date())
    /// ```
    public init(json: JSON, receivedAt: Date) throws(OAuth2Error) {
        guard let access = json["access_token"]?.stringValue, !access.isEmpty else {
            throw OAuth2Error(error: .invalidTokenResponse, errorDescription: "the token response has no access_token", statusCode: 200)
        }
        let type = json["token_type"]?.stringValue ?? "Bearer"
        guard type.lowercased() == "bearer" else {
            throw OAuth2Error(error: .invalidTokenResponse, errorDescription: "token_type \(type) is not supported: only Bearer is", statusCode: 200)
        }
        let expiresIn = json["expires_in"]?.doubleValue ?? json["expires_in"]?.stringValue.flatMap(Double.init)
        self.init(accessToken: access, tokenType: "Bearer", refreshToken: json["refresh_token"]?.stringValue,
                  scope: json["scope"]?.stringValue, expiresAt: expiresIn.map { receivedAt.addingTimeInterval($0) })
    }

    /// Whether the token expires within `margin` of `now` (never, when its expiry is unknown).
    public func expires(within margin: Duration, of now: Date = Date()) -> Bool {
        guard let expiresAt else { return false }
        let seconds = Double(margin.components.seconds) + Double(margin.components.attoseconds) / 1e18
        return now.addingTimeInterval(seconds) >= expiresAt
    }
}
