//! The sockets: binds the five channels of the connection file and runs one task per channel.
//!
//! Cells run on the execution thread (session::queue), never on this runtime, so heartbeat,
//! control and quick shell requests answer while a cell computes. No error in one message
//! ends a channel's loop: it is logged and the loop goes on.

use crate::session::history::History;
use crate::session::queue::{self, IopubItem, Outlets};
use crate::session::{self, Helper, Session};
use crate::wire::{self, Request};
use jupyter_protocol::{
    CommClose, CommId, CommInfoReply, ConnectionInfo, InterruptReply, IoPubWelcome, JupyterMessage,
    JupyterMessageContent, ReplyStatus, ShutdownReply, Status,
};
use jupyter_zmq_client::{
    create_kernel_control_connection, create_kernel_heartbeat_connection,
    create_kernel_iopub_xpub_connection, create_kernel_shell_connection,
    create_kernel_stdin_connection, Connection, KernelIoPubXPubConnection, SubscriptionEvent,
};
use nereus_engine::CancelToken;
use std::sync::mpsc;
use std::time::Duration;
use tokio::sync::mpsc::{unbounded_channel, UnboundedReceiver};
use zeromq::{SocketRecv, SocketSend};

/// Largest stream text merged into one message; keeps each iopub frame modest.
const MAX_MERGED_STREAM: usize = 1 << 20;

/// How long shutdown waits for the reply and the last outputs to leave.
const SHUTDOWN_FLUSH: Duration = Duration::from_millis(100);

/// Errors that stop the kernel from starting.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum KernelError {
    /// A socket could not be bound.
    #[error("cannot bind the {channel} channel: {source}")]
    Bind {
        /// shell, control, iopub, stdin or heartbeat.
        channel: &'static str,
        /// Why.
        source: jupyter_zmq_client::RuntimeError,
    },
    /// The execution thread could not be started.
    #[error("cannot start the execution thread: {0}")]
    Thread(#[from] std::io::Error),
}

/// Binds every channel and serves until shutdown (which exits the process).
pub async fn serve(info: ConnectionInfo) -> Result<(), KernelError> {
    let session_id = uuid::Uuid::new_v4().to_string();
    let bind = |channel| move |source| KernelError::Bind { channel, source };
    let iopub = create_kernel_iopub_xpub_connection(&info, &session_id)
        .await
        .map_err(bind("iopub"))?;
    let shell = create_kernel_shell_connection(&info, &session_id)
        .await
        .map_err(bind("shell"))?;
    let control = create_kernel_control_connection(&info, &session_id)
        .await
        .map_err(bind("control"))?;
    let stdin = create_kernel_stdin_connection(&info, &session_id)
        .await
        .map_err(bind("stdin"))?;
    let heartbeat = create_kernel_heartbeat_connection(&info)
        .await
        .map_err(bind("heartbeat"))?;

    let history = History::default_path().and_then(|p| {
        History::open(&p)
            .map_err(|e| log::warn!("history disabled: {e}"))
            .ok()
    });
    let cancel = CancelToken::new();
    let session = Session::new(history.clone(), cancel.clone());
    let helper = session.helper();

    let (iopub_tx, iopub_rx) = unbounded_channel();
    let (shell_tx, shell_rx) = unbounded_channel();
    let (jobs_tx, jobs_rx) = mpsc::channel();
    let outlets = Outlets {
        iopub: iopub_tx,
        shell: shell_tx,
    };
    queue::spawn(session, jobs_rx, outlets.clone())?;

    let (shell_send, shell_recv) = shell.split();
    tokio::spawn(iopub_task(iopub, iopub_rx));
    tokio::spawn(heartbeat_task(heartbeat.socket));
    tokio::spawn(shell_send_task(shell_send, shell_rx));
    tokio::spawn(stdin_task(stdin));
    tokio::spawn(signal_task(cancel.clone()));
    if std::env::var_os("JPY_PARENT_PID").is_some() {
        tokio::spawn(parent_watch_task());
    }
    tokio::spawn(control_task(control, outlets.clone(), cancel));
    let shell = ShellHandler {
        outlets,
        jobs: jobs_tx,
        helper,
        history,
    };
    shell_recv_task(shell_recv, shell).await;
    Ok(())
}

