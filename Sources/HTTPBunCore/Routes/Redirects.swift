import HTTPWire
import JSONValue

/// `/redirect/{n}`, `/relative-redirect/{n}`, `/absolute-redirect/{n}`, `/redirect-to` (and its
/// alias `/redirect`), as httpbun answers them. httpbin's are in `HTTPBinFlavor.swift`.
enum RedirectRoutes {
    /// The longest chain python httpbin's flavor serves (httpbin itself has no limit).
    static let maximumHops = 100
    /// httpbun's `MaxRedirectCount`.
    static let httpbunMaximumHops = 20

    /// One hop of httpbun's n-hop chain: 302 to the (n-1)th with a Location relative to this one
    /// (`3` from `/redirect/4`), the last to `../anything`; the absolute chain goes by paths from the
    /// root (`/absolute-redirect/3`), the last to `/anything`.
    static func chain(_ context: RouteContext, absolute: Bool) -> Response {
        let text = context[parameter: "n"]
        // httpbun's pattern takes digits only, as sent (`%32` is not a digit there): anything else
        // is no route at all.
        let raw = context.routePath.split(separator: "/").last ?? ""
        guard DecimalNumber.isDigits(raw) else { return HTTPBunShape.notFound }
        guard let hops = DecimalNumber.whole(text), hops <= httpbunMaximumHops else {
            return .text("count cannot be greater than \(httpbunMaximumHops)", status: 400)
        }
        let prefix = context.configuration.normalizedPathPrefix
        let location: String
        switch (absolute, hops > 1) {
        case (false, true): location = String(hops - 1)
        case (false, false): location = "../anything"
        case (true, true): location = prefix + "/absolute-redirect/" + String(hops - 1)
        case (true, false): location = prefix + "/anything"
        }
        return redirectPage(to: location)
    }

    /// httpbun's `RedirectResponse`: a 302 with a small HTML page that links the target.
    static func redirectPage(to location: String) -> Response {
        let quoted = GoQuote.quote(location)
        let page = """
            <!doctype html>
            <title>Redirecting...</title>
            <h1>Redirecting...</h1>
            <p>You should be redirected automatically to target URL: <a href=\(quoted)>\(location)</a>.  If not click the link.</p>

            """
        var response = Response.text(page, contentType: "text/html; charset=utf-8", status: 302)
        response.headers.add("Location", location)
        return response
    }

    /// httpbun's `/redirect-to?url=&status_code=` (or `status=`): the url as given, a status outside
    /// 300-399 read as 302. Whether the url may be sent is the Location guard's call
    /// (`HTTPBunShape.decorate`), as in httpbun.
    static func redirectTo(_ context: RouteContext) -> Response {
        let request = context.request
        guard let url = request.queryValue("url"), !url.isEmpty else { return .text("Need url parameter", status: 400) }
        var status = 302
        if let text = request.queryValue("status_code") ?? request.queryValue("status") {
            // `Int(_:)` reads as Go's `strconv.Atoi` does: an optional sign, then digits.
            guard let code = Int(text) else { return .text("status_code must be an integer", status: 400) }
            if (300...399).contains(code) { status = code }
        }
        // Spaces and non-ASCII bytes go out percent-encoded (a field value is ASCII); a control
        // character stays, for the Location guard to refuse, as httpbun's does.
        return Response(status: status, headers: ["Location": locationValue(url) ?? url])
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
        // `--allow-redirect-host '*'`: anywhere at all, as python httpbin redirects.
        if context.configuration.allowedRedirectHosts.contains("*") { return location }
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
}
