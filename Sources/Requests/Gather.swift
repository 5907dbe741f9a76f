/// Runs `operations` concurrently, at most `maxConcurrency` at a time, and returns each one's result
/// or error in the order given (like `asyncio.gather(..., return_exceptions=True)`).
///
/// ```swift
/// let results = await gather(ids.map { id in { try await session.get(base + "/anything/users/\(id)").json() } })
/// for case .success(let user) in results { print(user) }
/// ```
public func gather<T: Sendable>(maxConcurrency: Int = 64, _ operations: [@Sendable () async throws -> T]) async -> [Result<T, any Error>] {
    var results = [Result<T, any Error>?](repeating: nil, count: operations.count)
    await withTaskGroup(of: (Int, Result<T, any Error>).self) { group in
        var nextIndex = 0
        func startNext() {
            guard nextIndex < operations.count else { return }
            let index = nextIndex
            let operation = operations[index]
            nextIndex += 1
            group.addTask {
                do { return (index, .success(try await operation())) } catch { return (index, .failure(error)) }
            }
        }
        for _ in 0..<max(1, maxConcurrency) { startNext() }
        while let (index, result) = await group.next() {
            results[index] = result
            startNext()
        }
    }
    return results.map { $0! }
}

extension Session {
    /// GETs every URL concurrently and returns each response or error, in order.
    ///
    /// ```swift
    /// let results = await session.gather([1, 2, 3].map { base + "/anything/users/\($0)" })
    /// let users = try results.map { try $0.get().json() }
    /// ```
    public func gather(_ urls: [String], params: Params? = nil, headers: Headers? = nil, timeout: Timeout? = nil,
                       maxConcurrency: Int = 64) async -> [Result<Response, any Error>] {
        await Requests.gather(maxConcurrency: maxConcurrency, urls.map { url in
            { try await self.get(url, params: params, headers: headers, timeout: timeout) }
        })
    }

    /// Sends every prepared request concurrently and returns each response or error, in order.
    ///
    /// ```swift
    /// let requests = try ids.map { try Request(.get, url: base + "/anything/users/\($0)") }
    /// let results = await session.gather(requests)
    /// ```
    public func gather(_ requests: [Request], maxConcurrency: Int = 64) async -> [Result<Response, any Error>] {
        await Requests.gather(maxConcurrency: maxConcurrency, requests.map { request in { try await self.send(request) } })
    }

    /// Runs every call concurrently and returns each response or error, in order.
    ///
    /// ```swift
    /// let results = await session.gather(calls: [
    ///     { s in try await s.get(base + "/get") },
    ///     { s in try await s.post(base + "/post", json: ["id": 1]) },
    /// ])
    /// ```
    public func gather(calls: [@Sendable (Session) async throws -> Response], maxConcurrency: Int = 64) async -> [Result<Response, any Error>] {
        await Requests.gather(maxConcurrency: maxConcurrency, calls.map { call in { try await call(self) } })
    }
}
