import CrescendoCore
import CrescendoEmail
import Foundation

/// Writes each email as an .eml file in a folder (written atomically, one file per Message-ID):
/// what the demo and development send to instead of a mail server.
public struct EMLFolderTransport: MessageTransport {
    public let folder: EMLFolder
    public let composer: EmailComposer

    public init(folder: EMLFolder, composer: EmailComposer) {
        self.folder = folder
        self.composer = composer
    }

    public func send(_ message: RenderedMessage) async throws -> String? {
        let (messageID, bytes) = try composer.compose(message)
        do {
            _ = try folder.write(bytes, messageID: messageID)
        } catch {
            throw TransportFailure(permanent: false, message: "\(error)")
        }
        return messageID
    }

    public func shutdown() async {}
}
