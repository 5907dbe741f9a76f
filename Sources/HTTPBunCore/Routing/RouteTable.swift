import HTTPWire

/// A router's routes, in one object: closures share it with one retain.
final class RouteTable: Sendable {
    /// Routes by their first literal segment, so a request is matched against a handful, not all.
    let byFirstSegment: BytesIndex<[Route]>
    let parameterFirst: [Route]
    /// The flavor's refusal of paths a pattern fits (httpbin's strict slashes).
    private let refusesPath: (@Sendable (Substring, Route, [String: String]) -> Bool)?
    /// For each method a literal route takes, what `find` answers for that route's own path, worked
    /// out once: `GET /get` is then one lookup of its bytes, not a split, a search and a match.
    private let literalPaths: [(method: String, found: BytesIndex<Found>)]
    /// Every method some route names (a route that takes any method, such as `/anything`, names none).
    let methodsTaken: Set<String>

    private init(
        byFirstSegment: BytesIndex<[Route]>, parameterFirst: [Route], refusesPath: (@Sendable (Substring, Route, [String: String]) -> Bool)?,
        literalPaths: [(method: String, found: BytesIndex<Found>)], methodsTaken: Set<String>
    ) {
        self.byFirstSegment = byFirstSegment
        self.parameterFirst = parameterFirst
        self.refusesPath = refusesPath
        self.literalPaths = literalPaths
        self.methodsTaken = methodsTaken
    }

    convenience init(routes: [Route], refusesPath: (@Sendable (Substring, Route, [String: String]) -> Bool)?) {
        var byFirst: [String: [Route]] = [:]
        var parameterFirst: [Route] = []
        for route in routes {
            if case .literal(let first) = route.segments.first {
                byFirst[first, default: []].append(route)
            } else {
                parameterFirst.append(route)
            }
        }
        // The general search, as it is without the shortcut, answers for each literal path.
        let searching = RouteTable(
            byFirstSegment: BytesIndex(byFirst), parameterFirst: parameterFirst, refusesPath: refusesPath, literalPaths: [],
            methodsTaken: [])
        var foundByMethod: [String: [String: Found]] = [:]
        for route in routes {
            let literals = route.segments.compactMap { segment -> String? in
                if case .literal(let text) = segment { return text } else { return nil }
            }
            guard literals.count == route.segments.count, let methods = route.methods else { continue }
            let path = "/" + literals.joined(separator: "/")
            for method in methods + (methods.contains("GET") ? ["HEAD"] : []) where foundByMethod[method]?[path] == nil {
                var allowed: Set<String> = []
                let found = Array(path.utf8).withUnsafeBufferPointer { bytes in
                    Router.withSegments(of: bytes) { searching.find(bytes, $0, routePath: path[...], method: method, allowed: &allowed) }
                }
                if let found { foundByMethod[method, default: [:]][path] = found }
            }
        }
        self.init(
            byFirstSegment: searching.byFirstSegment, parameterFirst: parameterFirst, refusesPath: refusesPath,
            literalPaths: foundByMethod.sorted { $0.key < $1.key }.map { (method: $0.key, found: BytesIndex($0.value)) },
            methodsTaken: Set(routes.flatMap { $0.methods ?? [] }))
    }

    /// Where a matching route lies, and its parameters.
    struct Found: Sendable {
        let routes: [Route]
        let index: Int
        let parameters: [String: String]
    }

    /// What `find` would answer for exactly this path and method, when the path is a literal
    /// route's own (no doubled or trailing slash, no parameter).
    func findLiteral(_ path: UnsafeBufferPointer<UInt8>, method: String) -> Found? {
        for entry in literalPaths where entry.method == method { return entry.found.value(for: path) }
        return nil
    }

    /// The first route whose pattern fits the path and that takes `method` (any method for
    /// `OPTIONS`, which is a preflight wherever a pattern fits). Routes whose pattern fits but not
    /// their methods add those to `allowed`.
    func find(
        _ path: UnsafeBufferPointer<UInt8>, _ pathSegments: UnsafeBufferPointer<Range<Int>>, routePath: Substring,
        method: String, allowed: inout Set<String>
    ) -> Found? {
        // Each route is looked at where it lies: copying one out retained and released its arrays
        // and its handler's context.
        func search(_ routes: [Route]) -> Found? {
            for index in routes.indices {
                guard let parameters = routes[index].match(path, pathSegments) else { continue }
                if let refusesPath, refusesPath(routePath, routes[index], parameters) { continue }
                guard method == "OPTIONS" || routes[index].accepts(method) else {
                    allowed.formUnion(routes[index].methods ?? [])
                    continue
                }
                return Found(routes: routes, index: index, parameters: parameters)
            }
            return nil
        }
        if let first = pathSegments.first, let candidates = byFirstSegment.value(for: UnsafeBufferPointer(rebasing: path[first])),
            let found = search(candidates)
        {
            return found
        }
        return search(parameterFirst)
    }
}
