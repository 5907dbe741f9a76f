import HTTPWire

extension Flavor {
    /// httpbun's own answers: the catalogue as it is, CORS on every answer, JSON errors.
    public static let httpbun = Flavor(
        name: "httpbun", overrides: [],
        decorate: { response, request in Cors.decorate(&response, for: request) },
        preflight: { Cors.preflight(for: $0) },
        notFound: { .error(404, "not found: \($0.path)") },
        methodNotAllowed: { request, allow in
            var response = Response.error(405, "method \(request.method) not allowed on \(request.path); use \(allow)")
            response.headers.add("Allow", allow)
            return response
        })
}
