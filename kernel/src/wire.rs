//! The wire: frames in, verified requests out; reply and broadcast messages built from a parent.
//!
//! Signing, the `<IDS|MSG>` delimiter and identities come from `jupyter-zmq-client`; this module
//! adds lenient request parsing (a request with an odd field still gets an answer) and the
//! message builders, so no other module assembles headers by hand. It owns no socket.

use jupyter_protocol::{
    ConnectionInfo, Header, JupyterMessage, JupyterMessageContent, UnknownMessage,
};
use jupyter_zmq_client::{Connection, RawMessage, RuntimeError};
use serde_json::{json, Value};
use std::path::Path;

/// The messaging protocol version in every header.
pub const PROTOCOL_VERSION: &str = "5.3";

/// What can go wrong between the socket and a parsed request.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WireError {
    /// The socket failed.
    #[error("socket error: {0}")]
    Socket(#[from] zeromq::ZmqError),
    /// The HMAC signature is missing, not hex, or does not match the key.
    #[error("bad signature: the message is not signed with this kernel's key")]
    BadSignature,
    /// Framing failed (missing delimiter, too few parts).
    #[error("malformed frames: {0}")]
    Frames(jupyter_zmq_client::RuntimeError),
    /// A frame that should hold JSON does not.
    #[error("malformed {part}: {source}")]
    Json {
        /// Which frame: header, metadata or content.
        part: &'static str,
        /// The parse error.
        source: serde_json::Error,
    },
    /// The connection file could not be read.
    #[error("cannot read connection file {path}: {source}")]
    ConnectionFileRead {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The connection file is not a valid connection description.
    #[error("malformed connection file {path}: {source}")]
    ConnectionFileParse {
        /// The file.
        path: String,
        /// What is wrong.
        source: serde_json::Error,
    },
    /// The connection file asks for a signature scheme we do not implement.
    #[error("unsupported signature_scheme {scheme:?} in {path}: expected \"hmac-sha256\"")]
    SignatureScheme {
        /// The file.
        path: String,
        /// What it asked for.
        scheme: String,
    },
}

/// A verified incoming request: its type, its raw content, and the message to reply to.
#[derive(Debug, Clone)]
pub struct Request {
    /// The request as a parent for replies (identities and header kept; content not parsed).
    pub parent: JupyterMessage,
    /// `header.msg_type`.
    pub msg_type: String,
    /// The content, parsed leniently by the handler.
    pub content: Value,
    /// When the kernel read it (decides which requests an error aborts).
    pub received: std::time::Instant,
}

impl Request {
    /// `header.msg_id`, for logs.
    pub fn msg_id(&self) -> &str {
        &self.parent.header.msg_id
    }

    /// A boolean field of the content, with a default when absent or not a boolean.
    pub fn flag(&self, key: &str, default: bool) -> bool {
        self.content
            .get(key)
            .and_then(Value::as_bool)
            .unwrap_or(default)
    }

    /// A string field of the content, empty when absent.
    pub fn text(&self, key: &str) -> &str {
        self.content.get(key).and_then(Value::as_str).unwrap_or("")
    }

    /// A non-negative integer field of the content, with a default.
    pub fn count(&self, key: &str, default: usize) -> usize {
        self.content
            .get(key)
            .and_then(Value::as_u64)
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(default)
    }
}

/// Reads the connection file, naming the path in every error.
pub fn read_connection_file(path: &Path) -> Result<ConnectionInfo, WireError> {
    let shown = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| WireError::ConnectionFileRead {
        path: shown.clone(),
        source,
    })?;
    let info: ConnectionInfo =
        serde_json::from_str(&text).map_err(|source| WireError::ConnectionFileParse {
            path: shown.clone(),
            source,
        })?;
    if !info.key.is_empty() && info.signature_scheme != "hmac-sha256" {
        return Err(WireError::SignatureScheme {
            path: shown,
            scheme: info.signature_scheme,
        });
    }
    Ok(info)
}

