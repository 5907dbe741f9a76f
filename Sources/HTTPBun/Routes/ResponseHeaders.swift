/// Routes of this family; see ../shared/spec/endpoints.md.
enum ResponseHeaderRoutes {
    static let routes: [Route] = []
}
