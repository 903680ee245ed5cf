//! One notebook session: the interpreter, the execution count and history; turns requests into
//! outputs and reply contents. Shared by the kernel and `nereus run`; it owns no socket.

pub mod history;
mod outputs;
pub mod progress;
pub mod queue;

use crate::lang::{self, Completeness, Interpreter, LangError, MimeBundle};
use history::History;
use jupyter_protocol::{
    CompleteReply, ErrorOutput, ExecuteInput, ExecuteReply, ExecuteResult, ExecutionCount,
    ExpressionResult, InspectReply, IsCompleteReply, JupyterMessageContent, Media, MediaType,
    ReplyError, ReplyStatus, Transient,
};
use nereus_engine::CancelToken;
use outputs::Outputs;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Arc, Mutex, PoisonError};

/// Where a session sends the messages a cell produces (iopub in the kernel, cell outputs in
/// `nereus run`). `Send` because a cell's progress callback publishes through it too (from
/// the same thread, but behind a lock the executor's callback type requires).
pub trait Publish: Send {
    /// One output message (stream, display, result, error, clear_output...).
    fn publish(&mut self, content: JupyterMessageContent);
}

/// An execute_request's fields, read leniently from its content.
#[derive(Debug, Clone, Default)]
pub struct ExecuteArgs {
    /// The cell's source.
    pub code: String,
    /// No outputs, no count, no history.
    pub silent: bool,
    /// Count the cell and store it in history.
    pub store_history: bool,
    /// Expressions to evaluate after the cell, by name.
    pub user_expressions: HashMap<String, String>,
    /// Abort the queue after an error.
    pub stop_on_error: bool,
}

impl ExecuteArgs {
    /// Reads the fields from an execute_request content, with the protocol's defaults.
    pub fn from_content(content: &Value) -> Self {
        let flag = |k: &str, d: bool| content.get(k).and_then(Value::as_bool).unwrap_or(d);
        let user_expressions = content
            .get("user_expressions")
            .and_then(Value::as_object)
            .map(|m| {
                m.iter()
                    .filter_map(|(k, v)| Some((k.clone(), v.as_str()?.to_owned())))
                    .collect()
            })
            .unwrap_or_default();
        Self {
            code: content
                .get("code")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_owned(),
            silent: flag("silent", false),
            store_history: flag("store_history", true),
            user_expressions,
            stop_on_error: flag("stop_on_error", true),
        }
    }
}

/// The interpreter, the count and the history of one session.
pub struct Session {
    interp: Arc<Mutex<Interpreter>>,
    count: usize,
    history: Option<History>,
    /// This session's stored cells when there is no history file (`nereus run`), for `%history`.
    inputs: Vec<(usize, String)>,
    cancel: CancelToken,
}

impl Session {
    /// A fresh session; `history` is where stored cells go (none for headless runs).
    pub fn new(history: Option<History>, cancel: CancelToken) -> Self {
        Self {
            interp: Arc::new(Mutex::new(Interpreter::new())),
            count: 0,
            history,
            inputs: Vec::new(),
            cancel,
        }
    }

    /// A handle answering complete and inspect while a cell runs.
    pub fn helper(&self) -> Helper {
        Helper {
            interp: Arc::clone(&self.interp),
        }
    }

    /// The token that interrupts this session's running cell.
    pub fn cancel_token(&self) -> &CancelToken {
        &self.cancel
    }

