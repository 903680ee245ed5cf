//! The execution queue: one thread runs execute_requests in order, wraps each in busy/idle,
//! and aborts the queued ones after an error when the request asked for it.
//!
//! Outputs go to the iopub task through one ordered channel; before a reply is sent the queue
//! waits until that task has written everything before it, so outputs always precede the reply.

use super::{ExecuteArgs, Publish, Session};
use crate::wire::{self, Request};
use jupyter_protocol::{JupyterMessage, JupyterMessageContent, Status};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc::UnboundedSender;

/// How long a reply waits for earlier outputs to be written before going out anyway.
const FLUSH_TIMEOUT: Duration = Duration::from_secs(5);

/// What the iopub task receives, in order.
#[derive(Debug)]
pub enum IopubItem {
    /// A message to publish.
    Msg(Box<JupyterMessage>),
    /// Acknowledge once everything queued before it has been written.
    Flush(mpsc::SyncSender<()>),
}

/// The channels the queue writes to.
#[derive(Clone)]
pub struct Outlets {
    /// To the iopub task.
    pub iopub: UnboundedSender<IopubItem>,
    /// To the shell sender (replies).
    pub shell: UnboundedSender<JupyterMessage>,
}

impl Outlets {
    /// Publishes `content` on iopub as a child of `parent`; a closed channel means shutdown.
    pub fn publish(&self, content: impl Into<JupyterMessageContent>, parent: &JupyterMessage) {
        let _ = self
            .iopub
            .send(IopubItem::Msg(Box::new(wire::child(content, parent))));
    }

    /// Blocks until the iopub task has written everything queued so far.
    pub fn flush(&self) {
        let (tx, rx) = mpsc::sync_channel(1);
        if self.iopub.send(IopubItem::Flush(tx)).is_ok() {
            let _ = rx.recv_timeout(FLUSH_TIMEOUT);
        }
    }

    /// Sends a shell reply.
    pub fn reply(&self, content: impl Into<JupyterMessageContent>, parent: &JupyterMessage) {
        let _ = self.shell.send(wire::child(content, parent));
    }
}

/// [`Publish`] to iopub with a fixed parent.
struct ToIopub<'a> {
    outlets: &'a Outlets,
    parent: &'a JupyterMessage,
}

impl Publish for ToIopub<'_> {
    fn publish(&mut self, content: JupyterMessageContent) {
        self.outlets.publish(content, self.parent);
    }
}

/// Stack of the execution thread: deep enough for the engine's deepest plan and for nested
/// values far past Python's recursion limit.
const CELL_STACK: usize = 1 << 30;

/// Starts the execution thread; it ends when the job sender is dropped.
pub fn spawn(
    mut session: Session,
    jobs: mpsc::Receiver<Request>,
    outlets: Outlets,
) -> std::io::Result<std::thread::JoinHandle<()>> {
    std::thread::Builder::new()
        .name("nereus-exec".to_owned())
        // Cells walk values and plans recursively (reprs, drops, plan rewriting); the pages
        // are only touched as deep as a cell goes.
        .stack_size(CELL_STACK)
        .spawn(move || {
            let mut abort: Option<AbortWindow> = None;
            while let Ok(req) = jobs.recv() {
                if abort.as_ref().is_some_and(|w| w.covers(&req)) {
                    log::info!("aborting {} after an error", req.msg_id());
                    outlets.publish(Status::busy(), &req.parent);
                    outlets.reply(session.aborted(), &req.parent);
                    outlets.publish(Status::idle(), &req.parent);
                    continue;
                }
                let args = ExecuteArgs::from_content(&req.content);
                abort = run(&mut session, &args, &req, &outlets)
                    .filter(|_| args.stop_on_error)
                    .map(|reply_sent| AbortWindow::after(&req, reply_sent));
            }
        })
}

/// Which requests an error aborts: those the client sent before it could have seen the error's
/// reply, as ipykernel does for "Run all" after a failing cell.
///
/// A request the kernel read before the reply went out is aborted. One read later is aborted too
/// when its client stamped it (header `date`, same session, so the same clock) less than the
/// failing request's handling time after the failing request: it left before the reply could
/// arrive, and only a busy machine delayed it. Anything else was sent after the client saw the
/// error and runs.
struct AbortWindow {
    /// When the error's reply was handed to the shell.
    reply_sent: Instant,
    /// The failing request's session and client-side send time.
    session: String,
    sent: chrono::DateTime<chrono::Utc>,
    /// How long the kernel took from reading the failing request to replying.
    handling: Duration,
}

impl AbortWindow {
    fn after(failed: &Request, reply_sent: Instant) -> Self {
        let header = &failed.parent.header;
        Self {
            reply_sent,
            session: header.session.clone(),
            sent: header.date,
            handling: reply_sent.saturating_duration_since(failed.received),
        }
    }

    fn covers(&self, req: &Request) -> bool {
        if req.received <= self.reply_sent {
            return true;
        }
        let header = &req.parent.header;
        // A missing date deserialises to the epoch: no client clock to go by.
        let stamped = header.date.timestamp() > 0 && self.sent.timestamp() > 0;
        if !stamped || header.session != self.session {
            return false;
        }
        (header.date - self.sent)
            .to_std()
            .map_or(true, |gap| gap < self.handling)
    }
}

/// Runs one request; if it ended in an error, when its reply was handed to the shell.
fn run(
    session: &mut Session,
    args: &ExecuteArgs,
    req: &Request,
    outlets: &Outlets,
) -> Option<Instant> {
    outlets.publish(Status::busy(), &req.parent);
    session.cancel_token().reset();
    let reply = session.execute(
        args,
        &mut ToIopub {
            outlets,
            parent: &req.parent,
        },
    );
    let failed = reply.status != jupyter_protocol::ReplyStatus::Ok;
    outlets.flush();
    let sent = Instant::now();
    outlets.reply(reply, &req.parent);
    outlets.publish(Status::idle(), &req.parent);
    failed.then_some(sent)
}
