import HTTPWire
import JSONValue

/// A session for one top-level call: fresh cookies, the shared connection pool.
private func oneShotSession() -> Session {
    Session(transport: AsyncHTTPClientTransport.shared)
}

/// Sends a request with any method, without a session (cookies last for this call and its redirects).
///
/// ```swift
/// import Requests
/// let r = try await Requests.request(.get, "http://127.0.0.1:8080/get", params: ["q": "swift"])
/// ```
    /// - Parameters:
    ///   - params: query parameters, appended to the URL's own query (keys may repeat).
    ///   - headers: headers for this call, replacing the session's of the same name.
    ///   - cookies: cookies for this call only.
    ///   - data: form fields (urlencoded, or multipart with `files`), text, or bytes.
    ///   - json: a JSON body (`JSON` value, or any `Encodable` in the generic form).
    ///   - files: multipart file uploads, streamed from disk.
    ///   - auth: credentials for this call, instead of the session's.
    ///   - timeout: instead of the session's; a number is connect and read timeout in seconds.
    ///   - allowRedirects: follow redirects (default: yes, except for HEAD).
    ///   - stream: return as soon as the head arrives and read the body from `Response.body`.
    ///   - proxies: proxies by scheme for this call, looked up before the session's (requests' `proxies=`).
    ///   - verify: which server certificates to accept: `true`, `false`, `.file("ca.pem")` (requests' `verify=`).
    ///   - cert: a client certificate to present (requests' `cert=`).
public func request(_ method: Method, _ url: String, params: Params? = nil, headers: Headers? = nil, cookies: [String: String]? = nil,
        data: RequestData? = nil, json: JSON? = nil, files: Files? = nil, auth: Auth? = nil,
        timeout: Timeout? = nil, allowRedirects: Bool? = nil, stream: Bool = false,
        proxies: Proxies? = nil, verify: CertificateTrust? = nil, cert: ClientCertificate? = nil) async throws -> Response {
    try await oneShotSession().send(method, url, params: params, headers: headers, cookies: cookies, data: data,
                         json: json.map(JSONPayload.value), files: files, auth: auth, timeout: timeout,
                         allowRedirects: allowRedirects, stream: stream, proxies: proxies, verify: verify, cert: cert)
}

/// Sends a request with any method and an `Encodable` JSON body, without a session.
public func request<Body: Encodable & Sendable>(_ method: Method, _ url: String, params: Params? = nil, headers: Headers? = nil, cookies: [String: String]? = nil,
        data: RequestData? = nil, json: Body, files: Files? = nil, auth: Auth? = nil,
        timeout: Timeout? = nil, allowRedirects: Bool? = nil, stream: Bool = false,
        proxies: Proxies? = nil, verify: CertificateTrust? = nil, cert: ClientCertificate? = nil) async throws -> Response {
    try await oneShotSession().send(method, url, params: params, headers: headers, cookies: cookies, data: data,
                         json: try JSONPayload.encoding(json, url: url), files: files, auth: auth, timeout: timeout,
                         allowRedirects: allowRedirects, stream: stream, proxies: proxies, verify: verify, cert: cert)
}

/// Sends a GET request without a session.
///
/// ```swift
/// let r = try await Requests.get("http://127.0.0.1:8080/get")
/// ```
public func get(_ url: String, params: Params? = nil, headers: Headers? = nil, cookies: [String: String]? = nil,
        data: RequestData? = nil, json: JSON? = nil, files: Files? = nil, auth: Auth? = nil,
        timeout: Timeout? = nil, allowRedirects: Bool? = nil, stream: Bool = false,
        proxies: Proxies? = nil, verify: CertificateTrust? = nil, cert: ClientCertificate? = nil) async throws -> Response {
    try await oneShotSession().send(.get, url, params: params, headers: headers, cookies: cookies, data: data,
                         json: json.map(JSONPayload.value), files: files, auth: auth, timeout: timeout,
                         allowRedirects: allowRedirects, stream: stream, proxies: proxies, verify: verify, cert: cert)
}

