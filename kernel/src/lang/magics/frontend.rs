//! The IPython front-end lines notebooks open with: `%matplotlib inline`, `%xmode`, and
//! `%config Class.trait = value` for the inline figure format and the completer.

use super::super::error::{Exc, ExcKind, Res};
use super::super::value::Value;
use super::super::{Interpreter, Output, Stream};
use super::{usage_error, Call, PlotFormat};
use nereus_engine::exec::CancelToken;

/// `%matplotlib [inline]`: figures are always shown inline; other backends are refused.
pub(super) fn matplotlib(
    _: &mut Interpreter,
    call: &Call<'_>,
    _: &mut dyn Output,
    _: &CancelToken,
) -> Res<Option<Value>> {
    match call.args.trim() {
        "" | "inline" => Ok(None),
        other => Err(Exc::new(
            ExcKind::NotImplementedError,
            format!("%matplotlib {other}: Nereus shows figures inline only (%matplotlib inline)"),
        )),
    }
}

/// `%xmode MODE`: IPython's traceback detail. Nereus tracebacks name the cell line and the
/// error in every mode; the mode is acknowledged as IPython does.
pub(super) fn xmode(
    _: &mut Interpreter,
    call: &Call<'_>,
    out: &mut dyn Output,
    _: &CancelToken,
) -> Res<Option<Value>> {
    const MODES: [&str; 5] = ["Plain", "Context", "Verbose", "Minimal", "Docs"];
    let arg = call.args.trim();
    let mode = if arg.is_empty() {
        "Context"
    } else {
        MODES
            .iter()
            .find(|m| {
                m.to_ascii_lowercase()
                    .starts_with(&arg.to_ascii_lowercase())
            })
            .ok_or_else(|| {
                usage_error(format!(
                    "%xmode: unknown mode '{arg}'; valid modes: {}",
                    MODES.join(", ")
                ))
            })?
    };
    out.stream(
        Stream::Stdout,
        &format!("Exception reporting mode: {mode}\n"),
    );
    Ok(None)
}

/// `%config Class.trait=value` (IPython's configurables): the inline backend's figure format
/// sets the plot format; the completer's switches are accepted (Nereus completes itself).
pub(super) fn ipython_trait(interp: &mut Interpreter, key: &str, value: &str) -> Res<()> {
    let text = value
        .trim_matches(|c| matches!(c, '{' | '}' | '[' | ']' | '(' | ')'))
        .trim_matches(|c| c == '\'' || c == '"');
    match key {
        "InlineBackend.figure_format" | "InlineBackend.figure_formats" => {
            interp.settings.plot_format = match text {
                // Retina is PNG at twice the pixel density; the figure itself is the same.
                "png" | "retina" | "png2x" => PlotFormat::Png,
                "svg" => PlotFormat::Svg,
                other => {
                    return Err(Exc::new(
                        ExcKind::NotImplementedError,
                        format!("%config {key}: Nereus draws figures as png or svg, not '{other}'"),
                    ))
                }
            };
            Ok(())
        }
        k if k.starts_with("Completer.") || k.starts_with("IPCompleter.") => Ok(()),
        _ => Err(usage_error(format!(
            "%config: unknown setting '{key}' (IPython settings accepted: InlineBackend.figure_format, Completer.*, IPCompleter.*)"
        ))),
    }
}
