/// `JSON` (what `response.json()` returns and `json:` takes) comes with `import Requests`, as the
/// guide's examples use it:
///
/// ```swift
/// import Requests
/// let payload: JSON = ["name": "swift", "tags": ["a", "b"]]
/// let echo: JSON = try await Requests.post(base + "/post", json: payload).json()
/// ```
@_exported import JSONValue
