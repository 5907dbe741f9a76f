/// Routes of this family; see ../shared/spec/endpoints.md.
enum AuthRoutes {
    static let routes: [Route] = []
}
