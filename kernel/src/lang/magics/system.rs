//! The process magics `%env`, `%pwd`, `%cd` and `%history`: environment variables, the working
//! directory and this session's inputs. They run no cell code.

use std::fmt::Write as _;

use super::super::error::{Exc, ExcKind, Res};
use super::super::value::Value;
use super::super::{Interpreter, Output, Stream};
use super::{usage_error, Call};
use nereus_engine::exec::CancelToken;

pub(super) fn env(
    _: &mut Interpreter,
    call: &Call<'_>,
    out: &mut dyn Output,
    _: &CancelToken,
) -> Res<Option<Value>> {
    let args = call.args;
    if args.is_empty() {
        let mut vars: Vec<(String, String)> = std::env::vars_os()
            .map(|(k, v)| {
                (
                    k.to_string_lossy().into_owned(),
                    v.to_string_lossy().into_owned(),
                )
            })
            .collect();
        vars.sort();
        let mut text = String::new();
        for (k, v) in vars {
            let _ = writeln!(text, "{k}={v}");
        }
        out.stream(Stream::Stdout, &text);
        return Ok(None);
    }
    let set = args
        .split_once('=')
        .or_else(|| args.split_once(char::is_whitespace));
    match set {
        Some((name, value)) => {
            let (name, value) = (name.trim(), value.trim());
            if name.is_empty() || name.contains(char::is_whitespace) {
                return Err(usage_error(format!(
                    "%env: invalid variable name '{name}' (usage: %env NAME=VALUE)"
                )));
            }
            std::env::set_var(name, value);
            out.stream(Stream::Stdout, &format!("env: {name}={value}\n"));
            Ok(None)
        }
        None => std::env::var_os(args)
            .map(|v| Some(Value::str(v.to_string_lossy().into_owned())))
            .ok_or_else(|| {
                Exc::new(
                    ExcKind::KeyError,
                    format!("Environment does not have key: {args}"),
                )
            }),
    }
}

fn cwd() -> Res<String> {
    std::env::current_dir()
        .map(|p| p.display().to_string())
        .map_err(|e| Exc::new(ExcKind::OSError, e.to_string()))
}

pub(super) fn pwd(
    _: &mut Interpreter,
    call: &Call<'_>,
    _: &mut dyn Output,
    _: &CancelToken,
) -> Res<Option<Value>> {
    if !call.args.is_empty() {
        return Err(usage_error("%pwd takes no arguments"));
    }
    Ok(Some(Value::str(cwd()?)))
}

pub(super) fn cd(
    _: &mut Interpreter,
    call: &Call<'_>,
    out: &mut dyn Output,
    _: &CancelToken,
) -> Res<Option<Value>> {
    let arg = call.args.trim_matches(|c| c == '"' || c == '\'');
    let home = std::env::var("HOME").unwrap_or_else(|_| "/".to_string());
    let dir = if arg.is_empty() || arg == "~" {
        home
    } else if let Some(rest) = arg.strip_prefix("~/") {
        format!("{home}/{rest}")
    } else {
        arg.to_string()
    };
    let path = std::path::Path::new(&dir);
    if !path.exists() {
        return Err(Exc::new(
            ExcKind::FileNotFoundError,
            format!("[Errno 2] No such file or directory: '{dir}'"),
        ));
    }
    if !path.is_dir() {
        return Err(Exc::new(
            ExcKind::OSError,
            format!("[Errno 20] Not a directory: '{dir}'"),
        ));
    }
    std::env::set_current_dir(path)
        .map_err(|e| Exc::new(ExcKind::OSError, format!("{e}: '{dir}'")))?;
    out.stream(Stream::Stdout, &format!("{}\n", cwd()?));
    Ok(None)
}

pub(super) fn history(
    _: &mut Interpreter,
    call: &Call<'_>,
    out: &mut dyn Output,
    _: &CancelToken,
) -> Res<Option<Value>> {
    let numbered = match call.args {
        "" => false,
        "-n" => true,
        other => {
            return Err(usage_error(format!(
                "%history: unknown argument '{other}' (usage: %history [-n])"
            )))
        }
    };
    let entries = out.history();
    let width = entries.last().map_or(1, |(n, _)| n.to_string().len());
    let mut text = String::new();
    for (n, source) in &entries {
        if numbered {
            let sep = if source.contains('\n') { "\n" } else { " " };
            let _ = write!(text, "{n:>width$}:{sep}");
        }
        text.push_str(source.trim_end_matches('\n'));
        text.push('\n');
    }
    out.stream(Stream::Stdout, &text);
    Ok(None)
}
