import HTTPWire

/// CORS on every response, and `OPTIONS` preflights on every route.
enum Cors {
    static let defaultAllowedMethods = "GET, POST, PUT, DELETE, PATCH, OPTIONS"

    static func decorate(_ response: inout Response, for request: Request) {
        let origin = request.headers.first("Origin")
        if origin == nil && response.headers.hasIdenticalFields(to: .json) {
            // Shared, as `.json` is, so a JSON answer builds and frees no array of its own for one
            // more field. (Comparing an array with one sharing its storage is one check.)
            response.headers = .jsonForAnyOrigin
            return
        }
        guard !response.headers.contains("Access-Control-Allow-Origin") else { return }
        if let origin {
            response.headers.add("Access-Control-Allow-Origin", origin)
            response.headers.add("Access-Control-Allow-Credentials", "true")
        } else {
            response.headers.add("Access-Control-Allow-Origin", "*")
        }
    }

    static func preflight(for request: Request) -> Response {
        var response = Response(status: 200)
        response.headers.add(
            "Access-Control-Allow-Methods", request.headers.first("Access-Control-Request-Method") ?? defaultAllowedMethods)
        if let requested = request.headers.first("Access-Control-Request-Headers") {
            response.headers.add("Access-Control-Allow-Headers", requested)
        }
        response.headers.add("Access-Control-Max-Age", "3600")
        return response
    }
}
