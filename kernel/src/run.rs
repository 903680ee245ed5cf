//! `nereus run`: executes a notebook headlessly through the same session code as the kernel,
//! and writes an nbformat 4 notebook with the outputs as a frontend would have left them.

use crate::session::{ExecuteArgs, Publish, Session};
use jupyter_protocol::{JupyterMessageContent, ReplyStatus};
use nereus_engine::CancelToken;
use serde_json::{json, Value};
use std::path::Path;

/// Errors of a headless run.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// The notebook could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file is not a notebook we can run.
    #[error("{path} is not an nbformat 4 notebook: {why}")]
    Format {
        /// The file.
        path: String,
        /// What is wrong.
        why: String,
    },
    /// A cell raised an error (the output notebook was still written).
    #[error("cell {index} raised {ename}: {evalue} (outputs written to {out})")]
    Cell {
        /// 0-based index of the cell in the notebook.
        index: usize,
        /// Exception name.
        ename: String,
        /// Message.
        evalue: String,
        /// Where the executed notebook was written.
        out: String,
    },
}

/// One output as nbformat stores it, plus the display id that later updates target.
struct Slot {
    output: Value,
    display_id: Option<String>,
}

/// Collects a cell's messages into nbformat outputs.
struct Collector<'a> {
    cells: &'a mut Vec<Vec<Slot>>,
    clear_pending: bool,
}

impl Collector<'_> {
    fn current(&mut self) -> &mut Vec<Slot> {
        if self.cells.is_empty() {
            self.cells.push(Vec::new());
        }
        let last = self.cells.len() - 1;
        &mut self.cells[last]
    }

    fn push(&mut self, output: Value, display_id: Option<String>) {
        if std::mem::take(&mut self.clear_pending) {
            self.current().clear();
        }
        let outputs = self.current();
        // Consecutive pieces of one stream form one output, as frontends show them.
        if let (Some(last), Some("stream")) = (outputs.last_mut(), output["output_type"].as_str()) {
            if last.output["output_type"] == "stream" && last.output["name"] == output["name"] {
                let more = output["text"].as_str().unwrap_or("");
                if let Some(Value::String(text)) = last.output.get_mut("text") {
                    text.push_str(more);
                    return;
                }
            }
        }
        outputs.push(Slot { output, display_id });
    }
}

fn to_json(value: &impl serde::Serialize) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

impl Publish for Collector<'_> {
    fn publish(&mut self, content: JupyterMessageContent) {
        match content {
            JupyterMessageContent::StreamContent(s) => self.push(
                json!({"output_type": "stream", "name": to_json(&s.name), "text": s.text}),
                None,
            ),
            JupyterMessageContent::DisplayData(d) => self.push(
                json!({"output_type": "display_data", "data": to_json(&d.data), "metadata": d.metadata}),
                d.transient.and_then(|t| t.display_id),
            ),
            JupyterMessageContent::UpdateDisplayData(u) => {
                let Some(id) = u.transient.display_id else {
                    return;
                };
                // An update replaces every output with that id, in any earlier cell too.
                for slot in self.cells.iter_mut().flatten() {
                    if slot.display_id.as_deref() == Some(id.as_str()) {
                        slot.output["data"] = to_json(&u.data);
                        slot.output["metadata"] = Value::Object(u.metadata.clone());
                    }
                }
            }
            JupyterMessageContent::ExecuteResult(r) => self.push(
                json!({
                    "output_type": "execute_result",
                    "data": to_json(&r.data),
                    "metadata": r.metadata,
                    "execution_count": r.execution_count.value(),
                }),
                None,
            ),
            JupyterMessageContent::ErrorOutput(e) => self.push(
                json!({"output_type": "error", "ename": e.ename, "evalue": e.evalue, "traceback": e.traceback}),
                None,
            ),
            JupyterMessageContent::ClearOutput(c) => {
                if c.wait {
                    self.clear_pending = true;
                } else {
                    self.current().clear();
                }
            }
            _ => {}
        }
    }
}

/// The source of a cell: nbformat allows a string or a list of lines.
fn cell_source(cell: &Value) -> String {
    match &cell["source"] {
        Value::String(s) => s.clone(),
        Value::Array(lines) => lines.iter().filter_map(Value::as_str).collect(),
        _ => String::new(),
    }
}

/// Executes `input` and writes the executed notebook to `output`. With `allow_errors`, a
/// failing cell does not stop the run.
pub fn run_notebook(input: &Path, output: &Path, allow_errors: bool) -> Result<(), RunError> {
    let shown = input.display().to_string();
    let text = std::fs::read_to_string(input).map_err(|source| RunError::Io {
        path: shown.clone(),
        source,
    })?;
    let format = |why: String| RunError::Format {
        path: shown.clone(),
        why,
    };
    let mut nb: Value = serde_json::from_str(&text).map_err(|e| format(e.to_string()))?;
    if nb["nbformat"].as_u64() != Some(4) {
        return Err(format(format!("nbformat is {}", nb["nbformat"])));
    }
    let Some(cells) = nb.get_mut("cells").and_then(Value::as_array_mut) else {
        return Err(format("no \"cells\" list".to_owned()));
    };

    let mut session = Session::new(None, CancelToken::new());
    let mut outputs: Vec<Vec<Slot>> = Vec::new();
    let mut counts: Vec<Option<usize>> = Vec::new();
    let mut failure = None;
    for (index, cell) in cells.iter().enumerate() {
        outputs.push(Vec::new());
        counts.push(None);
        if cell["cell_type"] != "code" || failure.is_some() {
            continue;
        }
        let args = ExecuteArgs {
            code: cell_source(cell),
            silent: false,
            store_history: true,
            user_expressions: std::collections::HashMap::new(),
            stop_on_error: true,
        };
        let mut collector = Collector {
            cells: &mut outputs,
            clear_pending: false,
        };
        let reply = session.execute(&args, &mut collector);
        counts[index] = Some(reply.execution_count.value());
        if let (ReplyStatus::Error, Some(err), false) = (&reply.status, &reply.error, allow_errors)
        {
            failure = Some((index, err.ename.clone(), err.evalue.clone()));
        }
    }

    for ((cell, slots), count) in cells.iter_mut().zip(outputs).zip(counts) {
        if cell["cell_type"] == "code" {
            cell["outputs"] = Value::Array(slots.into_iter().map(|s| s.output).collect());
            cell["execution_count"] = count.map_or(Value::Null, Value::from);
        }
    }
    nb["metadata"]["language_info"] = crate::wire::kernel_info_content()["language_info"].clone();
    if nb["metadata"].get("kernelspec").is_none() {
        nb["metadata"]["kernelspec"] =
            json!({"name": "nereus", "display_name": "Nereus", "language": "nereus"});
    }
    write_notebook(&nb, output)?;
    match failure {
        Some((index, ename, evalue)) => Err(RunError::Cell {
            index,
            ename,
            evalue,
            out: output.display().to_string(),
        }),
        None => Ok(()),
    }
}

/// Writes JSON the way nbformat does (one-space indent, trailing newline).
fn write_notebook(nb: &Value, path: &Path) -> Result<(), RunError> {
    let io = |source| RunError::Io {
        path: path.display().to_string(),
        source,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let mut buf = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(
        &mut buf,
        serde_json::ser::PrettyFormatter::with_indent(b" "),
    );
    serde::Serialize::serialize(nb, &mut ser).map_err(|e| io(std::io::Error::other(e)))?;
    buf.push(b'\n');
    std::fs::write(path, buf).map_err(io)
}
