import HTTPWire

/// `/health`: readiness probes.
enum HealthRoutes {
    static let routes: [Route] = [
        Route(["GET"], "/health", { _ in .json(["status": "ok"]) })
    ]
}
