import HTTPWire
import JSONValue

/// `/redirect/{n}`, `/relative-redirect/{n}`, `/absolute-redirect/{n}`, `/redirect-to`.
enum RedirectRoutes {
    static let maximumHops = 100

    /// One hop of an n-hop chain: 302 to the (n-1)th, the last to `/get`. An absolute chain goes
    /// through `/absolute-redirect`, as httpbin's does, so every hop stays absolute.
    static func chain(_ context: RouteContext, kind: String, absolute: Bool) -> Response {
        let text = context[parameter: "n"]
        guard let hops = DecimalNumber.whole(text), (1...maximumHops).contains(hops) else {
            return .error(400, "invalid redirect count \"\(text)\": use a whole number from 1 to \(maximumHops)")
        }
        let prefix = context.configuration.normalizedPathPrefix
        var path: String
        if hops == 1 {
            path = prefix + "/get"
        } else {
            path = prefix + "/" + (absolute && kind == "redirect" ? "absolute-redirect" : kind) + "/" + String(hops - 1)
        }
        if absolute { path = Echo.absoluteURL(context.request, path: path) }
        return Response(status: 302, headers: ["Location": path])
    }

    /// `scheme://host` as the client reached us: the echo object's `url` without the target, so
    /// both honour `Host` and `X-Forwarded-Proto` alike.

    static func redirectTo(_ context: RouteContext) throws(HTTPError) -> Response {
        let location = Result { () throws(HTTPError) in try allowedLocation(context) }
        // A missing or malformed url is reported before the status, a refused host after it.
        if case .failure(let refusal) = location, refusal.status == 400 { throw refusal }
        var status = 302
        if let text = context.request.queryValue("status_code") ?? context.request.queryValue("status") {
            guard let code = DecimalNumber.whole(text), (300...399).contains(code) else {
                return .error(400, "invalid status_code \"\(text)\": use a redirect status from 300 to 399")
            }
            status = code
        }
        return Response(status: status, headers: ["Location": try location.get()])
    }

    /// The `url` argument (or `url` when given) as a `Location` value, when this server may send
    /// clients there: a path, this server's own host, a loopback name, or a host of
    /// `--allow-redirect-host`.
    static func allowedLocation(_ context: RouteContext, url: String?? = .none) throws(HTTPError) -> String {
        let request = context.request
        guard let url = url ?? request.queryValue("url"), !url.trimmingSpaces.isEmpty else {
            throw HTTPError(400, "missing url parameter: use /redirect-to?url=/get")
        }
        guard let location = locationValue(url) else {
            throw HTTPError(400, "invalid url: control characters (such as CR, LF, tab) cannot go in a Location header")
        }
        switch RedirectTarget.classify(location) {
        case .relative: break
        case .otherScheme(let scheme):
            throw HTTPError(403, "redirects to \(scheme): URLs are not allowed: use an http or https URL, or a path")
        case .absolute(let host):
            let ownHost = RedirectTarget.host(ofHostHeader: request.authority)
            guard host == ownHost || RedirectTarget.isLoopback(host)
                || RedirectTarget.host(host, matchesAnyOf: context.configuration.allowedRedirectHosts)
            else {
                throw HTTPError(403, "redirects to host \"\(host)\" are not allowed: use a path, this server's host, a loopback address, or start the server with --allow-redirect-host \(host.isEmpty ? "<host>" : host)")
            }
        }
        return location
    }

    /// The URL as a header value: outer spaces trimmed (browsers drop them too), inner spaces and
    /// non-ASCII bytes percent-encoded; nil when it holds a control character, which could split the
    /// header or, with tabs, hide `//` from the check (browsers delete tabs inside URLs).
    static func locationValue(_ url: String) -> String? {
        var output: [UInt8] = []
        for byte in url.trimmingSpaces.utf8 {
            switch byte {
            case 0..<0x20, 0x7F: return nil
            case 0x20, 0x80...:
                let digits = Array("0123456789ABCDEF".utf8)
                output += [UInt8(ascii: "%"), digits[Int(byte >> 4)], digits[Int(byte & 0xF)]]
            default: output.append(byte)
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    static func isTrue(_ value: String?) -> Bool {
        guard let value else { return false }
        return ["true", "1", "yes", "on"].contains(value.asciiLowercased)
    }
}
