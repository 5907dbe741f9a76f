/// Routes of this family; see ../shared/spec/endpoints.md.
enum CachingRoutes {
    static let routes: [Route] = []
}
