import Testing
@testable import CrescendoCore

@Suite("SMSSegments")
struct SMSSegmentsTests {
    private func gsm(_ n: Int) -> String { String(repeating: "a", count: n) }

    @Test("GSM-7 boundaries", arguments: [(160, 1, 160), (161, 2, 153), (306, 2, 153), (307, 3, 153)])
    func gsmBoundaries(length: Int, segments: Int, perSegment: Int) {
        let result = SMSSegments.count(gsm(length))
        #expect(result.encoding == .gsm7)
        #expect(result.units == length)
        #expect(result.segments == segments)
        #expect(result.perSegment == perSegment)
    }

    @Test func emptyIsOneBilledSegment() {
        #expect(SMSSegments.count("") == SMSSegments(encoding: .gsm7, units: 0, segments: 1, perSegment: 160))
    }

    @Test func extensionCharactersCountDouble() {
        let result = SMSSegments.count("^{}\\[~]|€\u{0C}")
        #expect(result.encoding == .gsm7)
        #expect(result.units == 20)
        #expect(SMSSegments.count(gsm(158) + "€").segments == 1) // 160 septets
        #expect(SMSSegments.count(gsm(159) + "€").segments == 2) // 161 septets
    }

    @Test func escapePairNeverSplits() {
        // 152 + € (2) + 152: 306 septets would fit 2×153 by arithmetic, but the €
        // would straddle septets 153/154, so it moves and a third segment is needed.
        let text = gsm(152) + "€" + gsm(152)
        let result = SMSSegments.count(text)
        #expect(result.units == 306)
        #expect(result.segments == 3)
        // The same total with the € not on the boundary fits in 2.
        #expect(SMSSegments.count("€" + gsm(304)).segments == 2)
    }

    @Test func fullBasicAlphabetIsGSM() {
        let basic = "@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà\n\r"
        let result = SMSSegments.count(basic)
        #expect(result.encoding == .gsm7)
        #expect(result.units == basic.unicodeScalars.count)
    }

    @Test("Non-GSM characters switch to UCS-2", arguments: ["ç", "ł", "á", "€ ok ł", "😀", "\u{65}\u{301}"])
    func nonGSMSwitchesToUCS2(text: String) {
        #expect(SMSSegments.count(text).encoding == .ucs2)
    }

    @Test func crlfCountsTwoSeptets() {
        #expect(SMSSegments.count("a\r\nb").units == 4)
    }

    @Test("UCS-2 boundaries", arguments: [(70, 1, 70), (71, 2, 67), (134, 2, 67), (135, 3, 67)])
    func ucs2Boundaries(length: Int, segments: Int, perSegment: Int) {
        let text = "ł" + String(repeating: "a", count: length - 1)
        let result = SMSSegments.count(text)
        #expect(result.encoding == .ucs2)
        #expect(result.units == length)
        #expect(result.segments == segments)
        #expect(result.perSegment == perSegment)
    }

    @Test func emojiAreTwoUnitsAndNeverSplit() {
        #expect(SMSSegments.count("😀").units == 2)
        #expect(SMSSegments.count(String(repeating: "😀", count: 35)).segments == 1) // 70 units
        // 66 units then an emoji straddling 67/68: it moves, third segment needed.
        let text = String(repeating: "a", count: 66) + "😀" + String(repeating: "a", count: 66)
        let result = SMSSegments.count(text)
        #expect(result.units == 134)
        #expect(result.segments == 3)
        #expect(SMSSegments.count("😀" + String(repeating: "a", count: 132)).segments == 2)
    }
}
