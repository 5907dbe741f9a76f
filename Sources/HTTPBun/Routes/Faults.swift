/// Routes of this family; see ../shared/spec/endpoints.md.
enum FaultRoutes {
    static let routes: [Route] = []
}