/// Sends a POST request without a session.
///
/// ```swift
/// let r = try await Requests.post("http://127.0.0.1:8080/post")
/// ```
public func post(_ url: String, params: Params? = nil, headers: Headers? = nil, cookies: [String: String]? = nil,
        data: RequestData? = nil, json: JSON? = nil, files: Files? = nil, auth: Auth? = nil,
        timeout: Timeout? = nil, allowRedirects: Bool? = nil, stream: Bool = false,
        proxies: Proxies? = nil, verify: CertificateTrust? = nil, cert: ClientCertificate? = nil) async throws -> Response {
    try await oneShotSession().send(.post, url, params: params, headers: headers, cookies: cookies, data: data,
                         json: json.map(JSONPayload.value), files: files, auth: auth, timeout: timeout,
                         allowRedirects: allowRedirects, stream: stream, proxies: proxies, verify: verify, cert: cert)
}

/// Sends a POST request whose JSON body is an `Encodable` value, without a session.
public func post<Body: Encodable & Sendable>(_ url: String, params: Params? = nil, headers: Headers? = nil, cookies: [String: String]? = nil,
        data: RequestData? = nil, json: Body, files: Files? = nil, auth: Auth? = nil,
        timeout: Timeout? = nil, allowRedirects: Bool? = nil, stream: Bool = false,
        proxies: Proxies? = nil, verify: CertificateTrust? = nil, cert: ClientCertificate? = nil) async throws -> Response {
    try await oneShotSession().send(.post, url, params: params, headers: headers, cookies: cookies, data: data,
                         json: try JSONPayload.encoding(json, url: url), files: files, auth: auth, timeout: timeout,
                         allowRedirects: allowRedirects, stream: stream, proxies: proxies, verify: verify, cert: cert)
}

/// Sends a PUT request without a session.
///
/// ```swift
/// let r = try await Requests.put("http://127.0.0.1:8080/put")
/// ```
public func put(_ url: String, params: Params? = nil, headers: Headers? = nil, cookies: [String: String]? = nil,
        data: RequestData? = nil, json: JSON? = nil, files: Files? = nil, auth: Auth? = nil,
        timeout: Timeout? = nil, allowRedirects: Bool? = nil, stream: Bool = false,
        proxies: Proxies? = nil, verify: CertificateTrust? = nil, cert: ClientCertificate? = nil) async throws -> Response {
    try await oneShotSession().send(.put, url, params: params, headers: headers, cookies: cookies, data: data,
                         json: json.map(JSONPayload.value), files: files, auth: auth, timeout: timeout,
                         allowRedirects: allowRedirects, stream: stream, proxies: proxies, verify: verify, cert: cert)
}

/// Sends a PUT request whose JSON body is an `Encodable` value, without a session.
public func put<Body: Encodable & Sendable>(_ url: String, params: Params? = nil, headers: Headers? = nil, cookies: [String: String]? = nil,
        data: RequestData? = nil, json: Body, files: Files? = nil, auth: Auth? = nil,
        timeout: Timeout? = nil, allowRedirects: Bool? = nil, stream: Bool = false,
        proxies: Proxies? = nil, verify: CertificateTrust? = nil, cert: ClientCertificate? = nil) async throws -> Response {
    try await oneShotSession().send(.put, url, params: params, headers: headers, cookies: cookies, data: data,
                         json: try JSONPayload.encoding(json, url: url), files: files, auth: auth, timeout: timeout,
                         allowRedirects: allowRedirects, stream: stream, proxies: proxies, verify: verify, cert: cert)
}

/// Sends a PATCH request without a session.
///
/// ```swift
/// let r = try await Requests.patch("http://127.0.0.1:8080/patch")
/// ```
public func patch(_ url: String, params: Params? = nil, headers: Headers? = nil, cookies: [String: String]? = nil,
        data: RequestData? = nil, json: JSON? = nil, files: Files? = nil, auth: Auth? = nil,
        timeout: Timeout? = nil, allowRedirects: Bool? = nil, stream: Bool = false,
        proxies: Proxies? = nil, verify: CertificateTrust? = nil, cert: ClientCertificate? = nil) async throws -> Response {
    try await oneShotSession().send(.patch, url, params: params, headers: headers, cookies: cookies, data: data,
                         json: json.map(JSONPayload.value), files: files, auth: auth, timeout: timeout,
                         allowRedirects: allowRedirects, stream: stream, proxies: proxies, verify: verify, cert: cert)
}