/// Receives one multipart message, checks its signature and parses it into a [`Request`].
pub async fn read_request<S: zeromq::SocketRecv>(
    conn: &mut Connection<S>,
) -> Result<Request, WireError> {
    let frames = conn.socket.recv().await?;
    parse_frames(frames, &conn.mac)
}

/// Checks the signature of raw frames and parses them (the testable half of [`read_request`]).
pub fn parse_frames(
    frames: zeromq::ZmqMessage,
    mac: &Option<ring::hmac::Key>,
) -> Result<Request, WireError> {
    let raw = RawMessage::from_multipart(frames, mac).map_err(|e| match e {
        RuntimeError::VerifyError(_) | RuntimeError::DecodeError(_) => WireError::BadSignature,
        other => WireError::Frames(other),
    })?;
    let json = |part: &'static str, bytes: &[u8]| {
        serde_json::from_slice::<Value>(bytes).map_err(|source| WireError::Json { part, source })
    };
    let header: Header =
        serde_json::from_slice(&raw.jparts[0]).map_err(|source| WireError::Json {
            part: "header",
            source,
        })?;
    // An empty or odd parent header is legal on requests; it is only echoed, never trusted.
    let parent_header = serde_json::from_slice::<Header>(&raw.jparts[1]).ok();
    let metadata = json("metadata", &raw.jparts[2])?;
    let content = json("content", &raw.jparts[3])?;
    let msg_type = header.msg_type.clone();
    let parent = JupyterMessage {
        zmq_identities: raw.zmq_identities,
        header,
        parent_header,
        metadata,
        content: JupyterMessageContent::UnknownMessage(UnknownMessage {
            msg_type: msg_type.clone(),
            content: Value::Null,
        }),
        buffers: Vec::new(),
        channel: None,
    };
    Ok(Request {
        parent,
        msg_type,
        content,
        received: std::time::Instant::now(),
    })
}

/// A message with `parent` as its parent (identities copied, so a reply routes back).
pub fn child(content: impl Into<JupyterMessageContent>, parent: &JupyterMessage) -> JupyterMessage {
    let mut msg = JupyterMessage::new(content, Some(parent));
    "nereus".clone_into(&mut msg.header.username);
    msg
}

/// A message whose content type `jupyter-protocol` lacks or models incompletely.
pub fn custom(msg_type: &str, content: Value, parent: &JupyterMessage) -> JupyterMessage {
    child(
        JupyterMessageContent::UnknownMessage(UnknownMessage {
            msg_type: msg_type.to_owned(),
            content,
        }),
        parent,
    )
}

