/// Reads CSV straight from a body's bytes: fields split on commas, rows on line ends (`\n`, `\r\n`, `\r`, and the
/// vertical tab and form feed), a field's leading spaces and tabs dropped, a quoted field's `""` read as one quote.
/// A field's bytes become a `String` once, at its end (invalid UTF-8 repaired), so a batch of 50,000 rows costs a few
/// tens of milliseconds rather than a walk over `Character`s.
///
/// The rules are those the ingest has always applied: a line left blank is a row of one empty field (the batch
/// names it), a quote may open a field or appear doubled inside one, and after a closing quote only spaces may come
/// before the next comma or line end. Anything else is a quoting error.
///
/// Bounded: at most `maximumRows` rows of at most `maximumFields` fields, so a body of nothing but line ends or commas
/// is refused before it becomes millions of strings.
enum CSVBytes {
    enum Refusal: Error, Equatable {
        case quoting
        case tooManyRows
        case tooManyFields
    }

    /// More rows than any batch within the body limit can hold (a bucket row is over 40 bytes).
    static let maximumRows = 1_000_000
    static let maximumFields = 64

    static func rows(_ bytes: UnsafeRawBufferPointer) throws(Refusal) -> [[String]] {
        let comma: UInt8 = 0x2C
        let quote: UInt8 = 0x22
        func isNewline(_ byte: UInt8) -> Bool { byte == 0x0A || byte == 0x0D || byte == 0x0B || byte == 0x0C }
        func isBlank(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

        enum State { case atStart, unquoted, quoted }
        var rows: [[String]] = []
        var fields: [String] = []
        var field: [UInt8] = []
        field.reserveCapacity(64)
        var state = State.atStart
        // a quote just read inside a field: the next byte must be another quote (or, after a quoted field, its end)
        var quoteSeen = false

        func finishField() throws(Refusal) {
            guard fields.count < Self.maximumFields else { throw .tooManyFields }
            fields.append(String(decoding: field, as: UTF8.self))
            field.removeAll(keepingCapacity: true)
        }
        func finishRow() throws(Refusal) {
            try finishField()
            guard rows.count < Self.maximumRows else { throw .tooManyRows }
            rows.append(fields)
            fields = []
        }

        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            index += 1
            // `\r\n` is one line end
            if byte == 0x0D, index < count, bytes[index] == 0x0A { index += 1 }
            switch state {
            case .atStart:
                if byte == quote {
                    state = .quoted
                } else if byte == comma {
                    try finishField()
                } else if isNewline(byte) {
                    try finishRow()
                } else if isBlank(byte) {
                    continue
                } else {
                    state = .unquoted
                    field.append(byte)
                }
            case .unquoted:
                if quoteSeen {
                    guard byte == quote else { throw .quoting }
                    field.append(quote)
                    quoteSeen = false
                } else if byte == quote {
                    quoteSeen = true
                } else if byte == comma {
                    state = .atStart
                    try finishField()
                } else if isNewline(byte) {
                    state = .atStart
                    try finishRow()
                } else {
                    field.append(byte)
                }
            case .quoted:
                if quoteSeen {
                    if byte == quote {
                        field.append(quote)
                        quoteSeen = false
                    } else if byte == comma {
                        state = .atStart
                        quoteSeen = false
                        try finishField()
                    } else if isNewline(byte) {
                        state = .atStart
                        quoteSeen = false
                        try finishRow()
                    } else if isBlank(byte) {
                        continue
                    } else {
                        throw .quoting
                    }
                } else if byte == quote {
                    quoteSeen = true
                } else {
                    field.append(byte)
                }
            }
        }
        // the last row, when the text does not end with a line end
        if !field.isEmpty { try finishField() }
        if !fields.isEmpty {
            guard rows.count < Self.maximumRows else { throw .tooManyRows }
            rows.append(fields)
        }
        return rows
    }
}