    /// Runs a cell: publishes execute_input, outputs, the result or error; returns the reply.
    pub fn execute(&mut self, args: &ExecuteArgs, out: &mut dyn Publish) -> ExecuteReply {
        let counts = !args.silent && args.store_history;
        if counts {
            self.count += 1;
        }
        let count = ExecutionCount::new(self.count);
        if !args.silent {
            out.publish(
                ExecuteInput {
                    code: args.code.clone(),
                    execution_count: count,
                }
                .into(),
            );
        }
        if counts {
            match &self.history {
                Some(h) => {
                    if let Err(e) = h.append(self.count, &args.code) {
                        log::warn!("{e}");
                    }
                }
                None => self.inputs.push((self.count, args.code.clone())),
            }
        }
        let mut sink = Outputs::new(out, args.silent, self.history.as_ref(), &self.inputs);
        let cancel = self.cancel.clone();
        let result = {
            let mut interp = self.interp.lock().unwrap_or_else(PoisonError::into_inner);
            catch_panic(|| interp.execute(&args.code, &mut sink, &cancel))
        };
        sink.close_progress();
        let payload = std::mem::take(&mut sink.payload);
        match result {
            Ok(value) => {
                if let (Some(bundle), false) = (value, args.silent) {
                    out.publish(
                        ExecuteResult {
                            execution_count: count,
                            data: media(bundle),
                            metadata: serde_json::Map::new(),
                            transient: Some(Transient::default()),
                        }
                        .into(),
                    );
                }
                ExecuteReply {
                    status: ReplyStatus::Ok,
                    execution_count: count,
                    payload,
                    user_expressions: Some(self.user_expressions(&args.user_expressions)),
                    error: None,
                }
            }
            Err(err) => {
                out.publish(
                    ErrorOutput {
                        ename: err.ename.clone(),
                        evalue: err.evalue.clone(),
                        traceback: err.traceback.clone(),
                    }
                    .into(),
                );
                ExecuteReply {
                    status: ReplyStatus::Error,
                    execution_count: count,
                    payload,
                    user_expressions: Some(HashMap::new()),
                    error: Some(Box::new(ReplyError {
                        ename: err.ename,
                        evalue: err.evalue,
                        traceback: err.traceback,
                    })),
                }
            }
        }
    }

    /// The reply to a request aborted after an earlier error.
    pub fn aborted(&self) -> ExecuteReply {
        ExecuteReply {
            status: ReplyStatus::Aborted,
            execution_count: ExecutionCount::new(self.count),
            payload: Vec::new(),
            user_expressions: Some(HashMap::new()),
            error: None,
        }
    }

    fn user_expressions(
        &self,
        exprs: &HashMap<String, String>,
    ) -> HashMap<String, ExpressionResult> {
        let mut interp = self.interp.lock().unwrap_or_else(PoisonError::into_inner);
        exprs
            .iter()
            .map(|(name, code)| {
                let r = match catch_panic(|| interp.eval_expression(code, &self.cancel)) {
                    Ok(bundle) => ExpressionResult::Ok {
                        data: media(bundle),
                        metadata: serde_json::Map::new(),
                    },
                    Err(e) => ExpressionResult::Error {
                        ename: e.ename,
                        evalue: e.evalue,
                        traceback: e.traceback,
                    },
                };
                (name.clone(), r)
            })
            .collect()
    }
}

/// Answers complete, inspect and is_complete from the shell task, without waiting on a cell.
#[derive(Clone)]
pub struct Helper {
    interp: Arc<Mutex<Interpreter>>,
}

impl Helper {
    /// complete_reply content. While a cell runs, names come from a fresh namespace (builtins).
    pub fn complete(&self, code: &str, cursor_pos: usize) -> CompleteReply {
        let c = self.with_interp(|i| i.complete(code, cursor_pos));
        CompleteReply {
            matches: c.matches,
            cursor_start: c.cursor_start,
            cursor_end: c.cursor_end,
            metadata: serde_json::Map::new(),
            status: ReplyStatus::Ok,
            error: None,
        }
    }

    /// inspect_reply content.
    pub fn inspect(&self, code: &str, cursor_pos: usize, detail_level: u8) -> InspectReply {
        let found = self.with_interp(|i| i.inspect(code, cursor_pos, detail_level));
        InspectReply {
            found: found.is_some(),
            data: found.map(media).unwrap_or_default(),
            metadata: serde_json::Map::new(),
            status: ReplyStatus::Ok,
            error: None,
        }
    }

    /// is_complete_reply content.
    pub fn is_complete(code: &str) -> IsCompleteReply {
        match catch_unwind(|| lang::is_complete(code)) {
            Ok(Completeness::Complete) => IsCompleteReply::complete(),
            Ok(Completeness::Incomplete { indent }) => IsCompleteReply::incomplete(indent),
            Ok(Completeness::Invalid) => IsCompleteReply::invalid(),
            Err(_) => IsCompleteReply::unknown(),
        }
    }

