//! Hostile input: bad signatures and garbage frames are dropped, and the kernel keeps serving.

use crate::harness::{Kernel, TestResult};
use bytes::Bytes;
use jupyter_protocol::{JupyterMessage, KernelInfoRequest};
use jupyter_zmq_client::Connection;
use std::time::Duration;
use zeromq::{Socket, SocketSend};

fn multipart(parts: &[&[u8]]) -> zeromq::ZmqMessage {
    let parts: Vec<Bytes> = parts.iter().map(|p| Bytes::copy_from_slice(p)).collect();
    zeromq::ZmqMessage::try_from(parts).unwrap()
}

#[tokio::test]
async fn a_bad_signature_gets_no_reply() -> TestResult {
    let kernel = Kernel::start("signature").await?;
    let mut client = kernel.client().await?;
    client.kernel_info().await?;

    let mut socket = zeromq::DealerSocket::new();
    socket.connect(&kernel.info.shell_url()).await?;
    let mut forger = Connection::new(socket, "not-the-key", "forger");
    forger
        .send(JupyterMessage::new(KernelInfoRequest {}, None))
        .await?;
    let answer = tokio::time::timeout(Duration::from_millis(800), forger.read()).await;
    assert!(answer.is_err(), "a forged request was answered: {answer:?}");

    client.kernel_info().await?;
    Ok(())
}

#[tokio::test]
async fn garbage_frames_on_shell_and_control_are_survived() -> TestResult {
    let kernel = Kernel::start("garbage").await?;
    let mut client = kernel.client().await?;
    let huge = vec![b'x'; 4 << 20];
    let junk: Vec<zeromq::ZmqMessage> = vec![
        multipart(&[b"garbage"]),
        multipart(&[b"<IDS|MSG>"]),
        multipart(&[b"<IDS|MSG>", b"deadbeef", b"{}", b"{}", b"{}", b"{}"]),
        multipart(&[b"<IDS|MSG>", b"", b"not json", b"{", b"[", b"\xff\xfe"]),
        multipart(&[b"<IDS|MSG>", b"sig", &huge, b"{}", b"{}", b"{}"]),
        multipart(&[&[0u8; 0]]),
    ];
    for url in [kernel.info.shell_url(), kernel.info.control_url()] {
        let mut raw = zeromq::DealerSocket::new();
        raw.connect(&url).await?;
        for msg in &junk {
            raw.send(msg.clone()).await?;
        }
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    client.kernel_info().await?;
    client
        .control
        .send(JupyterMessage::new(KernelInfoRequest {}, None))
        .await?;
    let reply = tokio::time::timeout(Duration::from_secs(10), client.control.read()).await??;
    assert_eq!(reply.message_type(), "kernel_info_reply");
    Ok(())
}
