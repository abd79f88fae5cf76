import Foundation

/// A Google service-account key (the JSON file the Firebase console downloads). Only the fields
/// the OAuth exchange needs are read; the private key never leaves memory and is never logged.
public struct FCMServiceAccount: Sendable, Decodable {
    public var projectID: String
    public var clientEmail: String
    public var privateKeyID: String?
    public var privateKey: String
    /// Google's token endpoint, or a test server's.
    public var tokenURI: String

    enum CodingKeys: String, CodingKey {
        case projectID = "project_id"
        case clientEmail = "client_email"
        case privateKeyID = "private_key_id"
        case privateKey = "private_key"
        case tokenURI = "token_uri"
    }

    public init(projectID: String, clientEmail: String, privateKeyID: String?, privateKey: String, tokenURI: String = "https://oauth2.googleapis.com/token") {
        self.projectID = projectID
        self.clientEmail = clientEmail
        self.privateKeyID = privateKeyID
        self.privateKey = privateKey
        self.tokenURI = tokenURI
    }

    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        projectID = try container.decode(String.self, forKey: .projectID)
        clientEmail = try container.decode(String.self, forKey: .clientEmail)
        privateKeyID = try container.decodeIfPresent(String.self, forKey: .privateKeyID)
        privateKey = try container.decode(String.self, forKey: .privateKey)
        tokenURI = try container.decodeIfPresent(String.self, forKey: .tokenURI) ?? "https://oauth2.googleapis.com/token"
    }

    /// Reads the key file, naming the file and the field when it is not a service-account key.
    public static func load(path: String) throws -> FCMServiceAccount {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw PushError(.configuration, "\(path): cannot read the service-account key (\(error.localizedDescription))")
        }
        do {
            return try JSONDecoder().decode(FCMServiceAccount.self, from: data)
        } catch DecodingError.keyNotFound(let key, _) {
            throw PushError(.configuration, "\(path): not a service-account key, it has no \"\(key.stringValue)\"")
        } catch {
            throw PushError(.configuration, "\(path): not a service-account key (JSON with project_id, client_email and private_key)")
        }
    }
}
