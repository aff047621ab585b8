import Testing

@testable import AccordApplication

@Suite("Pack keys")
struct ReviewPackKeysTests {
    /// A frozen pack is written in snake_case like every API answer, and a pack frozen before (camelCase, its bytes kept
    /// as signed) still reads.
    @Test func keysGoToSnakeCaseAndBothFormsReadBack() {
        let pairs = [
            ("meetingID", "meeting_id"), ("audienceVendorID", "audience_vendor_id"), ("factsFrom", "facts_from"), ("whatIf", "what_if"),
            ("id", "id"), ("forInformation", "for_information"), ("objectiveID", "objective_id"), ("timeZone", "time_zone"),
        ]
        for (camel, snake) in pairs {
            #expect(ReviewPack.snakeCase(camel) == snake)
            #expect(ReviewPack.camelCase(snake) == camel)
            #expect(ReviewPack.camelCase(camel) == camel, "a camelCase key of an older pack reads as it is")
        }
    }
}
