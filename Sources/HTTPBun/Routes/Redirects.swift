/// Routes of this family; see ../shared/spec/endpoints.md.
enum RedirectRoutes {
    static let routes: [Route] = []
}