/// Owns the iopub XPUB socket: writes queued messages in order, merging adjacent stream
/// pieces, and welcomes each new subscriber (JEP 65) so none misses the first output.
async fn iopub_task(mut iopub: KernelIoPubXPubConnection, mut rx: UnboundedReceiver<IopubItem>) {
    let mut held: Option<IopubItem> = None;
    loop {
        let item = if let Some(item) = held.take() {
            item
        } else {
            tokio::select! {
                item = rx.recv() => match item {
                    Some(item) => item,
                    None => return,
                },
                sub = iopub.recv_subscription() => {
                    match sub {
                        Ok(SubscriptionEvent::Subscribe(topic)) => {
                            let welcome = JupyterMessage::new(IoPubWelcome::new(topic), None);
                            if let Err(e) = iopub.send(welcome).await {
                                log::warn!("iopub welcome failed: {e}");
                            }
                        }
                        Ok(SubscriptionEvent::Unsubscribe(_)) => {}
                        Err(e) => {
                            log::debug!("iopub subscription read: {e}");
                            tokio::time::sleep(Duration::from_millis(5)).await;
                        }
                    }
                    continue;
                }
            }
        };
        match item {
            IopubItem::Flush(ack) => {
                let _ = ack.try_send(());
            }
            IopubItem::Msg(mut msg) => {
                // Merge the stream pieces already waiting, so a print loop costs few frames.
                let key = stream_key(&msg);
                while let (Some(_), JupyterMessageContent::StreamContent(stream)) =
                    (&key, &mut msg.content)
                {
                    if stream.text.len() >= MAX_MERGED_STREAM {
                        break;
                    }
                    match rx.try_recv() {
                        Ok(IopubItem::Msg(next)) if stream_key(&next) == key => {
                            if let JupyterMessageContent::StreamContent(more) = next.content {
                                stream.text.push_str(&more.text);
                            }
                        }
                        Ok(other) => {
                            held = Some(other);
                            break;
                        }
                        Err(_) => break,
                    }
                }
                if let Err(e) = iopub.send(*msg).await {
                    log::warn!("iopub send failed: {e}");
                }
            }
        }
    }
}

/// For a stream message, what identifies its stream: the name and the request it answers.
fn stream_key(msg: &JupyterMessage) -> Option<(bool, Option<String>)> {
    match &msg.content {
        JupyterMessageContent::StreamContent(s) => Some((
            matches!(s.name, jupyter_protocol::Stdio::Stdout),
            msg.parent_header.as_ref().map(|h| h.msg_id.clone()),
        )),
        _ => None,
    }
}

/// Echoes every heartbeat message back, on its own task with no shared state.
async fn heartbeat_task(mut socket: zeromq::RepSocket) {
    loop {
        match socket.recv().await {
            Ok(msg) => {
                if let Err(e) = socket.send(msg).await {
                    log::warn!("heartbeat send: {e}");
                }
            }
            Err(e) => {
                // A client going away resets its connection; that is routine, not a fault.
                log::debug!("heartbeat recv: {e}");
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
        }
    }
}

/// Sends shell replies in the order they were produced.
async fn shell_send_task(
    mut send: Connection<zeromq::RouterSendHalf>,
    mut rx: UnboundedReceiver<JupyterMessage>,
) {
    while let Some(msg) = rx.recv().await {
        if let Err(e) = send.send(msg).await {
            // The client that asked may be gone; the next reply must still go out.
            log::warn!("shell reply not delivered: {e}");
        }
    }
}

/// Keeps the stdin channel bound; no cell reads input yet, so stray replies are dropped.
async fn stdin_task(mut stdin: Connection<zeromq::RouterSocket>) {
    loop {
        match wire::read_request(&mut stdin).await {
            Ok(req) => log::debug!("ignoring {} on stdin", req.msg_type),
            Err(e) => {
                log::warn!("stdin: {e}");
                tokio::time::sleep(Duration::from_millis(5)).await;
            }
        }
    }
}

/// SIGINT interrupts the running cell like interrupt_request; SIGTERM ends the kernel.
async fn signal_task(cancel: CancelToken) {
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut int), Ok(mut term)) = (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) else {
        log::warn!("signal handlers unavailable; interrupt only by message");
        return;
    };
    loop {
        tokio::select! {
            _ = int.recv() => {
                log::info!("SIGINT: interrupting the running cell");
                cancel.cancel();
            }
            _ = term.recv() => {
                log::info!("SIGTERM: exiting");
                std::process::exit(0);
            }
        }
    }
}