/// The kernel_info_reply content. Built as JSON because `KernelInfoReply` in
/// jupyter-protocol 2.0.3 has no `supported_features` field.
pub fn kernel_info_content() -> Value {
    json!({
        "status": "ok",
        "protocol_version": PROTOCOL_VERSION,
        "implementation": "nereus",
        "implementation_version": env!("CARGO_PKG_VERSION"),
        "language_info": {
            "name": "nereus",
            "version": env!("CARGO_PKG_VERSION"),
            "mimetype": "text/x-python",
            "file_extension": ".py",
            "pygments_lexer": "python",
            "codemirror_mode": "python",
            "nbconvert_exporter": "python",
        },
        "banner": concat!(
            "Nereus ", env!("CARGO_PKG_VERSION"),
            ": a Jupyter kernel for big gridded geoscience data.\n",
            "Type `name?` for help on a name."
        ),
        "help_links": [
            {"text": "Nereus README", "url": concat!(env!("CARGO_PKG_REPOSITORY"), "#readme")},
        ],
        "debugger": false,
        "supported_features": [],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;

    const KEY: &str = "a0436f6c-1916-498b-8eb9-e81ab9368e84";

    fn frames(parts: &[&[u8]]) -> zeromq::ZmqMessage {
        let parts: Vec<Bytes> = parts.iter().map(|p| Bytes::copy_from_slice(p)).collect();
        zeromq::ZmqMessage::try_from(parts).expect("non-empty")
    }

    const HEADER: &[u8] = br#"{"msg_id":"m1","username":"u","session":"s","date":"2024-01-01T00:00:00Z","msg_type":"kernel_info_request","version":"5.3"}"#;

    // Computed independently with Python:
    // hmac.new(KEY, HEADER + b"{}{}{}", hashlib.sha256).hexdigest()
    const PY_SIGNATURE: &str = "1d8cd4635bd37301b2362234ac8eb584b95cefe35123013dc5c96c5673bdff20";

    fn key() -> Option<ring::hmac::Key> {
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, KEY.as_bytes());
        Some(key).filter(|_| !KEY.is_empty())
    }

    fn sign(parts: &[&[u8]]) -> String {
        let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, KEY.as_bytes());
        let mut ctx = ring::hmac::Context::with_key(&key);
        for p in parts {
            ctx.update(p);
        }
        ctx.sign().as_ref().iter().fold(String::new(), |mut s, b| {
            use std::fmt::Write;
            let _ = write!(s, "{b:02x}");
            s
        })
    }

    #[test]
    fn signing_matches_the_python_vector() {
        assert_eq!(sign(&[HEADER, b"{}", b"{}", b"{}"]), PY_SIGNATURE);
        let req = parse_frames(
            frames(&[
                b"<IDS|MSG>",
                PY_SIGNATURE.as_bytes(),
                HEADER,
                b"{}",
                b"{}",
                b"{}",
            ]),
            &key(),
        );
        assert!(req.is_ok());
    }

    #[test]
    fn a_signed_request_parses_with_identities() {
        let sig = sign(&[HEADER, b"{}", b"{}", b"{}"]);
        let req = parse_frames(
            frames(&[
                b"client-id",
                b"<IDS|MSG>",
                sig.as_bytes(),
                HEADER,
                b"{}",
                b"{}",
                b"{}",
            ]),
            &key(),
        )
        .expect("valid message");
        assert_eq!(req.msg_type, "kernel_info_request");
        assert_eq!(req.parent.zmq_identities.len(), 1);
        assert!(req.parent.parent_header.is_none());
        let reply = child(jupyter_protocol::Status::idle(), &req.parent);
        assert_eq!(reply.parent_header.map(|h| h.msg_id), Some("m1".to_owned()));
        assert_eq!(reply.header.version, PROTOCOL_VERSION);
    }

    #[test]
    fn bad_or_missing_signatures_are_rejected() {
        let bad = "0".repeat(64);
        for sig in [bad.as_bytes(), b"".as_slice(), b"zz"] {
            let got = parse_frames(
                frames(&[b"id", b"<IDS|MSG>", sig, HEADER, b"{}", b"{}", b"{}"]),
                &key(),
            );
            assert!(
                matches!(got, Err(WireError::BadSignature)),
                "signature {sig:?}: {got:?}"
            );
        }
    }

    #[test]
    fn malformed_frames_are_errors_not_panics() {
        let sig = sign(&[b"not json", b"{}", b"{}", b"{}"]);
        let cases: Vec<zeromq::ZmqMessage> = vec![
            frames(&[b"garbage"]),
            frames(&[b"id", b"<IDS|MSG>"]),
            frames(&[b"id", b"<IDS|MSG>", b"sig", b"{}"]),
            frames(&[
                b"id",
                b"<IDS|MSG>",
                sig.as_bytes(),
                b"not json",
                b"{}",
                b"{}",
                b"{}",
            ]),
        ];
        for case in cases {
            assert!(parse_frames(case, &key()).is_err());
        }
        // Without a key nothing is verified, but bad JSON is still refused.
        let unsigned = frames(&[b"<IDS|MSG>", b"", HEADER, b"{}", b"{}", b"[1"]);
        assert!(matches!(
            parse_frames(unsigned, &None),
            Err(WireError::Json {
                part: "content",
                ..
            })
        ));
    }

    #[test]
    fn kernel_info_has_the_fixed_language_info() {
        let info = kernel_info_content();
        assert_eq!(info["language_info"]["name"], "nereus");
        assert_eq!(info["language_info"]["codemirror_mode"], "python");
        assert_eq!(info["protocol_version"], "5.3");
    }
}
