import Foundation

/// How vendor SLAs under a master combine into what they can promise together.
///
/// Serial members all have to work: availabilities multiply. A parallel group works while any member works:
/// 1 − Π(1 − a). The master's composed figure is the product of its serial members and of each parallel group.
public enum Composition {
    public struct Member: Sendable, Equatable {
        public var dependency: DependencyKind
        /// The parallel group's name; ignored for serial members.
        public var group: String?
        /// A fraction between 0 and 1.
        public var availability: Double

        public init(dependency: DependencyKind, group: String? = nil, availability: Double) {
            self.dependency = dependency
            self.group = group
            self.availability = availability
        }
    }

    /// The composed availability (a fraction), or nil without members.
    public static func compose(_ members: [Member]) -> Double? {
        guard !members.isEmpty else { return nil }
        var result = 1.0
        for member in members where member.dependency == .serial { result *= member.availability }
        let groups = Dictionary(grouping: members.filter { $0.dependency == .parallel }, by: { $0.group ?? "" })
        for (_, group) in groups {
            result *= 1 - group.reduce(1.0) { $0 * (1 - $1.availability) }
        }
        return result
    }

    /// Whether the vendors' promised targets, composed, can carry the master's target (both in percent).
    public struct Coverage: Sendable, Equatable {
        public var composedTarget: Double
        public var masterTarget: Double
        public var isCovered: Bool { self.composedTarget >= self.masterTarget }
        /// How many percentage points the vendors' promises fall short (0 when covered).
        public var shortfall: Double { max(0, self.masterTarget - self.composedTarget) }
    }

    public static func coverage(vendorTargets: [Member], masterTarget: Double) -> Coverage? {
        guard
            let composed = Self.compose(vendorTargets.map { Member(dependency: $0.dependency, group: $0.group, availability: $0.availability / 100) })
        else {
            return nil
        }
        return Coverage(composedTarget: composed * 100, masterTarget: masterTarget)
    }
}
