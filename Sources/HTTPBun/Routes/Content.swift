/// Routes of this family; see ../shared/spec/endpoints.md.
enum ContentRoutes {
    static let routes: [Route] = []
}