/// Sends a PATCH request whose JSON body is an `Encodable` value, without a session.
public func patch<Body: Encodable & Sendable>(_ url: String, params: Params? = nil, headers: Headers? = nil, cookies: [String: String]? = nil,
        data: RequestData? = nil, json: Body, files: Files? = nil, auth: Auth? = nil,
        timeout: Timeout? = nil, allowRedirects: Bool? = nil, stream: Bool = false,
        proxies: Proxies? = nil, verify: CertificateTrust? = nil, cert: ClientCertificate? = nil) async throws -> Response {
    try await oneShotSession().send(.patch, url, params: params, headers: headers, cookies: cookies, data: data,
                         json: try JSONPayload.encoding(json, url: url), files: files, auth: auth, timeout: timeout,
                         allowRedirects: allowRedirects, stream: stream, proxies: proxies, verify: verify, cert: cert)
}

/// Sends a DELETE request without a session.
///
/// ```swift
/// let r = try await Requests.delete("http://127.0.0.1:8080/delete")
/// ```
public func delete(_ url: String, params: Params? = nil, headers: Headers? = nil, cookies: [String: String]? = nil,
        data: RequestData? = nil, json: JSON? = nil, files: Files? = nil, auth: Auth? = nil,
        timeout: Timeout? = nil, allowRedirects: Bool? = nil, stream: Bool = false,
        proxies: Proxies? = nil, verify: CertificateTrust? = nil, cert: ClientCertificate? = nil) async throws -> Response {
    try await oneShotSession().send(.delete, url, params: params, headers: headers, cookies: cookies, data: data,
                         json: json.map(JSONPayload.value), files: files, auth: auth, timeout: timeout,
                         allowRedirects: allowRedirects, stream: stream, proxies: proxies, verify: verify, cert: cert)
}

/// Sends a HEAD request without a session.
///
/// ```swift
/// let r = try await Requests.head("http://127.0.0.1:8080/anything")
/// ```
public func head(_ url: String, params: Params? = nil, headers: Headers? = nil, cookies: [String: String]? = nil,
        data: RequestData? = nil, json: JSON? = nil, files: Files? = nil, auth: Auth? = nil,
        timeout: Timeout? = nil, allowRedirects: Bool? = nil, stream: Bool = false,
        proxies: Proxies? = nil, verify: CertificateTrust? = nil, cert: ClientCertificate? = nil) async throws -> Response {
    try await oneShotSession().send(.head, url, params: params, headers: headers, cookies: cookies, data: data,
                         json: json.map(JSONPayload.value), files: files, auth: auth, timeout: timeout,
                         allowRedirects: allowRedirects, stream: stream, proxies: proxies, verify: verify, cert: cert)
}

/// Sends a OPTIONS request without a session.
///
/// ```swift
/// let r = try await Requests.options("http://127.0.0.1:8080/anything")
/// ```
public func options(_ url: String, params: Params? = nil, headers: Headers? = nil, cookies: [String: String]? = nil,
        data: RequestData? = nil, json: JSON? = nil, files: Files? = nil, auth: Auth? = nil,
        timeout: Timeout? = nil, allowRedirects: Bool? = nil, stream: Bool = false,
        proxies: Proxies? = nil, verify: CertificateTrust? = nil, cert: ClientCertificate? = nil) async throws -> Response {
    try await oneShotSession().send(.options, url, params: params, headers: headers, cookies: cookies, data: data,
                         json: json.map(JSONPayload.value), files: files, auth: auth, timeout: timeout,
                         allowRedirects: allowRedirects, stream: stream, proxies: proxies, verify: verify, cert: cert)
}
