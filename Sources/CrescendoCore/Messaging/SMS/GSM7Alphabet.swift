/// The GSM 03.38 default alphabet and its extension table.
///
/// Kept as explicit scalar sets (not ranges of Latin-1) because the GSM table is
/// an arbitrary selection: e.g. uppercase `Ç` is in it but lowercase `ç` is not,
/// and guessing wrong silently changes the billed segment count.
enum GSM7Alphabet {
    /// Characters that cost one septet.
    static let basic: Set<Unicode.Scalar> = {
        var set = Set<Unicode.Scalar>()
        let table = "@£$¥èéùìòÇØøÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
            + "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
        for scalar in table.unicodeScalars { set.insert(scalar) }
        set.insert("\n")
        set.insert("\r")
        return set
    }()

    /// Characters that need an ESC (0x1B) prefix and therefore cost two septets.
    static let extended: Set<Unicode.Scalar> = {
        var set = Set<Unicode.Scalar>()
        for scalar in "^{}\\[~]|€".unicodeScalars { set.insert(scalar) }
        set.insert("\u{0C}") // form feed (page break)
        return set
    }()

    /// Septet cost of `scalar`, or `nil` if it cannot be sent in GSM-7 at all.
    static func septets(for scalar: Unicode.Scalar) -> Int? {
        if basic.contains(scalar) { return 1 }
        if extended.contains(scalar) { return 2 }
        return nil
    }
}
