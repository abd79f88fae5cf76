import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// An HTTP server on loopback that speaks Firebase Cloud Messaging HTTP v1 and Google's OAuth token
/// endpoint the way Google answers.
///
/// `POST /token` takes the JWT-bearer grant a service account signs (RS256, checked against the public
/// key given to `start`; `aud` must be `tokenURL`, `scope` must include firebase.messaging, `exp - iat`
/// at most an hour) and hands out `ya29.` access tokens; a bad assertion gets 400 `invalid_grant`
/// (`invalid_scope` for a bad scope, `unsupported_grant_type` for a bad grant type).
/// `POST /v1/projects/{project}/messages:send` needs one of those tokens (else 401 UNAUTHENTICATED), the
/// project given to `start` (else 404 NOT_FOUND) and a valid message (else 400 INVALID_ARGUMENT, also for
/// non-string `data` values and unknown fields). The device token then decides: ending in `unregistered`
/// 404 UNREGISTERED, `invalid` 400 INVALID_ARGUMENT, `quota` 429 QUOTA_EXCEEDED with `Retry-After: 1`,
/// `unavailable` 503 UNAVAILABLE, `internal` 500 INTERNAL, `mismatch` 403 SENDER_ID_MISMATCH; anything
/// else 200 `{"name": "projects/{project}/messages/0:<unique>"}`. `expireTokens()` invalidates every
/// access token handed out so far. Every request is logged as a JSON line (see `requests()`).
final class FCMServer: @unchecked Sendable {
    let process: Process
    let port: Int
    let log: URL
    let folder: URL

    /// Where the service account JSON's `token_uri` should point; also the JWT's `aud`.
    var tokenURL: String { "http://127.0.0.1:\(port)/token" }
    /// The FCM base URL: requests go to `\(baseURL)/v1/projects/{project}/messages:send`.
    var baseURL: String { "http://127.0.0.1:\(port)" }

    static let script = #"""
    import base64, http.server, json, os, secrets, sys, threading, time, urllib.parse
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    log_path, key_path, project_id = sys.argv[1], sys.argv[2], sys.argv[3]
    with open(key_path, "rb") as f: public_key = serialization.load_pem_public_key(f.read())
    # Optional: device token -> scenario word ("unregistered", "quota", ...), for real tokens a test picked.
    OUTCOMES = json.load(open(log_path + ".outcomes.json")) if os.path.exists(log_path + ".outcomes.json") else {}
    SCOPE = "https://www.googleapis.com/auth/firebase.messaging"
    lock = threading.Lock()
    state = {"tokens": set(), "issued": 0, "counter": 0, "port": 0}
    MESSAGE_FIELDS = {"name", "data", "notification", "android", "webpush", "apns", "fcm_options", "fcmOptions", "token", "topic", "condition"}
    NOTIFICATION_FIELDS = {"title", "body", "image"}

