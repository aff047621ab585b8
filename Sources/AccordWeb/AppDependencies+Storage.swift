import AccordApplication
import AccordStorage

extension AppDependencies {
    /// The repositories behind the use cases, for the pages not yet moved onto query objects and use cases (each file
    /// that still calls this is listed in scripts/lib/layers-pending.txt, and the list only shrinks).
    var repositories: Repositories { self.useCases.repositories }
}
