//! The happy paths: kernel_info, execute, errors, heartbeat, interrupt and shutdown.

use crate::harness::{types, Kernel, TestResult, ANSWER};
use jupyter_protocol::{
    ExecuteRequest, InterruptRequest, JupyterMessage, JupyterMessageContent, MediaType,
    ReplyStatus, ShutdownRequest,
};
use std::time::{Duration, Instant};
use zeromq::{Socket, SocketRecv, SocketSend};

#[tokio::test]
async fn kernel_info_execute_and_error() -> TestResult {
    let kernel = Kernel::start("execute").await?;
    let mut client = kernel.client().await?;

    let info = client.kernel_info().await?;
    let JupyterMessageContent::KernelInfoReply(info) = info.content else {
        panic!("not a kernel_info_reply: {info:?}");
    };
    assert_eq!(info.language_info.name, "nereus");
    assert_eq!(info.protocol_version, "5.3");

    let (reply, outputs) = client.execute("x = 40\nx + 2").await?;
    assert_eq!(
        types(&outputs),
        ["status", "execute_input", "execute_result", "status"]
    );
    let JupyterMessageContent::ExecuteResult(result) = &outputs[2].content else {
        panic!("no result");
    };
    assert!(result
        .data
        .content
        .contains(&MediaType::Plain("42".to_owned())));
    let JupyterMessageContent::ExecuteReply(reply) = reply.content else {
        panic!("not an execute_reply");
    };
    assert_eq!(reply.status, ReplyStatus::Ok);
    assert_eq!(reply.execution_count.value(), 1);

    let (reply, outputs) = client.execute("print(undefined_name)").await?;
    let JupyterMessageContent::ExecuteReply(reply) = reply.content else {
        panic!("not an execute_reply");
    };
    assert_eq!(reply.status, ReplyStatus::Error);
    let error = reply.error.expect("error fields");
    assert_eq!(error.ename, "NameError");
    assert!(error.evalue.contains("undefined_name"), "{}", error.evalue);
    assert!(types(&outputs).contains(&"error"));
    Ok(())
}

#[tokio::test]
async fn heartbeat_echoes_while_a_cell_runs() -> TestResult {
    let kernel = Kernel::start("heartbeat").await?;
    let mut client = kernel.client().await?;
    client.kernel_info().await?;
    client
        .shell
        .send(JupyterMessage::new(
            ExecuteRequest::new("import time\ntime.sleep(2)".into()),
            None,
        ))
        .await?;
    let mut hb = zeromq::ReqSocket::new();
    hb.connect(&kernel.info.hb_url()).await?;
    for i in 0..3 {
        let ping = format!("ping-{i}");
        let started = Instant::now();
        hb.send(ping.clone().into()).await?;
        let echoed = tokio::time::timeout(ANSWER, hb.recv()).await??;
        assert_eq!(echoed.get(0).map(|b| b.to_vec()), Some(ping.into_bytes()));
        assert!(started.elapsed() < Duration::from_secs(1));
    }
    Ok(())
}

#[tokio::test]
async fn interrupt_stops_a_sleeping_cell_and_keeps_state() -> TestResult {
    let kernel = Kernel::start("interrupt").await?;
    let mut client = kernel.client().await?;
    client.execute("kept = 7").await?;
    let started = Instant::now();
    client
        .shell
        .send(JupyterMessage::new(
            ExecuteRequest::new("import time\ntime.sleep(60)".into()),
            None,
        ))
        .await?;
    tokio::time::sleep(Duration::from_millis(300)).await;
    client
        .control
        .send(JupyterMessage::new(InterruptRequest {}, None))
        .await?;
    let interrupt_reply = tokio::time::timeout(ANSWER, client.control.read()).await??;
    assert_eq!(interrupt_reply.message_type(), "interrupt_reply");
    let reply = tokio::time::timeout(ANSWER, client.shell.read()).await??;
    assert!(started.elapsed() < Duration::from_secs(5));
    let JupyterMessageContent::ExecuteReply(reply) = reply.content else {
        panic!("not an execute_reply");
    };
    assert_eq!(
        reply.error.map(|e| e.ename),
        Some("KeyboardInterrupt".to_owned())
    );
    let (_, outputs) = client.execute("kept").await?;
    assert!(outputs.iter().any(|m| matches!(&m.content,
        JupyterMessageContent::ExecuteResult(r) if r.data.content.contains(&MediaType::Plain("7".into())))));
    Ok(())
}

#[tokio::test]
async fn shutdown_replies_then_exits() -> TestResult {
    let mut kernel = Kernel::start("shutdown").await?;
    let mut client = kernel.client().await?;
    client
        .control
        .send(JupyterMessage::new(ShutdownRequest { restart: true }, None))
        .await?;
    let reply = tokio::time::timeout(ANSWER, client.control.read()).await??;
    let JupyterMessageContent::ShutdownReply(reply) = reply.content else {
        panic!("not a shutdown_reply");
    };
    assert!(reply.restart, "restart must be echoed");
    let deadline = Instant::now() + ANSWER;
    loop {
        if let Some(status) = kernel.child.try_wait()? {
            assert!(status.success(), "{status}");
            return Ok(());
        }
        assert!(Instant::now() < deadline, "kernel did not exit");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
