/// Which slice of a long list to show.
public struct PageRequest: Sendable, Equatable {
    public var number: Int
    public var size: Int

    /// Clamped to `Bounds.pages` and 1…200, so `offset` cannot overflow whatever is asked for; the web layer refuses
    /// out-of-range numbers with a message before they get here.
    public init(number: Int = 1, size: Int = 25) {
        self.number = min(max(Bounds.pages.lowerBound, number), Bounds.pages.upperBound)
        self.size = min(max(1, size), 200)
    }

    public var offset: Int { (self.number - 1) * self.size }
}

/// A slice of a list and how many items the whole list holds.
public struct PageOf<Item: Sendable>: Sendable {
    public var items: [Item]
    public var total: Int
    public var request: PageRequest

    public init(items: [Item], total: Int, request: PageRequest) {
        self.items = items
        self.total = total
        self.request = request
    }

    public var pageCount: Int { max(1, (self.total + self.request.size - 1) / self.request.size) }
    public var hasPrevious: Bool { self.request.number > 1 }
    public var hasNext: Bool { self.request.number < self.pageCount }
}