    def b64d(part):
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))

    def record(entry):
        with lock, open(log_path, "a") as out:
            out.write(json.dumps(entry) + "\n")

    def check_assertion(assertion):
        """Returns (claims, header, None) or (claims, header, (error, description))."""
        parts = assertion.split(".")
        if len(parts) != 3:
            return None, None, ("invalid_grant", "Invalid JWT: not a JWS compact serialization.")
        try:
            header, claims = json.loads(b64d(parts[0])), json.loads(b64d(parts[1]))
            signature = b64d(parts[2])
        except Exception:
            return None, None, ("invalid_grant", "Invalid JWT: the header or claims are not base64url JSON.")
        if not isinstance(header, dict) or not isinstance(claims, dict):
            return None, None, ("invalid_grant", "Invalid JWT: the header or claims are not JSON objects.")
        if header.get("alg") != "RS256":
            return claims, header, ("invalid_grant", "Invalid JWT: the algorithm must be RS256, not %r." % header.get("alg"))
        try:
            public_key.verify(signature, (parts[0] + "." + parts[1]).encode(), padding.PKCS1v15(), hashes.SHA256())
        except Exception:
            return claims, header, ("invalid_grant", "Invalid JWT Signature.")
        if not isinstance(claims.get("iss"), str) or not claims["iss"]:
            return claims, header, ("invalid_grant", "Invalid JWT: the iss claim is missing.")
        scope = claims.get("scope")
        if not isinstance(scope, str) or not scope:
            return claims, header, ("invalid_scope", "Empty or missing scope not allowed.")
        if SCOPE not in scope.split(" "):
            return claims, header, ("invalid_scope", "Invalid OAuth scope or ID token audience provided.")
        expected_aud = "http://127.0.0.1:%d/token" % state["port"]
        if claims.get("aud") != expected_aud:
            return claims, header, ("invalid_grant", "Invalid JWT: audience %r is not %r." % (claims.get("aud"), expected_aud))
        iat, exp, now = claims.get("iat"), claims.get("exp"), time.time()
        numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (iat, exp))
        if not numbers or exp - iat > 3600 or exp <= now or iat > now + 300 or exp < iat:
            return claims, header, ("invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim.")
        return claims, header, None

    def fcm_error(code, status, message, error_code=None, details=None):
        error = {"code": code, "message": message, "status": status}
        if details is not None:
            error["details"] = details
        elif error_code:
            error["details"] = [{"@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", "errorCode": error_code}]
        return code, {"error": error}

    def unknown(fields, allowed, where):
        extra = sorted(k for k in fields if k not in allowed)
        if extra:
            return fcm_error(400, "INVALID_ARGUMENT", "Invalid JSON payload received. Unknown name \"%s\" at '%s': Cannot find field." % (extra[0], where),
                             details=[{"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": [{"field": where, "description": "Invalid JSON payload received. Unknown name \"%s\" at '%s': Cannot find field." % (extra[0], where)}]}])
        return None

    def send(project, body):
        """The answer to messages:send once the caller is authenticated: (status, json, extra headers, device token)."""
        if project != project_id:
            return fcm_error(404, "NOT_FOUND", "Requested entity was not found.") + ({}, None)
        if not isinstance(body, dict):
            return fcm_error(400, "INVALID_ARGUMENT", "Invalid JSON payload received. Expected an object.") + ({}, None)
        bad = unknown(body, {"message", "validate_only", "validateOnly"}, "")
        if bad: return bad + ({}, None)
        message = body.get("message")
        if not isinstance(message, dict):
            return fcm_error(400, "INVALID_ARGUMENT", "Request contains an invalid argument.", error_code="INVALID_ARGUMENT") + ({}, None)
        bad = unknown(message, MESSAGE_FIELDS, "message")
        if bad: return bad + ({}, None)
        notification = message.get("notification")
        if notification is not None:
            if not isinstance(notification, dict):
                return fcm_error(400, "INVALID_ARGUMENT", "Invalid value at 'message.notification' (type.googleapis.com/google.firebase.fcm.v1.Notification).") + ({}, None)
            bad = unknown(notification, NOTIFICATION_FIELDS, "message.notification")
            if bad: return bad + ({}, None)
            for k, v in notification.items():
                if not isinstance(v, str):
                    return fcm_error(400, "INVALID_ARGUMENT", "Invalid value at 'message.notification.%s' (TYPE_STRING), %s" % (k, json.dumps(v))) + ({}, None)
        data = message.get("data")
        if data is not None:
            if not isinstance(data, dict):
                return fcm_error(400, "INVALID_ARGUMENT", "Invalid value at 'message.data' (type.googleapis.com/google.firebase.fcm.v1.Message.DataEntry), %s" % json.dumps(data)) + ({}, None)
            for index, (k, v) in enumerate(data.items()):
                if not isinstance(v, str):
                    where = "message.data[%d].value" % index
                    text = "Invalid value at '%s' (TYPE_STRING), %s" % (where, json.dumps(v))
                    return fcm_error(400, "INVALID_ARGUMENT", text, details=[{"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": [{"field": where, "description": text}]}]) + ({}, None)
        targets = [k for k in ("token", "topic", "condition") if k in message]
        if len(targets) != 1:
            return fcm_error(400, "INVALID_ARGUMENT", "Recipient of the message is not set." if not targets else "Exactly one of token, topic or condition must be set.", error_code="INVALID_ARGUMENT") + ({}, None)
        token = message.get("token")
        if "token" in message:
            scenario = OUTCOMES.get(token, token) if isinstance(token, str) else token
            if not isinstance(token, str) or not token or scenario.endswith("invalid"):
                return fcm_error(400, "INVALID_ARGUMENT", "The registration token is not a valid FCM registration token", error_code="INVALID_ARGUMENT") + ({}, token)
            if scenario.endswith("unregistered"):
                return fcm_error(404, "NOT_FOUND", "Requested entity was not found.", error_code="UNREGISTERED") + ({}, token)
            if scenario.endswith("quota"):
                return fcm_error(429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Messages' of service 'fcm.googleapis.com'.", error_code="QUOTA_EXCEEDED") + ({"Retry-After": "1"}, token)
            if scenario.endswith("unavailable"):
                return fcm_error(503, "UNAVAILABLE", "The service is currently unavailable.", error_code="UNAVAILABLE") + ({}, token)
            if scenario.endswith("internal"):
                return fcm_error(500, "INTERNAL", "Internal error encountered.", error_code="INTERNAL") + ({}, token)
            if scenario.endswith("mismatch"):
                return fcm_error(403, "PERMISSION_DENIED", "SenderId mismatch", error_code="SENDER_ID_MISMATCH") + ({}, token)
        if body.get("validate_only") or body.get("validateOnly"):
            return 200, {"name": "projects/%s/messages/fake_message_id" % project_id}, {}, token
        with lock:
            state["counter"] += 1
            number = "%d%06d" % (int(time.time() * 1000), state["counter"])
        return 200, {"name": "projects/%s/messages/0:%s" % (project_id, number)}, {}, token

    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        def log_message(self, *args): pass

        def read_body(self):
            if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                chunks = []
                while True:
                    size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                    if size == 0:
                        while self.rfile.readline() not in (b"\r\n", b"\n", b""): pass
                        return b"".join(chunks)
                    chunks.append(self.rfile.read(size)); self.rfile.readline()
            return self.rfile.read(int(self.headers.get("Content-Length", "0") or "0"))

        def reply(self, status, body, headers=None):
            send_json(self, status, body, "application/json; charset=UTF-8", headers)

        def do_GET(self):
            self.read_body()
            record({"path": self.path, "method": "GET", "status": 404})
            self.reply(404, {"error": {"code": 404, "message": "Not Found", "status": "NOT_FOUND"}})

        def do_POST(self):
            raw = self.read_body()
            path = urllib.parse.urlsplit(self.path).path
            if path == "/token":
                return self.token(raw)
            if path == "/control/expire-tokens":
                with lock:
                    count = len(state["tokens"]); state["tokens"].clear()
                record({"path": path, "status": 200, "expired": count})
                return self.reply(200, {"expired": count})
            auth = self.headers.get("Authorization") or ""
            bearer = auth[7:].strip() if auth.lower().startswith("bearer ") else None
            try: body = json.loads(raw) if raw else None
            except Exception: body = raw.decode("utf-8", "replace")
            prefix, suffix = "/v1/projects/", "/messages:send"
            headers, device = {}, None
            if not (path.startswith(prefix) and path.endswith(suffix) and "/" not in path[len(prefix):-len(suffix)]):
                status, answer = fcm_error(404, "NOT_FOUND", "The requested URL %s was not found on this server." % path)
            elif bearer is None or bearer not in state["tokens"]:
                status, answer = fcm_error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.")
                headers = {"WWW-Authenticate": 'Bearer realm="https://accounts.google.com/"'}
            elif isinstance(body, str) or (raw and body is None):
                status, answer = fcm_error(400, "INVALID_ARGUMENT", "Invalid JSON payload received. Unexpected token.")
            else:
                status, answer, headers, device = send(path[len(prefix):-len(suffix)], body)
            entry = {"path": path, "method": "POST", "token": bearer, "body": body, "status": status, "device_token": device, "content_type": self.headers.get("Content-Type")}
            if status == 200: entry["name"] = answer["name"]
            else: entry["error"] = answer["error"]
            record(entry)
            self.reply(status, answer, headers)

        def token(self, raw):
            form = {k: v[0] for k, v in urllib.parse.parse_qs(raw.decode("utf-8", "replace"), keep_blank_values=True).items()}
            claims = header = None
            if form.get("grant_type") != "urn:ietf:params:oauth:grant-type:jwt-bearer":
                problem = ("unsupported_grant_type", "Invalid grant_type: %s" % form.get("grant_type", ""))
            elif not form.get("assertion"):
                problem = ("invalid_request", "Missing required parameter: assertion")
            else:
                claims, header, problem = check_assertion(form["assertion"])
            if problem:
                record({"path": "/token", "status": 400, "claims": claims, "header": header, "error": problem[0], "error_description": problem[1], "content_type": self.headers.get("Content-Type")})
                return self.reply(400, {"error": problem[0], "error_description": problem[1]})
            access = "ya29." + secrets.token_urlsafe(32)
            with lock:
                state["tokens"].add(access); state["issued"] += 1
            record({"path": "/token", "status": 200, "claims": claims, "header": header, "access_token": access, "content_type": self.headers.get("Content-Type")})
            self.reply(200, {"access_token": access, "expires_in": 3599, "token_type": "Bearer"})

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state["port"] = server.server_address[1]
    announce(log_path, str(state["port"]))
    server.serve_forever()
    """#

    private init(process: Process, port: Int, log: URL, folder: URL) {
        self.process = process
        self.port = port
        self.log = log
        self.folder = folder
    }

    /// Starts the server and waits (without blocking a thread) until it listens. `publicKeyPEM` is the
    /// service account key's public half (`-----BEGIN PUBLIC KEY-----`), which verifies the token requests.
    /// `outcomes` maps device tokens to a scenario word (`unregistered`, `invalid`, `quota`,
    /// `unavailable`, `internal`, `mismatch`), for tokens a test takes from real data.
    static func start(publicKeyPEM: String, projectID: String, outcomes: [String: String] = [:]) async throws -> FCMServer {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crescendo-fcm-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let log = folder.appendingPathComponent("requests.jsonl")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        try JSONSerialization.data(withJSONObject: outcomes).write(to: URL(fileURLWithPath: log.path + ".outcomes.json"))
        let key = folder.appendingPathComponent("service-account.pub.pem")
        try Data(publicKeyPEM.utf8).write(to: key)
        let (process, text) = try await ScriptedServer.launch(
            script: Self.script, named: "fcm.py", in: folder, log: log, arguments: [key.path, projectID], what: "the FCM test server")
        guard let port = Int(text) else {
            kill(process.processIdentifier, SIGKILL)
            throw SMTPSink.SinkError(message: "the FCM test server wrote a bad port file: \(text)")
        }
        return FCMServer(process: process, port: port, log: log, folder: folder)
    }

    /// A service account JSON (the file Google hands out) whose `token_uri` points at this server.
    func serviceAccountJSON(privateKeyPEM: String, projectID: String, clientEmail: String = "crescendo@test.iam.gserviceaccount.com") throws -> Data {
        try JSONSerialization.data(withJSONObject: [
            "type": "service_account", "project_id": projectID, "private_key_id": "test-key-id", "private_key": privateKeyPEM,
            "client_email": clientEmail, "client_id": "100000000000000000000", "token_uri": tokenURL,
            "auth_uri": "https://accounts.google.com/o/oauth2/auth",
        ], options: [.sortedKeys])
    }

    /// Makes every access token issued so far invalid: the next send with one of them gets 401.
    func expireTokens() async throws {
        try await ScriptedServer.post("http://127.0.0.1:\(port)/control/expire-tokens")
    }

    /// SIGKILL: children of the test runner inherit its blocked SIGTERM.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
        try? FileManager.default.removeItem(at: folder)
    }

    /// Everything the server logged, in order. Token requests: `path` "/token", `status`, `claims`,
    /// `header`, `access_token` or `error`/`error_description`. Sends: `path`, `method`, `token` (the
    /// bearer token or null), `body` (parsed JSON), `status`, `device_token`, `name` or `error`.
    /// Control calls: `path`, `status`, `expired`.
    func requests() throws -> [[String: Any]] {
        try ScriptedServer.log(log)
    }
}

/// An HTTP/2-only TLS server on loopback (Python `h2`) that speaks the APNs provider API the way Apple
/// answers. TLS uses a throwaway self-signed certificate (`certificate`; SAN IP:127.0.0.1, DNS:localhost),
/// so the client must skip verification or trust that certificate, and must negotiate `h2` via ALPN:
/// a connection without it is closed (and logged with an `error`).
///
/// `POST /3/device/{hex token}` needs `authorization: bearer <ES256 JWT>` with `kid` == key id,
/// `iss` == team id, `iat` within the last hour (else 403 `MissingProviderToken` / `InvalidProviderToken`
/// / `ExpiredProviderToken`), `apns-topic` == topic (or topic + `.voip` etc.; else 400 `MissingTopic` /
/// `TopicDisallowed`), a valid `apns-push-type` (else 400 `InvalidPushType`), a JSON body with an `aps`
/// object (else 400 `PayloadEmpty` / `BadPayload`; over 4096 bytes 413 `PayloadTooLarge`). Then the device
/// token decides: not hex 400 `BadDeviceToken`, ending in `dead` 410 `Unregistered` with a `timestamp`,
/// `beef` 400 `BadDeviceToken`, `face` 429 `TooManyRequests`; anything else 200 with no body. Every
/// response carries `apns-id` (the request's, or a new uppercase UUID); error bodies are `{"reason": ...}`.
final class APNsServer: @unchecked Sendable {
    let process: Process
    let port: Int
    /// A plain HTTP/1.1 port for the control endpoints (also served over h2 on `port`).
    let controlPort: Int
    let log: URL
    let folder: URL
    /// The server's self-signed certificate (PEM), for a client that would rather trust it than skip verification.
    let certificate: URL

    /// The APNs base URL: requests go to `\(baseURL)/3/device/{token}`.
    var baseURL: String { "https://127.0.0.1:\(port)" }

    static let script = #"""
    import base64, http.server, json, os, re, socket, ssl, sys, threading, time, urllib.parse, uuid
    import h2.config, h2.connection, h2.events, h2.exceptions, h2.settings
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

    log_path, cert_path, key_path, public_key_path, team_id, key_id, topic = sys.argv[1:8]
    # Optional: device token -> scenario word ("dead", "beef", "face"), for real tokens a test picked.
    OUTCOMES = json.load(open(log_path + ".outcomes.json")) if os.path.exists(log_path + ".outcomes.json") else {}
    with open(public_key_path, "rb") as f: public_key = serialization.load_pem_public_key(f.read())
    lock = threading.Lock()
    state = {"expire_before": None}
    PUSH_TYPES = {"alert", "background", "location", "voip", "complication", "fileprovider", "mdm", "liveactivity", "pushtotalk", "widgets", "controls"}
    TOPIC_SUFFIXES = ("", ".voip", ".complication", ".pushkit.fileprovider", ".push-type.liveactivity", ".voip-ptt")
    UUID_RE = re.compile(r"^[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}$")
    HEX_RE = re.compile(r"^[0-9A-Fa-f]+$")

    def record(entry):
        with lock, open(log_path, "a") as out:
            out.write(json.dumps(entry) + "\n")

    def b64d(part):
        return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))

    def check_provider_token(authorization):
        """Returns (claims, header, reason or None)."""
        if not authorization:
            return None, None, "MissingProviderToken"
        scheme, _, jwt = authorization.partition(" ")
        if scheme.lower() != "bearer" or jwt.count(".") != 2:
            return None, None, "InvalidProviderToken"
        parts = jwt.strip().split(".")
        try:
            header, claims, signature = json.loads(b64d(parts[0])), json.loads(b64d(parts[1])), b64d(parts[2])
            assert isinstance(header, dict) and isinstance(claims, dict)
        except Exception:
            return None, None, "InvalidProviderToken"
        if header.get("alg") != "ES256" or header.get("kid") != key_id or claims.get("iss") != team_id or len(signature) != 64:
            return claims, header, "InvalidProviderToken"
        try:
            der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
            public_key.verify(der, (parts[0] + "." + parts[1]).encode(), ec.ECDSA(hashes.SHA256()))
        except Exception:
            return claims, header, "InvalidProviderToken"
        iat = claims.get("iat")
        if not isinstance(iat, (int, float)) or isinstance(iat, bool) or iat > time.time() + 300:
            return claims, header, "InvalidProviderToken"
        if iat < time.time() - 3600 or (state["expire_before"] is not None and iat < state["expire_before"]):
            return claims, header, "ExpiredProviderToken"
        return claims, header, None

    def control(path, query):
        """Control endpoints, on the h2 port and on the plain HTTP control port: (status, body) or None."""
        if path == "/control/expire-provider-tokens-before":
            try: value = int(float(urllib.parse.parse_qs(query).get("iat", [""])[0]))
            except ValueError: return 400, {"reason": "BadIat"}
            with lock: state["expire_before"] = value
            record({"path": path, "status": 200, "expire_before": value})
            return 200, {"expire_before": value}
        return None

    def answer(method, path, headers, duplicates, raw):
        """The APNs answer: (status, reason, extra) for a request on the h2 port."""
        if method != "POST":
            return 405, "MethodNotAllowed", {}
        if not path.startswith("/3/device/"):
            return 404, "BadPath", {}
        device = path[len("/3/device/"):]
        if duplicates:
            return 400, "DuplicateHeaders", {}
        claims, jwt_header, reason = check_provider_token(headers.get("authorization"))
        extra = {"claims": claims, "jwt_header": jwt_header}
        if reason:
            return 403, reason, extra
        if not device:
            return 400, "MissingDeviceToken", extra
        if not HEX_RE.match(device):
            return 400, "BadDeviceToken", extra
        apns_topic = headers.get("apns-topic")
        if not apns_topic:
            return 400, "MissingTopic", extra
        if apns_topic not in tuple(topic + s for s in TOPIC_SUFFIXES):
            return 400, "TopicDisallowed", extra
        if headers.get("apns-push-type") not in PUSH_TYPES:
            return 400, "InvalidPushType", extra
        if "apns-id" in headers and not UUID_RE.match(headers["apns-id"]):
            return 400, "BadMessageId", extra
        if "apns-priority" in headers and headers["apns-priority"] not in ("1", "5", "10"):
            return 400, "BadPriority", extra
        if "apns-expiration" in headers and not re.match(r"^\d+$", headers["apns-expiration"]):
            return 400, "BadExpirationDate", extra
        if "apns-collapse-id" in headers and len(headers["apns-collapse-id"].encode()) > 64:
            return 400, "BadCollapseId", extra
        limit = 5120 if headers.get("apns-push-type") == "voip" else 4096
        if len(raw) > limit:
            return 413, "PayloadTooLarge", extra
        if not raw.strip():
            return 400, "PayloadEmpty", extra
        try: body = json.loads(raw)
        except Exception: return 400, "BadPayload", extra
        if not isinstance(body, dict) or not isinstance(body.get("aps"), dict):
            return 400, "BadPayload", extra
        lower = OUTCOMES.get(device, device).lower()
        if lower.endswith("dead"):
            return 410, "Unregistered", extra
        if lower.endswith("beef"):
            return 400, "BadDeviceToken", extra
        if lower.endswith("face"):
            return 429, "TooManyRequests", extra
        return 200, None, extra

    def serve_connection(raw_socket, context):
        try:
            sock = context.wrap_socket(raw_socket, server_side=True)
        except Exception as error:
            record({"path": None, "status": None, "error": "TLS handshake failed: %s" % error})
            raw_socket.close(); return
        protocol = sock.selected_alpn_protocol()
        if protocol != "h2":
            record({"path": None, "status": None, "error": "the client did not negotiate h2 via ALPN", "protocol": protocol})
            sock.close(); return
        conn = h2.connection.H2Connection(config=h2.config.H2Configuration(client_side=False, header_encoding="utf-8"))
        conn.initiate_connection()
        conn.update_settings({h2.settings.SettingCodes.MAX_CONCURRENT_STREAMS: 1000})
        sock.sendall(conn.data_to_send())
        streams = {}
        try:
            while True:
                data = sock.recv(65535)
                if not data: break
                for event in conn.receive_data(data):
                    if isinstance(event, h2.events.RequestReceived):
                        streams[event.stream_id] = {"headers": event.headers, "body": b""}
                    elif isinstance(event, h2.events.DataReceived):
                        if event.stream_id in streams: streams[event.stream_id]["body"] += event.data
                        conn.acknowledge_received_data(event.flow_controlled_length, event.stream_id)
                    elif isinstance(event, h2.events.StreamEnded):
                        stream = streams.pop(event.stream_id, None)
                        if stream: respond(conn, event.stream_id, stream, protocol)
                    elif isinstance(event, h2.events.StreamReset):
                        streams.pop(event.stream_id, None)
                    elif isinstance(event, h2.events.ConnectionTerminated):
                        sock.sendall(conn.data_to_send()); return
                out = conn.data_to_send()
                if out: sock.sendall(out)
        except (OSError, ssl.SSLError, h2.exceptions.ProtocolError) as error:
            record({"path": None, "status": None, "error": "connection error: %r" % error})
        finally:
            try: sock.close()
            except Exception: pass

    def respond(conn, stream_id, stream, protocol):
        pseudo, headers, duplicates, seen = {}, {}, [], set()
        for name, value in stream["headers"]:
            name = name.lower()
            if name.startswith(":"): pseudo[name] = value; continue
            if name in seen: duplicates.append(name)
            seen.add(name); headers[name] = value
        split = urllib.parse.urlsplit(pseudo.get(":path", ""))
        raw = stream["body"]
        try: body = json.loads(raw) if raw else None
        except Exception: body = raw.decode("utf-8", "replace")
        apns_id = headers.get("apns-id") if UUID_RE.match(headers.get("apns-id", "")) else str(uuid.uuid4()).upper()
        controlled = control(split.path, split.query) if pseudo.get(":method") == "POST" else None
        if controlled:
            status, reason, payload, extra = controlled[0], None, controlled[1], {}
        else:
            status, reason, extra = answer(pseudo.get(":method"), split.path, headers, duplicates, raw)
            payload = None if reason is None else {"reason": reason}
            if reason == "Unregistered": payload["timestamp"] = int(time.time() * 1000)
            record({"path": split.path, "method": pseudo.get(":method"), "headers": headers, "body": body, "status": status, "reason": reason,
                    "protocol": protocol, "apns_id": apns_id, "device_token": split.path[len("/3/device/"):] if split.path.startswith("/3/device/") else None, **extra})
        response = [(":status", str(status)), ("apns-id", apns_id)]
        if status == 200 and not controlled: response.append(("apns-unique-id", str(uuid.uuid4())))
        try:
            if payload is None:
                conn.send_headers(stream_id, response, end_stream=True)
            else:
                data = json.dumps(payload).encode()
                conn.send_headers(stream_id, response + [("content-type", "application/json; charset=utf-8"), ("content-length", str(len(data)))])
                conn.send_data(stream_id, data, end_stream=True)
        except h2.exceptions.StreamClosedError:
            pass

    class ControlHandler(http.server.BaseHTTPRequestHandler):
        def log_message(self, *args): pass
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length", "0") or "0"))
            split = urllib.parse.urlsplit(self.path)
            status, body = control(split.path, split.query) or (404, {"reason": "BadPath"})
            send_json(self, status, body)

    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert_path, key_path)
    context.set_alpn_protocols(["h2"])
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0)); listener.listen(128)
    control_server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), ControlHandler)
    threading.Thread(target=control_server.serve_forever, daemon=True).start()
    announce(log_path, "%d %d" % (listener.getsockname()[1], control_server.server_address[1]))
    while True:
        client, _ = listener.accept()
        threading.Thread(target=serve_connection, args=(client, context), daemon=True).start()
    """#

    private init(process: Process, port: Int, controlPort: Int, log: URL, folder: URL, certificate: URL) {
        self.process = process
        self.port = port
        self.controlPort = controlPort
        self.log = log
        self.folder = folder
        self.certificate = certificate
    }

    /// Generates the TLS certificate with `/usr/bin/openssl`, starts the server and waits (without blocking
    /// a thread) until it listens. `publicKeyPEM` is the provider key's public half (P-256,
    /// `-----BEGIN PUBLIC KEY-----`), which verifies the provider tokens.
    /// `outcomes` maps device tokens to a scenario word (`dead`, `beef`, `face`), for tokens a test
    /// takes from real data.
    static func start(publicKeyPEM: String, teamID: String, keyID: String, topic: String, outcomes: [String: String] = [:]) async throws -> APNsServer {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("crescendo-apns-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let log = folder.appendingPathComponent("requests.jsonl")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        try JSONSerialization.data(withJSONObject: outcomes).write(to: URL(fileURLWithPath: log.path + ".outcomes.json"))
        let key = folder.appendingPathComponent("provider.pub.pem")
        try Data(publicKeyPEM.utf8).write(to: key)
        let certificate = folder.appendingPathComponent("tls.crt"), tlsKey = folder.appendingPathComponent("tls.key")
        let config = folder.appendingPathComponent("openssl.cnf")
        try Data("""
            [req]
            distinguished_name = dn
            x509_extensions = ext
            prompt = no
            [dn]
            CN = localhost
            [ext]
            subjectAltName = IP:127.0.0.1,DNS:localhost
            basicConstraints = critical,CA:FALSE
            keyUsage = critical,digitalSignature,keyEncipherment
            extendedKeyUsage = serverAuth

            """.utf8).write(to: config)
        do {
            try await ScriptedServer.run("/usr/bin/openssl", [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-config", config.path,
                "-keyout", tlsKey.path, "-out", certificate.path,
            ], in: folder)
        } catch {
            try? FileManager.default.removeItem(at: folder)
            throw error
        }
        let (process, text) = try await ScriptedServer.launch(
            script: Self.script, named: "apns.py", in: folder, log: log,
            arguments: [certificate.path, tlsKey.path, key.path, teamID, keyID, topic],
            what: "the APNs test server (needs `pip install h2 cryptography`)")
        let ports = text.split(separator: " ").compactMap { Int($0) }
        guard ports.count == 2 else {
            kill(process.processIdentifier, SIGKILL)
            throw SMTPSink.SinkError(message: "the APNs test server wrote a bad port file: \(text)")
        }
        return APNsServer(process: process, port: ports[0], controlPort: ports[1], log: log, folder: folder, certificate: certificate)
    }

    /// From now on provider tokens whose `iat` is before `iat` (seconds since 1970) get 403 ExpiredProviderToken.
    func expireProviderTokens(issuedBefore iat: Int) async throws {
        try await ScriptedServer.post("http://127.0.0.1:\(controlPort)/control/expire-provider-tokens-before?iat=\(iat)")
    }

    /// SIGKILL: children of the test runner inherit its blocked SIGTERM.
    func stop() {
        kill(process.processIdentifier, SIGKILL)
        try? FileManager.default.removeItem(at: folder)
    }

    /// Everything the server logged, in order. Requests: `path`, `method`, `headers` (lowercase names,
    /// no pseudo-headers), `body` (parsed JSON, or the raw text), `status`, `reason` (null on 200),
    /// `protocol` ("h2"), `apns_id`, `device_token`, `claims` and `jwt_header` (the provider token, when
    /// it could be decoded). Connections refused before HTTP/2: `error`, `protocol`. Control calls:
    /// `path`, `status`, `expire_before`.
    func requests() throws -> [[String: Any]] {
        try ScriptedServer.log(log)
    }
}

/// Process plumbing shared by the test servers written in Python (Twilio, the SMS gateway, FCM, APNs).
enum ScriptedServer {
    /// What every script may call: `send_json(handler, status, body, content_type, headers)` answers
    /// a request with a JSON body, and `announce(log_path, text)` writes the `.port` file atomically,
    /// once the server listens (the signal `launch` waits for).
    static let prelude = #"""
    import json as _prelude_json, os as _prelude_os
    def send_json(handler, status, body, content_type="application/json", headers=None):
        data = _prelude_json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items(): handler.send_header(k, v)
        handler.end_headers()
        handler.wfile.write(data)
    def announce(log_path, text):
        with open(log_path + ".port.tmp", "w") as f: f.write(text)
        _prelude_os.rename(log_path + ".port.tmp", log_path + ".port")

    """#

    /// Writes `script` (after the `prelude`), runs it with `python3 script log arguments...` and waits
    /// (polling, without blocking a thread) for the `.port` file it announces; returns the process and
    /// the file's text.
    static func launch(script: String, named name: String, in folder: URL, log: URL, arguments: [String], what: String) async throws -> (Process, String) {
        let scriptFile = folder.appendingPathComponent(name)
        try Data((prelude + "\n" + script).utf8).write(to: scriptFile)
        let errors = folder.appendingPathComponent("stderr.txt")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", scriptFile.path, log.path] + arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: errors)
        try process.run()
        let portFile = URL(fileURLWithPath: log.path + ".port")
        let deadline = ContinuousClock.now + .seconds(60)
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOf: portFile, encoding: .utf8), !text.isEmpty {
                return (process, text.trimmingCharacters(in: .whitespacesAndNewlines))
            }
            if !process.isRunning { break }
            try await Task.sleep(nanoseconds: 50_000_000)
        }
        kill(process.processIdentifier, SIGKILL)
        let output = (try? String(contentsOf: errors, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: folder)
        throw SMTPSink.SinkError(message: "\(what) did not start: \(output)")
    }

    /// Runs a tool to completion, waiting on its termination handler rather than blocking a thread.
    static func run(_ executable: String, _ arguments: [String], in folder: URL) async throws {
        let errors = folder.appendingPathComponent("tool-stderr.txt")
        _ = FileManager.default.createFile(atPath: errors.path, contents: nil)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = FileHandle.nullDevice
        process.standardError = try FileHandle(forWritingTo: errors)
        let (exited, continuation) = AsyncStream.makeStream(of: Void.self)
        process.terminationHandler = { _ in continuation.finish() }
        try process.run()
        for await _ in exited {}
        guard process.terminationStatus == 0 else {
            throw SMTPSink.SinkError(message: "\(executable) failed: \((try? String(contentsOf: errors, encoding: .utf8)) ?? "")")
        }
    }

    /// A server's log: one JSON object per line.
    static func log(_ file: URL) throws -> [[String: Any]] {
        String(decoding: try Data(contentsOf: file), as: UTF8.self).split(separator: "\n").compactMap {
            try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        }
    }

    /// POSTs an empty body to a control endpoint and expects 200.
    static func post(_ url: String) async throws {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = "POST"
        let (data, response) = try await URLSession.shared.data(for: request)
        guard (response as? HTTPURLResponse)?.statusCode == 200 else {
            throw SMTPSink.SinkError(message: "\(url) answered \(String(decoding: data, as: UTF8.self))")
        }
    }
}
