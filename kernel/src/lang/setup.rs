//! The set-up lines notebooks open with: `xr.set_options(...)`, numpy's print options and the
//! `warnings` module. An option that changes output in xarray changes it here, or is refused
//! by name; options that only tune speed or caching are accepted.
#![allow(
    clippy::needless_pass_by_value,
    clippy::unnecessary_wraps,
    reason = "all builtins share the `Func` signature"
)]

use std::sync::Arc;

use super::context::Manager;
use super::dict::{Dict, DictKind};
use super::error::{Exc, ExcKind, Res};
use super::options::{self, Snapshot};
use super::registry::{Args, Builtin, Ctx, Module};
use super::value::Value;

/// xarray's option names (2026.9), sorted, for the "not in the set of valid options" error.
const XR_OPTIONS: &[&str] = &[
    "arithmetic_broadcast",
    "arithmetic_compat",
    "arithmetic_join",
    "chunk_manager",
    "cmap_divergent",
    "cmap_sequential",
    "display_default_indexes",
    "display_expand_attrs",
    "display_expand_coords",
    "display_expand_data",
    "display_expand_data_vars",
    "display_expand_groups",
    "display_expand_indexes",
    "display_max_children",
    "display_max_html_elements",
    "display_max_items",
    "display_max_rows",
    "display_style",
    "display_values_threshold",
    "display_width",
    "enable_cftimeindex",
    "facetgrid_figsize",
    "file_cache_maxsize",
    "keep_attrs",
    "netcdf_engine_order",
    "use_bottleneck",
    "use_flox",
    "use_new_combine_kwarg_defaults",
    "use_numbagg",
    "use_opt_einsum",
    "warn_for_unclosed_files",
];

/// Options that only tune speed, caching or warnings in xarray: any valid value is accepted.
const NO_OUTPUT_EFFECT: &[&str] = &[
    "chunk_manager",
    "file_cache_maxsize",
    "netcdf_engine_order",
    "use_bottleneck",
    "use_flox",
    "use_numbagg",
    "use_opt_einsum",
    "warn_for_unclosed_files",
    // HTML sections the Nereus repr does not draw (DataTree groups, the Indexes section).
    "display_expand_groups",
    "display_expand_indexes",
];

/// Options Nereus implements only at xarray's default, with that default's repr.
const DEFAULT_ONLY: &[(&str, &str)] = &[
    ("arithmetic_broadcast", "True"),
    ("arithmetic_compat", "'minimal'"),
    ("arithmetic_join", "'inner'"),
    ("cmap_divergent", "'RdBu_r'"),
    ("cmap_sequential", "'viridis'"),
    ("display_default_indexes", "False"),
    ("display_max_children", "6"),
    ("display_max_html_elements", "300"),
    ("display_max_items", "20"),
    ("display_max_rows", "12"),
    ("display_values_threshold", "200"),
    ("display_width", "80"),
    ("enable_cftimeindex", "True"),
    ("facetgrid_figsize", "'computed'"),
    ("use_new_combine_kwarg_defaults", "False"),
];

/// An expand option's value: `True`, `False` or `"default"` (None).
fn expand(name: &str, v: &Value) -> Res<Option<bool>> {
    match v {
        Value::Bool(b) => Ok(Some(*b)),
        Value::Str(s) if &**s == "default" => Ok(None),
        other => Err(invalid(name, other, "one of [True, False, 'default']")),
    }
}

fn invalid(name: &str, v: &Value, expected: &str) -> Exc {
    Exc::value_error(format!(
        "option '{name}' given an invalid value: {}. Expected {expected}",
        v.repr()
    ))
}

fn not_supported(name: &str, v: &Value, default: &str) -> Exc {
    Exc::new(
        ExcKind::NotImplementedError,
        format!(
            "xr.set_options({name}={}) is not supported in Nereus; only the default ({default})",
            v.repr()
        ),
    )
}

