import AccordDomain
import NIOCore
import Testing

@testable import AccordWeb

/// The ingest's CSV reader over a body's bytes: the rules it has always applied, row for row.
@Suite("CSV from bytes")
struct CSVBytesTests {
    static func rows(_ text: String) throws -> [[String]] {
        var text = text
        return try text.withUTF8 { try CSVBytes.rows(UnsafeRawBufferPointer($0)) }
    }

    @Test func fieldsRowsQuotesAndLineEndsReadAsTheyAlwaysDid() throws {
        // commas and line ends inside quotes, a doubled quote, CRLF, LF and CR line ends, a last row without a line end
        #expect(try Self.rows("a,\"b,c\",\"say \"\"hi\"\"\"\r\n1,2,3\n\"x\ny\",z\rlast,row") == [
            ["a", "b,c", "say \"hi\""], ["1", "2", "3"], ["x\ny", "z"], ["last", "row"],
        ])
        // a field's leading spaces go, its trailing ones stay; spaces after a closing quote go
        #expect(try Self.rows("  a , \"b\"  ,c\n") == [["a ", "b", "c"]])
        // a blank line is a row of one empty field (the batch names it); a trailing line end adds no row
        #expect(try Self.rows("a,b\n\nc,d\n") == [["a", "b"], [""], ["c", "d"]])
        // an empty field at the start, in the middle; a trailing comma ends the row without one more field
        #expect(try Self.rows(",x,,y,\n") == [["", "x", "", "y", ""]])
        #expect(try Self.rows("p,q,") == [["p", "q"]])
        // invalid UTF-8 is repaired, never a crash
        let invalid: [UInt8] = [0x61, 0xFF, 0x2C, 0x62, 0x0A]
        let repaired = try invalid.withUnsafeBytes { try CSVBytes.rows($0) }
        #expect(repaired == [["a\u{FFFD}", "b"]])
        #expect(try Self.rows("") == [])
    }

    @Test func aStrayQuoteIsAQuotingErrorAndAFloodOfLinesOrCommasIsRefused() throws {
        #expect(throws: CSVBytes.Refusal.quoting) { try Self.rows("ab\"c,d\n") }
        #expect(throws: CSVBytes.Refusal.quoting) { try Self.rows("\"ab\"c,d\n") }
        // a body of line ends or commas stops at the bound, before it becomes millions of strings
        #expect(throws: CSVBytes.Refusal.tooManyRows) { try Self.rows(String(repeating: "\n", count: CSVBytes.maximumRows + 1)) }
        #expect(try Self.rows(String(repeating: "\n", count: 3)).count == 3)
        #expect(throws: CSVBytes.Refusal.tooManyFields) { try Self.rows(String(repeating: ",", count: CSVBytes.maximumFields + 1)) }
        #expect(throws: ValidationErrors.self) { try MeasurementAPI.csvRows(ByteBuffer(string: "start,end,good,valid" + String(repeating: "\n", count: 1_000_001))) }
    }

    @Test func aBucketBodyIsReadFromItsBytesWithItsHeaderChecked() throws {
        var body = ByteBuffer(string: "Start, End ,good,VALID\r\n2026-12-01T00:00:00Z,2026-12-01T00:01:00Z,99,100\r\n\r\n")
        let rows = try MeasurementAPI.csvRows(body)
        #expect(rows.count == 2)
        #expect(rows.first == RawBucketRow(row: 1, start: "2026-12-01T00:00:00Z", end: "2026-12-01T00:01:00Z", good: "99", valid: "100"))
        #expect(rows.last == RawBucketRow(row: 2, start: "", end: nil, good: nil, valid: nil))
        body = ByteBuffer(string: "begin,end,good,valid\n")
        #expect(throws: ValidationErrors.self) { try MeasurementAPI.csvRows(body) }
        body = ByteBuffer(string: "start,end,good,valid\n\"2026")
        #expect(try MeasurementAPI.csvRows(body).first?.start == "2026")
    }
}