    fn with_interp<T: Default>(&self, f: impl Fn(&Interpreter) -> T) -> T {
        let run = |i: &Interpreter| catch_unwind(AssertUnwindSafe(|| f(i))).unwrap_or_default();
        match self.interp.try_lock() {
            Ok(interp) => run(&interp),
            Err(std::sync::TryLockError::Poisoned(p)) => run(&p.into_inner()),
            Err(std::sync::TryLockError::WouldBlock) => run(&Interpreter::new()),
        }
    }
}

/// Runs `f`, turning a panic into an error the user sees; the kernel lives on.
fn catch_panic<T>(f: impl FnOnce() -> Result<T, LangError>) -> Result<T, LangError> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|panic| {
        let what = panic
            .downcast_ref::<&str>()
            .map(ToString::to_string)
            .or_else(|| panic.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_owned());
        Err(LangError {
            ename: "InternalError".to_owned(),
            evalue: format!("Nereus hit an internal error ({what}); the kernel is still running"),
            traceback: vec![format!(
                "InternalError: {what}\nThis is a bug in Nereus; please report it with the cell."
            )],
        })
    })
}

/// A MIME bundle as `jupyter-protocol` media; anything it cannot type stays as plain text.
fn media(bundle: MimeBundle) -> Media {
    let text = bundle.get("text/plain").cloned();
    serde_json::from_value::<Media>(Value::Object(bundle)).unwrap_or_else(|_| {
        let text = text.as_ref().and_then(Value::as_str).unwrap_or("");
        Media::new(vec![MediaType::Plain(text.to_owned())])
    })
}

/// Content of a history_reply; outputs are not stored, so they are `null` when asked for.
pub fn history_reply(history: Option<&History>, content: &Value) -> Value {
    let Some(history) = history else {
        return json!({"status": "ok", "history": []});
    };
    let int = |k: &str, d: i64| content.get(k).and_then(Value::as_i64).unwrap_or(d);
    let output = content
        .get("output")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let n = usize::try_from(int("n", 10).max(0)).unwrap_or(0);
    let found = match content.get("hist_access_type").and_then(Value::as_str) {
        Some("tail") => history.tail(n),
        Some("range") => history.range(int("session", 0), int("start", 1), int("stop", 0)),
        Some("search") => history.search(
            content
                .get("pattern")
                .and_then(Value::as_str)
                .unwrap_or("*"),
            n,
            content
                .get("unique")
                .and_then(Value::as_bool)
                .unwrap_or(false),
        ),
        other => {
            return json!({
                "status": "error",
                "ename": "ValueError",
                "evalue": format!("unknown hist_access_type {other:?}: expected tail, range or search"),
                "traceback": [],
                "history": [],
            })
        }
    };
    match found {
        Ok(entries) => {
            let rows: Vec<Value> = entries
                .into_iter()
                .map(|e| {
                    if output {
                        json!([e.session, e.line, [e.source, Value::Null]])
                    } else {
                        json!([e.session, e.line, e.source])
                    }
                })
                .collect();
            json!({"status": "ok", "history": rows})
        }
        Err(e) => json!({
            "status": "error", "ename": "OSError", "evalue": e.to_string(),
            "traceback": [], "history": [],
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Streams(String);

    impl Publish for Streams {
        fn publish(&mut self, content: JupyterMessageContent) {
            if let JupyterMessageContent::StreamContent(s) = content {
                self.0.push_str(&s.text);
            }
        }
    }

    #[test]
    fn history_magic_lists_this_sessions_cells() {
        let mut session = Session::new(None, CancelToken::new());
        let run = |session: &mut Session, code: &str| {
            let mut out = Streams(String::new());
            let args = ExecuteArgs {
                code: code.to_owned(),
                store_history: true,
                ..ExecuteArgs::default()
            };
            session.execute(&args, &mut out);
            out.0
        };
        run(&mut session, "x = 1");
        assert_eq!(
            run(&mut session, "%history -n"),
            "1: x = 1\n2: %history -n\n"
        );
    }

    #[test]
    fn a_panic_becomes_an_error_the_user_sees() {
        let Err(err) = catch_panic::<()>(|| panic!("index out of bounds")) else {
            panic!("a panicking cell must end in an error");
        };
        assert_eq!(err.ename, "InternalError");
        assert!(err.evalue.contains("index out of bounds"), "{}", err.evalue);
        assert!(err.evalue.contains("still running"), "{}", err.evalue);
    }
}
