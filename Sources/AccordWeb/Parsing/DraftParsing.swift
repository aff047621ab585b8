import AccordDomain
import Foundation

/// One parser per entity, shared by the HTML forms and the JSON API.
///
/// `fallback` holds the stored values on a partial update, so a PATCH may send only what changes.
enum DraftParsing {
    static func vendor(_ input: Input, fallback: [String: String] = [:]) throws(ValidationErrors) -> VendorDraft {
        var reader = InputReader(input, fallback: fallback)
        let draft = VendorDraft(
            name: reader.string("name"), description: reader.string("description"), website: reader.string("website"),
            probationUntil: reader.date("probation_until", label: "Probation until"))
        try reader.combined(with: draft.validate()).throwIfAny()
        return draft
    }

    static func contact(_ input: Input, fallback: [String: String] = [:]) throws(ValidationErrors) -> VendorContactDraft {
        let reader = InputReader(input, fallback: fallback)
        let draft = VendorContactDraft(
            name: reader.string("name"), email: reader.string("email"), phone: reader.string("phone"), title: reader.string("title"))
        try reader.combined(with: draft.validate()).throwIfAny()
        return draft
    }

    static func service(_ input: Input, fallback: [String: String] = [:]) throws(ValidationErrors) -> ServiceDraft {
        let reader = InputReader(input, fallback: fallback)
        let draft = ServiceDraft(name: reader.string("name"), description: reader.string("description"), owner: reader.string("owner"))
        try reader.combined(with: draft.validate()).throwIfAny()
        return draft
    }

    static func rowVersion(_ input: Input) throws(ValidationErrors) -> Int {
        guard let text = input.text("row_version"), let version = Int(text) else {
            throw ValidationErrors([
                FieldError("row_version", "row_version is required: send the row_version you read, so concurrent edits are detected.")
            ])
        }
        return version
    }
}

extension Vendor {
    var formValues: [String: String] {
        ["name": self.name, "description": self.description, "website": self.website, "probation_until": self.probationUntil?.description ?? ""]
    }
}

extension VendorContact {
    var formValues: [String: String] {
        ["name": self.name, "email": self.email, "phone": self.phone, "title": self.title]
    }
}

extension Service {
    var formValues: [String: String] {
        ["name": self.name, "description": self.description, "owner": self.owner]
    }
}
