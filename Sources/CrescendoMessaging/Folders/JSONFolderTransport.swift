import CrescendoCore
import CrescendoEmail
import Foundation

/// SMS or push into a folder, one JSON file per message, named by the outbox id: what a
/// developer or the demo uses instead of a provider. Files are written whole (`DurableFile`),
/// and a repeat overwrites the same file.
public struct JSONFolderTransport: MessageTransport {
    public let folder: String
    public let channel: Channel

    public init(folder: String, channel: Channel) {
        self.folder = folder
        self.channel = channel
    }

    public func send(_ message: RenderedMessage) async throws -> String? {
        var object: [String: Any] = ["id": message.id, "channel": message.channel.rawValue, "to": message.address, "date": message.date]
        if channel == .push {
            let push = PushNotification(message)
            if let title = push.title { object["title"] = title }
            if let body = push.body { object["body"] = body }
            if !push.data.isEmpty { object["data"] = push.data }
        } else {
            let text = message.parts["text"] ?? ""
            object["text"] = text
            let segments = SMSSegments.count(text)
            object["segments"] = segments.segments
            object["encoding"] = "\(segments.encoding)"
        }
        do {
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
            try DurableFile.write(Array(data), to: (folder as NSString).appendingPathComponent(DurableFile.safeName(message.id) + ".json"))
        } catch {
            throw TransportFailure(permanent: false, message: "cannot write into \(folder): \(error)")
        }
        return message.id
    }

    public func shutdown() async {}
}