/// `xr.set_options(**options)`: sets them now; as a `with` block, until it ends.
fn set_options(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    if let Some(v) = args.pos.first() {
        return Err(Exc::type_error(format!(
            "set_options.__init__() takes 1 positional argument but 2 were given (got {})",
            v.repr()
        )));
    }
    let saved = options::current();
    let mut next = saved.clone();
    for (name, v) in &args.kw {
        let name = name.as_str();
        if !XR_OPTIONS.contains(&name) {
            return Err(Exc::value_error(format!(
                "argument name '{name}' is not in the set of valid options {{{}}}",
                XR_OPTIONS
                    .iter()
                    .map(|o| format!("'{o}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
        }
        let d = &mut next.xr.display;
        match name {
            "display_style" => match v {
                Value::Str(s) if matches!(&**s, "html" | "text") => next.xr.html = &**s == "html",
                other => return Err(invalid(name, other, "one of frozenset({'html', 'text'})")),
            },
            "display_expand_attrs" => d.expand_attrs = expand(name, v)?,
            "display_expand_coords" => d.expand_coords = expand(name, v)?,
            "display_expand_data_vars" => d.expand_data_vars = expand(name, v)?,
            "display_expand_data" => d.expand_data = expand(name, v)?,
            "keep_attrs" => match v {
                // xarray 2026 keeps attributes by default, as Nereus does.
                Value::Bool(true) => next.xr.keep_attrs = Some(true),
                Value::Str(s) if &**s == "default" => next.xr.keep_attrs = None,
                // `keep_attrs=False` is refused for every call before this runs.
                other => return Err(invalid(name, other, "one of [True, False, 'default']")),
            },
            n if NO_OUTPUT_EFFECT.contains(&n) => {}
            n => {
                let default = DEFAULT_ONLY
                    .iter()
                    .find(|(o, _)| *o == n)
                    .map_or("none", |(_, d)| *d);
                if v.repr() != default {
                    return Err(not_supported(n, v, default));
                }
            }
        }
    }
    options::replace(next);
    Ok(Value::Context(Arc::new(Manager::Restore {
        class: "xarray.core.options.set_options",
        saved,
    })))
}

/// numpy's print options that Nereus implements, with their defaults.
const PRINT_OPTIONS: &[&str] = &["precision", "threshold", "edgeitems", "linewidth"];

/// numpy's print options that change output in ways Nereus does not implement.
const PRINT_UNSUPPORTED: &[&str] = &[
    "suppress",
    "nanstr",
    "infstr",
    "formatter",
    "sign",
    "floatmode",
    "legacy",
    "override_repr",
];

/// The print options after applying `args` to the current ones.
fn print_options(args: &Args, func: &str) -> Res<Snapshot> {
    let mut next = options::current();
    let names = PRINT_OPTIONS.iter().chain(PRINT_UNSUPPORTED);
    if args.pos.len() > PRINT_OPTIONS.len() {
        return Err(Exc::type_error(format!(
            "{func}() takes at most 4 positional arguments"
        )));
    }
    let given = args
        .pos
        .iter()
        .zip(names.clone())
        .map(|(v, n)| (*n, v))
        .chain(args.kw.iter().map(|(k, v)| (k.as_str(), v)));
    for (name, v) in given {
        if matches!(v, Value::None) {
            continue;
        }
        let count = |v: &Value| {
            v.as_int()
                .and_then(|i| usize::try_from(i).ok())
                .ok_or_else(|| Exc::type_error(format!("{name} must be a non-negative integer")))
        };
        match name {
            "precision" => next.np.precision = count(v)?,
            "threshold" => next.np.threshold = count(v)?,
            "edgeitems" => next.np.edgeitems = count(v)?,
            "linewidth" => next.np.linewidth = count(v)?,
            n if PRINT_UNSUPPORTED.contains(&n) => {
                return Err(Exc::new(
                    ExcKind::NotImplementedError,
                    format!(
                        "np.{func}({n}={}) is not supported in Nereus; precision, threshold, edgeitems and linewidth are",
                        v.repr()
                    ),
                ))
            }
            n => {
                return Err(Exc::type_error(format!(
                    "{func}() got an unexpected keyword argument '{n}'"
                )))
            }
        }
    }
    Ok(next)
}

/// `np.set_printoptions(...)`.
fn set_printoptions(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    options::replace(print_options(&args, "set_printoptions")?);
    Ok(Value::None)
}

/// `np.printoptions(...)`: the options for a `with` block.
fn printoptions(_: &mut Ctx<'_>, args: Args) -> Res<Value> {
    let saved = options::replace(print_options(&args, "printoptions")?);
    Ok(Value::Context(Arc::new(Manager::Restore {
        class: "contextlib._GeneratorContextManager",
        saved,
    })))
}

/// `np.get_printoptions()`: the options Nereus honours, by numpy's names.
fn get_printoptions(_: &mut Ctx<'_>, _: Args) -> Res<Value> {
    let np = options::numpy();
    let int = |n: usize| Value::Int(i64::try_from(n).unwrap_or(i64::MAX));
    let pairs = vec![
        (Value::str("edgeitems"), int(np.edgeitems)),
        (Value::str("threshold"), int(np.threshold)),
        (Value::str("floatmode"), Value::str("maxprec")),
        (Value::str("precision"), int(np.precision)),
        (Value::str("suppress"), Value::Bool(false)),
        (Value::str("linewidth"), int(np.linewidth)),
        (Value::str("nanstr"), Value::str("nan")),
        (Value::str("infstr"), Value::str("inf")),
        (Value::str("sign"), Value::str("-")),
        (Value::str("formatter"), Value::None),
        (Value::str("legacy"), Value::Bool(false)),
        (Value::str("override_repr"), Value::None),
    ];
    Ok(Value::Dict(Arc::new(Dict::from_pairs(
        DictKind::Plain,
        pairs,
    )?)))
}

/// `np.set_printoptions` (in the numpy table).
pub(crate) const SET_PRINTOPTIONS: Builtin = method!("numpy", "set_printoptions", "set_printoptions(precision=None, threshold=None, edgeitems=None, linewidth=None, suppress=None, nanstr=None, infstr=None, formatter=None, sign=None, floatmode=None, *, legacy=None, override_repr=None)", set_printoptions,
        "Sets how numpy arrays print: precision (digits after the point, default 8), threshold (arrays of more elements are summarized, default 1000), edgeitems (items kept at each end when summarized, default 3), linewidth (default 75). Other options are refused by name.");

/// `np.printoptions` (in the numpy table).
pub(crate) const PRINTOPTIONS: Builtin = method!(
    "numpy",
    "printoptions",
    "printoptions(*args, **kwargs)",
    printoptions,
    "The print options of np.set_printoptions for the body of a `with` block only."
);

/// `np.get_printoptions` (in the numpy table).
pub(crate) const GET_PRINTOPTIONS: Builtin = method!(
    "numpy",
    "get_printoptions",
    "get_printoptions()",
    get_printoptions,
    "The current print options, as a dict."
);

/// `xr.set_options` (in the xarray table).
pub(crate) const XR_SET_OPTIONS: Builtin = method!("xarray", "set_options", "set_options(**kwargs)", set_options,
    "Sets xarray's options, for the rest of the session or, as `with xr.set_options(...):`, for the block. display_style ('html' or 'text'), display_expand_attrs / _coords / _data_vars / _data (True, False or 'default') change the reprs; keep_attrs=True or 'default' keeps attributes (as xarray 2026 does by default); options that only tune speed or caching (use_flox, use_bottleneck, file_cache_maxsize, ...) are accepted; others only at their defaults, and refused by name otherwise.");

/// Python warnings: Nereus emits none, so filters have nothing to filter.
fn filter(_: &mut Ctx<'_>, mut args: Args) -> Res<Value> {
    args.positional("filterwarnings", &["action"])?;
    let action = args.pos.first().map(Value::to_str);
    let known = [
        "default", "error", "ignore", "always", "all", "module", "once",
    ];
    match action {
        Some(a) if known.contains(&a.as_str()) => Ok(Value::None),
        Some(a) => Err(Exc::value_error(format!("invalid action: '{a}'"))),
        None => Err(Exc::type_error("missing required argument 'action'")),
    }
}

/// `warnings.catch_warnings()`: nothing to save or restore.
fn catch_warnings(_: &mut Ctx<'_>, _: Args) -> Res<Value> {
    Ok(Value::Context(Arc::new(Manager::Nothing {
        class: "warnings.catch_warnings",
    })))
}

static WARNINGS_FUNCTIONS: &[Builtin] = &[
    method!("warnings", "filterwarnings", "filterwarnings(action, message='', category=Warning, module='', lineno=0, append=False)", filter,
        "Adds a warning filter. Nereus raises no Python warnings, so there is nothing to filter; accepted so that notebooks' set-up lines run."),
    method!("warnings", "simplefilter", "simplefilter(action, category=Warning, lineno=0, append=False)", filter,
        "Adds a warning filter for every message. Nereus raises no Python warnings; accepted so that notebooks' set-up lines run."),
    method!("warnings", "catch_warnings", "catch_warnings(*, record=False, module=None, action=None, category=Warning, lineno=0, append=False)", catch_warnings,
        "A `with` block whose warning filters are restored at its end (Nereus raises no Python warnings)."),
];

/// The `warnings` module.
pub(crate) static WARNINGS: Module = Module {
    name: "warnings",
    doc: "Warning filters: Nereus raises no Python warnings, so filterwarnings and simplefilter have nothing to filter; accepted so that notebooks' set-up lines run.",
    functions: WARNINGS_FUNCTIONS,
    constants: &[],
    pending: None,
};