/// Exits when the process that launched us dies (as ipykernel's parent poller does), so a
/// crashed notebook server leaves no orphan kernels behind.
async fn parent_watch_task() {
    let parent = std::os::unix::process::parent_id();
    loop {
        tokio::time::sleep(Duration::from_secs(1)).await;
        if std::os::unix::process::parent_id() != parent {
            log::warn!("parent process {parent} is gone: exiting");
            std::process::exit(0);
        }
    }
}

/// The control channel: kernel_info, interrupt and shutdown, answered at once even mid-cell.
async fn control_task(
    mut control: Connection<zeromq::RouterSocket>,
    outlets: Outlets,
    cancel: CancelToken,
) {
    loop {
        let req = match wire::read_request(&mut control).await {
            Ok(req) => req,
            Err(e) => {
                log::warn!("control: dropped a message: {e}");
                continue;
            }
        };
        outlets.publish(Status::busy(), &req.parent);
        let reply: Option<JupyterMessageContent> = match req.msg_type.as_str() {
            "kernel_info_request" => Some(kernel_info(&req)),
            "interrupt_request" => {
                cancel.cancel();
                Some(InterruptReply::new().into())
            }
            "shutdown_request" => {
                let restart = req.flag("restart", false);
                cancel.cancel();
                let reply = ShutdownReply {
                    restart,
                    status: ReplyStatus::Ok,
                    error: None,
                };
                // ipykernel also broadcasts the reply, so every client learns of the shutdown.
                outlets.publish(reply.clone(), &req.parent);
                outlets.publish(Status::idle(), &req.parent);
                if let Err(e) = control.send(wire::child(reply, &req.parent)).await {
                    log::warn!("shutdown reply not delivered: {e}");
                }
                tokio::time::sleep(SHUTDOWN_FLUSH).await;
                std::process::exit(0);
            }
            other => {
                log::warn!("control: unsupported message type {other:?}");
                None
            }
        };
        if let Some(content) = reply {
            if let Err(e) = control.send(wire::child(content, &req.parent)).await {
                log::warn!("control reply not delivered: {e}");
            }
        }
        outlets.publish(Status::idle(), &req.parent);
    }
}

fn kernel_info(req: &Request) -> JupyterMessageContent {
    wire::custom(
        "kernel_info_reply",
        wire::kernel_info_content(),
        &req.parent,
    )
    .content
}

/// State the shell task needs to answer requests itself or queue them.
struct ShellHandler {
    outlets: Outlets,
    jobs: mpsc::Sender<Request>,
    helper: Helper,
    history: Option<History>,
}

/// Reads shell requests: execute_requests are queued, the rest answered here at once.
async fn shell_recv_task(mut recv: Connection<zeromq::RouterRecvHalf>, handler: ShellHandler) {
    loop {
        match wire::read_request(&mut recv).await {
            Ok(req) => handler.handle(req),
            Err(e) => log::warn!("shell: dropped a message: {e}"),
        }
    }
}

impl ShellHandler {
    fn handle(&self, req: Request) {
        log::debug!("shell: {} {}", req.msg_type, req.msg_id());
        if req.msg_type == "execute_request" {
            if self.jobs.send(req).is_err() {
                log::error!("execution thread is gone");
            }
            return;
        }
        let out = &self.outlets;
        out.publish(Status::busy(), &req.parent);
        let code = req.text("code");
        let cursor = req.count("cursor_pos", code.chars().count());
        let reply: Option<JupyterMessageContent> = match req.msg_type.as_str() {
            "kernel_info_request" => Some(kernel_info(&req)),
            "complete_request" => Some(self.helper.complete(code, cursor).into()),
            "inspect_request" => {
                let level = u8::try_from(req.count("detail_level", 0)).unwrap_or(1);
                Some(self.helper.inspect(code, cursor, level).into())
            }
            "is_complete_request" => Some(Helper::is_complete(code).into()),
            "history_request" => {
                let content = session::history_reply(self.history.as_ref(), &req.content);
                Some(wire::custom("history_reply", content, &req.parent).content)
            }
            "comm_info_request" => Some(CommInfoReply::default().into()),
            "comm_open" => {
                // No comm targets exist yet: close the comm so the frontend does not wait on it.
                let comm_id = CommId(req.text("comm_id").to_owned());
                out.publish(
                    CommClose {
                        comm_id,
                        data: serde_json::Map::new(),
                    },
                    &req.parent,
                );
                None
            }
            "comm_msg" | "comm_close" => None,
            other => {
                log::warn!("shell: unsupported message type {other:?}");
                None
            }
        };
        if let Some(content) = reply {
            out.reply(content, &req.parent);
        }
        out.publish(Status::idle(), &req.parent);
    }
}
