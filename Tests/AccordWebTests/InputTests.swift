import AccordDomain
import Foundation
import Testing

@testable import AccordWeb

@Suite("Form and JSON input")
struct InputTests {
    @Test func formsDecodeRowsCheckboxesAndEscapes() throws {
        let input = try Input.form(
            "name=A+%26+B&exclusion_kinds=force_majeure&exclusion_kinds=customer_caused&credit_tiers.1.percent=30&credit_tiers.0.threshold=99.9&credit_tiers.0.percent=10&credit_tiers.1.threshold=99"
        )
        #expect(input.text("name") == "A & B")
        #expect(input.texts("exclusion_kinds") == ["force_majeure", "customer_caused"])
        let tiers = input.objects("credit_tiers")
        #expect(tiers.map { $0.text("threshold") } == ["99.9", "99"])
        #expect(tiers.map { $0.text("percent") } == ["10", "30"])
    }

    @Test func jsonAndFormsParseToTheSameDraft() throws {
        let json = try Input.json(
            Data(
                #"{"name":"Up","sli_kind":"ratio","sla_target":99.9,"slo_target":99.95,"window_kind":"calendar_month","credit_tiers":[{"threshold":99.9,"percent":10}]}"#
                    .utf8))
        let form = try Input.form(
            "name=Up&sli_kind=ratio&sla_target=99.9&slo_target=99.95&window_kind=calendar_month&credit_tiers.0.threshold=99.9&credit_tiers.0.percent=10"
        )
        #expect(try DraftParsing.objective(json) == DraftParsing.objective(form))
    }

    @Test func parseErrorsNameTheFieldAndTheRow() throws {
        let input = try Input.form(
            "name=Up&sli_kind=ratio&sla_target=lots&slo_target=99.95&window_kind=weekly&credit_tiers.0.threshold=x&credit_tiers.0.percent=1")
        #expect(throws: ValidationErrors.self) { try DraftParsing.objective(input) }
        do {
            _ = try DraftParsing.objective(input)
        } catch {
            #expect(error.message(for: "sla_target") == "SLA target must be a number such as 99.9.")
            #expect(error.message(for: "window_kind")?.hasPrefix("Window must be one of") == true)
            #expect(error.message(for: "credit_tiers")?.hasPrefix("Credit tier 1:") == true)
        }
    }

    @Test func malformedJSONIsAFieldErrorNotACrash() {
        #expect(throws: ValidationErrors.self) { try Input.json(Data("{not json".utf8)) }
        #expect(throws: ValidationErrors.self) { try Input.json(Data("[1,2]".utf8)) }
    }
}
