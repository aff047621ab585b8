import AccordApplication
import Testing

@Suite("Credit export")
struct CreditExportTests {
    @Test func textThatASpreadsheetWouldRunIsGuardedWhateverItLooksLike() {
        // text columns: anything starting like a formula gets a leading apostrophe, even when part of it reads as a number
        #expect(CreditExport.cell(.text("-cmd|' /C calc'!A0")) == "'-cmd|' /C calc'!A0")
        #expect(CreditExport.cell(.text("+1+1")) == "'+1+1")
        #expect(CreditExport.cell(.text("-1+1")) == "'-1+1")
        #expect(CreditExport.cell(.text("-1")) == "'-1")
        #expect(CreditExport.cell(.text("=SUM(A1:A9)")) == "'=SUM(A1:A9)")
        #expect(CreditExport.cell(.text("@cmd")) == "'@cmd")
        #expect(CreditExport.cell(.text("Northwind, \"Cloud\"")) == "\"Northwind, \"\"Cloud\"\"\"")
        // number columns are the server's own formatting and go out as written
        #expect(CreditExport.cell(.number("-1.50")) == "-1.50")
        #expect(CreditExport.cell(.number("99.95")) == "99.95")
    }
}
