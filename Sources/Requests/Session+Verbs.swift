import HTTPWire
import JSONValue

// Generated shape: every verb takes the same options as `request`.

extension Session {
    /// Sends a request with any method.
    ///
    /// ```swift
    /// let r = try await session.request(.get, base + "/anything", params: ["q": "1"])
    /// let purge = try await session.request("PURGE", base + "/anything")
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
        try await send(method, url, params: params, headers: headers, cookies: cookies, data: data,
                         json: json.map(JSONPayload.value), files: files, auth: auth, timeout: timeout,
                         allowRedirects: allowRedirects, stream: stream, proxies: proxies, verify: verify, cert: cert)
    }

    /// Sends a request with any method and an `Encodable` JSON body.
    public func request<Body: Encodable & Sendable>(_ method: Method, _ url: String, params: Params? = nil, headers: Headers? = nil, cookies: [String: String]? = nil,
        data: RequestData? = nil, json: Body, files: Files? = nil, auth: Auth? = nil,
        timeout: Timeout? = nil, allowRedirects: Bool? = nil, stream: Bool = false,
        proxies: Proxies? = nil, verify: CertificateTrust? = nil, cert: ClientCertificate? = nil) async throws -> Response {
        try await send(method, url, params: params, headers: headers, cookies: cookies, data: data,
                         json: try JSONPayload.encoding(json, url: url), files: files, auth: auth, timeout: timeout,
                         allowRedirects: allowRedirects, stream: stream, proxies: proxies, verify: verify, cert: cert)
    }

    /// Sends a GET request.
    ///
    /// ```swift
    /// let r = try await session.get(base + "/get")
    /// ```
    public func get(_ url: String, params: Params? = nil, headers: Headers? = nil, cookies: [String: String]? = nil,
        data: RequestData? = nil, json: JSON? = nil, files: Files? = nil, auth: Auth? = nil,
        timeout: Timeout? = nil, allowRedirects: Bool? = nil, stream: Bool = false,
        proxies: Proxies? = nil, verify: CertificateTrust? = nil, cert: ClientCertificate? = nil) async throws -> Response {
        try await send(.get, url, params: params, headers: headers, cookies: cookies, data: data,
                         json: json.map(JSONPayload.value), files: files, auth: auth, timeout: timeout,
                         allowRedirects: allowRedirects, stream: stream, proxies: proxies, verify: verify, cert: cert)
    }

    /// Sends a POST request.
    ///
    /// ```swift
    /// let r = try await session.post(base + "/post")
    /// ```
    public func post(_ url: String, params: Params? = nil, headers: Headers? = nil, cookies: [String: String]? = nil,
        data: RequestData? = nil, json: JSON? = nil, files: Files? = nil, auth: Auth? = nil,
        timeout: Timeout? = nil, allowRedirects: Bool? = nil, stream: Bool = false,
        proxies: Proxies? = nil, verify: CertificateTrust? = nil, cert: ClientCertificate? = nil) async throws -> Response {
        try await send(.post, url, params: params, headers: headers, cookies: cookies, data: data,
                         json: json.map(JSONPayload.value), files: files, auth: auth, timeout: timeout,
                         allowRedirects: allowRedirects, stream: stream, proxies: proxies, verify: verify, cert: cert)
    }

    /// Sends a POST request whose JSON body is an `Encodable` value.
    ///
    /// ```swift
    /// struct User: Codable { var id: Int; var name: String }
    /// let r = try await session.post(base + "/post", json: User(id: 1, name: "lee"))
    /// ```
    public func post<Body: Encodable & Sendable>(_ url: String, params: Params? = nil, headers: Headers? = nil, cookies: [String: String]? = nil,
        data: RequestData? = nil, json: Body, files: Files? = nil, auth: Auth? = nil,
        timeout: Timeout? = nil, allowRedirects: Bool? = nil, stream: Bool = false,
        proxies: Proxies? = nil, verify: CertificateTrust? = nil, cert: ClientCertificate? = nil) async throws -> Response {
        try await send(.post, url, params: params, headers: headers, cookies: cookies, data: data,
                         json: try JSONPayload.encoding(json, url: url), files: files, auth: auth, timeout: timeout,
                         allowRedirects: allowRedirects, stream: stream, proxies: proxies, verify: verify, cert: cert)
    }

    /// Sends a PUT request.
    ///
    /// ```swift
    /// let r = try await session.put(base + "/put")
    /// ```
    public func put(_ url: String, params: Params? = nil, headers: Headers? = nil, cookies: [String: String]? = nil,
        data: RequestData? = nil, json: JSON? = nil, files: Files? = nil, auth: Auth? = nil,
        timeout: Timeout? = nil, allowRedirects: Bool? = nil, stream: Bool = false,
        proxies: Proxies? = nil, verify: CertificateTrust? = nil, cert: ClientCertificate? = nil) async throws -> Response {
        try await send(.put, url, params: params, headers: headers, cookies: cookies, data: data,
                         json: json.map(JSONPayload.value), files: files, auth: auth, timeout: timeout,
                         allowRedirects: allowRedirects, stream: stream, proxies: proxies, verify: verify, cert: cert)
    }

    /// Sends a PUT request whose JSON body is an `Encodable` value.
    ///
    /// ```swift
    /// struct User: Codable { var id: Int; var name: String }
    /// let r = try await session.put(base + "/put", json: User(id: 1, name: "lee"))
    /// ```
    public func put<Body: Encodable & Sendable>(_ url: String, params: Params? = nil, headers: Headers? = nil, cookies: [String: String]? = nil,
        data: RequestData? = nil, json: Body, files: Files? = nil, auth: Auth? = nil,
        timeout: Timeout? = nil, allowRedirects: Bool? = nil, stream: Bool = false,
        proxies: Proxies? = nil, verify: CertificateTrust? = nil, cert: ClientCertificate? = nil) async throws -> Response {
        try await send(.put, url, params: params, headers: headers, cookies: cookies, data: data,
                         json: try JSONPayload.encoding(json, url: url), files: files, auth: auth, timeout: timeout,
                         allowRedirects: allowRedirects, stream: stream, proxies: proxies, verify: verify, cert: cert)
    }

    /// Sends a PATCH request.
    ///
    /// ```swift
    /// let r = try await session.patch(base + "/patch")
    /// ```
    public func patch(_ url: String, params: Params? = nil, headers: Headers? = nil, cookies: [String: String]? = nil,
        data: RequestData? = nil, json: JSON? = nil, files: Files? = nil, auth: Auth? = nil,
        timeout: Timeout? = nil, allowRedirects: Bool? = nil, stream: Bool = false,
        proxies: Proxies? = nil, verify: CertificateTrust? = nil, cert: ClientCertificate? = nil) async throws -> Response {
        try await send(.patch, url, params: params, headers: headers, cookies: cookies, data: data,
                         json: json.map(JSONPayload.value), files: files, auth: auth, timeout: timeout,
                         allowRedirects: allowRedirects, stream: stream, proxies: proxies, verify: verify, cert: cert)
    }

    /// Sends a PATCH request whose JSON body is an `Encodable` value.
    ///
    /// ```swift
    /// struct User: Codable { var id: Int; var name: String }
    /// let r = try await session.patch(base + "/patch", json: User(id: 1, name: "lee"))
    /// ```
    public func patch<Body: Encodable & Sendable>(_ url: String, params: Params? = nil, headers: Headers? = nil, cookies: [String: String]? = nil,
        data: RequestData? = nil, json: Body, files: Files? = nil, auth: Auth? = nil,
        timeout: Timeout? = nil, allowRedirects: Bool? = nil, stream: Bool = false,
        proxies: Proxies? = nil, verify: CertificateTrust? = nil, cert: ClientCertificate? = nil) async throws -> Response {
        try await send(.patch, url, params: params, headers: headers, cookies: cookies, data: data,
                         json: try JSONPayload.encoding(json, url: url), files: files, auth: auth, timeout: timeout,
                         allowRedirects: allowRedirects, stream: stream, proxies: proxies, verify: verify, cert: cert)
    }

    /// Sends a DELETE request.
    ///
    /// ```swift
    /// let r = try await session.delete(base + "/delete")
    /// ```
    public func delete(_ url: String, params: Params? = nil, headers: Headers? = nil, cookies: [String: String]? = nil,
        data: RequestData? = nil, json: JSON? = nil, files: Files? = nil, auth: Auth? = nil,
        timeout: Timeout? = nil, allowRedirects: Bool? = nil, stream: Bool = false,
        proxies: Proxies? = nil, verify: CertificateTrust? = nil, cert: ClientCertificate? = nil) async throws -> Response {
        try await send(.delete, url, params: params, headers: headers, cookies: cookies, data: data,
                         json: json.map(JSONPayload.value), files: files, auth: auth, timeout: timeout,
                         allowRedirects: allowRedirects, stream: stream, proxies: proxies, verify: verify, cert: cert)
    }

    /// Sends a HEAD request.
    ///
    /// ```swift
    /// let r = try await session.head(base + "/anything")
    /// ```
    public func head(_ url: String, params: Params? = nil, headers: Headers? = nil, cookies: [String: String]? = nil,
        data: RequestData? = nil, json: JSON? = nil, files: Files? = nil, auth: Auth? = nil,
        timeout: Timeout? = nil, allowRedirects: Bool? = nil, stream: Bool = false,
        proxies: Proxies? = nil, verify: CertificateTrust? = nil, cert: ClientCertificate? = nil) async throws -> Response {
        try await send(.head, url, params: params, headers: headers, cookies: cookies, data: data,
                         json: json.map(JSONPayload.value), files: files, auth: auth, timeout: timeout,
                         allowRedirects: allowRedirects, stream: stream, proxies: proxies, verify: verify, cert: cert)
    }

    /// Sends a OPTIONS request.
    ///
    /// ```swift
    /// let r = try await session.options(base + "/anything")
    /// ```
    public func options(_ url: String, params: Params? = nil, headers: Headers? = nil, cookies: [String: String]? = nil,
        data: RequestData? = nil, json: JSON? = nil, files: Files? = nil, auth: Auth? = nil,
        timeout: Timeout? = nil, allowRedirects: Bool? = nil, stream: Bool = false,
        proxies: Proxies? = nil, verify: CertificateTrust? = nil, cert: ClientCertificate? = nil) async throws -> Response {
        try await send(.options, url, params: params, headers: headers, cookies: cookies, data: data,
                         json: json.map(JSONPayload.value), files: files, auth: auth, timeout: timeout,
                         allowRedirects: allowRedirects, stream: stream, proxies: proxies, verify: verify, cert: cert)
    }

}
