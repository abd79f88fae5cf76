/// The on-air alphabet an SMS is sent in.
///
/// Which one applies decides how many characters fit per segment, and therefore
/// what a campaign costs, so it is exposed rather than hidden inside the count.
public enum SMSEncoding: String, Sendable, Hashable, Codable, CaseIterable {
    /// GSM 03.38 7-bit default alphabet (plus its extension table via ESC).
    case gsm7
    /// UCS-2 / UTF-16, used as soon as a single character falls outside GSM-7.
    case ucs2
}
