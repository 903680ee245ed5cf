//! Conversions between cell values and engine types: dims, indexers, operands, engine errors
//! as Python exceptions, and running a computation with the cell's cancel token.

use std::sync::Arc;

use super::super::error::{Exc, ExcKind, Res};
use super::super::registry::Ctx;
use super::super::value::Value;
use nereus_engine::coding::TickUnit;
use nereus_engine::exec::{Context, ExecError, Progress, ProgressFn};
use nereus_engine::io::IoError;
use nereus_engine::model::{Block, DataArray};
use nereus_engine::ops::{Indexer, Label, LabelIndexer, OpenError, Operand, PlanError};

/// A plan error as the Python exception xarray raises in its place, keeping the engine's message.
pub(crate) fn plan_error(e: &PlanError) -> Exc {
    let kind = match e {
        PlanError::UnknownVariable { .. }
        | PlanError::LabelNotFound { .. }
        | PlanError::NotWithinTolerance { .. }
        | PlanError::NoIndex { .. }
        | PlanError::NoVariable { .. }
        | PlanError::WindowDimsNotFound {
            key_error: true, ..
        } => ExcKind::KeyError,
        PlanError::OutOfBounds { .. } | PlanError::MaskLength { .. } => ExcKind::IndexError,
        PlanError::BadDtype { .. } | PlanError::NoDims { .. } => ExcKind::TypeError,
        PlanError::IntOutOfBounds { .. } => ExcKind::OverflowError,
        _ => ExcKind::ValueError,
    };
    Exc::new(kind, e.to_string())
}

impl From<PlanError> for Exc {
    fn from(e: PlanError) -> Self {
        plan_error(&e)
    }
}

impl From<ExecError> for Exc {
    fn from(e: ExecError) -> Self {
        exec_error(&e)
    }
}

/// A computation error: an interrupt, a storage failure naming the chunk, or a pool failure.
pub(crate) fn exec_error(e: &ExecError) -> Exc {
    match e {
        ExecError::Cancelled => Exc::interrupted(),
        ExecError::Io(io) => Exc::new(ExcKind::OSError, io.to_string()),
        ExecError::AllNanSlice => Exc::value_error(e.to_string()),
        ExecError::OutOfMemory(_) => Exc::new(ExcKind::MemoryError, e.to_string()),
        ExecError::PlanTooDeep { .. } => Exc::new(ExcKind::RecursionError, e.to_string()),
        ExecError::InexactInteger { .. } => Exc::new(ExcKind::NotImplementedError, e.to_string()),
        other => Exc::new(ExcKind::RuntimeError, other.to_string()),
    }
}

/// An error opening a store.
pub(crate) fn open_error(e: &OpenError, path: &std::path::Path) -> Exc {
    match e {
        OpenError::Io(IoError::NotAStore { .. }) if !path.exists() => Exc::new(
            ExcKind::FileNotFoundError,
            format!("No such file or directory: '{}'", path.display()),
        ),
        OpenError::Io(io) => Exc::new(ExcKind::OSError, io.to_string()),
        other => Exc::value_error(other.to_string()),
    }
}

/// Runs `compute` with the cell's configuration and cancel token, reporting its progress to the
/// cell's output when that output shows progress.
pub(crate) fn run<T>(
    ctx: &Ctx<'_>,
    compute: impl FnOnce(&Context<'_>) -> Result<T, ExecError>,
) -> Res<T> {
    run_reporting(ctx, compute).map_err(Exc::from)
}

/// [`run`] for computations with their own error type (a write reports what it left).
pub(crate) fn run_reporting<T, E>(
    ctx: &Ctx<'_>,
    compute: impl FnOnce(&Context<'_>) -> Result<T, E>,
) -> Result<T, E> {
    let sink = ctx.out.progress();
    let report = |p: Progress| {
        if let Some(sink) = sink {
            sink.update(p);
        }
    };
    let context = Context {
        config: ctx.config,
        progress: sink.map(|_| &report as ProgressFn<'_>),
        cancel: ctx.cancel,
    };
    if let Some(sink) = sink {
        sink.begin(ctx.progress);
    }
    let result = compute(&context);
    if let Some(sink) = sink {
        sink.end(result.is_ok());
    }
    result
}

/// `.load()`: the array with its values and coordinates in memory.
pub(crate) fn load(ctx: &Ctx<'_>, a: &DataArray) -> Res<DataArray> {
    run(ctx, |c| a.compute(c))
}

/// A result as xarray holds it: values computed from numpy arrays alone (not read from a
/// store, not chunked) are computed now, as xarray's operations on numpy arrays are eager.
pub(crate) fn settle(ctx: &Ctx<'_>, v: Value) -> Res<Value> {
    match &v {
        Value::DataArray(a) if a.unsettled() => run(ctx, |c| a.settle(c)).map(Value::from),
        Value::Dataset(d) if d.unsettled() => run(ctx, |c| d.settle(c)).map(Value::from),
        _ => Ok(v),
    }
}

/// A dims argument: None (all), a name, or a list/tuple of names.
pub(crate) fn dims_arg(v: Option<Value>) -> Res<Option<Vec<String>>> {
    match v {
        None | Some(Value::None) => Ok(None),
        Some(Value::Str(s)) => Ok(Some(vec![s.to_string()])),
        Some(Value::List(items) | Value::Tuple(items)) => items
            .iter()
            .map(|d| match d {
                Value::Str(s) => Ok(s.to_string()),
                other => Err(Exc::type_error(format!(
                    "dimension names must be strings, not {}",
                    other.type_name()
                ))),
            })
            .collect::<Res<Vec<_>>>()
            .map(Some),
        Some(other) => Err(Exc::type_error(format!(
            "dim must be a dimension name or a sequence of names, not {}",
            other.type_name()
        ))),
    }
}

/// A number (or bool) as f64, or None.
pub(crate) fn number(v: &Value) -> Option<f64> {
    v.as_f64()
}

fn opt_int(v: &Value, what: &str) -> Res<Option<i64>> {
    match v {
        Value::None => Ok(None),
        other => other.as_int().map(Some).ok_or_else(|| {
            Exc::type_error(format!(
                "isel {what} must be an integer or None, not {}",
                other.type_name()
            ))
        }),
    }
}

/// A positional indexer for `isel` / `a[...]`.
pub(crate) fn indexer(v: &Value) -> Res<Indexer> {
    match v {
        Value::Slice(p) => Ok(Indexer::Slice {
            start: opt_int(&p[0], "slice start")?,
            stop: opt_int(&p[1], "slice stop")?,
            step: opt_int(&p[2], "slice step")?,
        }),
        // All booleans is a mask, as numpy reads it; a mix with integers is positions.
        Value::List(items) | Value::Tuple(items)
            if !items.is_empty() && items.iter().all(|i| matches!(i, Value::Bool(_))) =>
        {
            Ok(Indexer::Mask(
                items
                    .iter()
                    .map(|i| matches!(i, Value::Bool(true)))
                    .collect(),
            ))
        }
        Value::List(items) | Value::Tuple(items) => items
            .iter()
            .map(|i| {
                opt_int(i, "positions")?
                    .ok_or_else(|| Exc::type_error("isel positions must be integers"))
            })
            .collect::<Res<Vec<_>>>()
            .map(Indexer::List),
        Value::NdArray(a) if a.block.shape().len() == 1 && a.is_numbers() => {
            match a.block.as_ref() {
                Block::Bool(m) => Ok(Indexer::Mask(m.iter().copied().collect())),
                Block::F32(_) | Block::F64(_) => Err(Exc::new(
                    ExcKind::IndexError,
                    "arrays used as indices must be of integer (or boolean) type",
                )),
                _ => Ok(Indexer::List(a.ints())),
            }
        }
        // A 1-D boolean DataArray in memory is a mask, as xarray reads it
        // (`ds.isel(time=ds.time.dt.month == 1)`).
        Value::DataArray(a)
            if a.dims().len() == 1 && a.dtype() == nereus_engine::model::DType::Bool =>
        {
            match super::super::ndarray::ndarray_of(&a.variable) {
                Some(n) => indexer(&Value::NdArray(Arc::new(n))),
                None => Err(Exc::type_error(
                    "a lazy boolean DataArray as an isel indexer: call .load() on it first",
                )),
            }
        }
        other => other.as_int().map(Indexer::Int).ok_or_else(|| {
            Exc::type_error(format!(
                "isel indexers must be integers, slices or lists of integers, not {}",
                other.type_name()
            ))
        }),
    }
}

fn label(v: &Value) -> Res<Label> {
    match v {
        Value::Str(s) => Ok(Label::Str(s.to_string())),
        // A datetime (`pd.Timestamp(...)`, `ds.time[0].values`) is one instant: written to the
        // nanosecond, it matches exactly, as pandas matches a Timestamp.
        Value::NdArray(a)
            if a.block.len() == 1
                && a.time()
                    .is_some_and(nereus_engine::coding::TimeScale::is_datetime64) =>
        {
            let date = a
                .time()
                .zip(a.block.iter_i64().next())
                .and_then(|(scale, t)| scale.datetime(t))
                .ok_or_else(|| Exc::new(ExcKind::KeyError, "NaT is not a label"))?;
            Ok(Label::Str(date.to_numpy(TickUnit::Nanosecond)))
        }
        Value::DataArray(a) if a.dims().is_empty() => {
            match super::super::ndarray::ndarray_of(&a.variable) {
                Some(n) => label(&Value::NdArray(Arc::new(n))),
                None => Err(Exc::type_error(
                    "a lazy DataArray as a sel label: call .load() on it first",
                )),
            }
        }
        other => number(other).map(Label::Num).ok_or_else(|| {
            Exc::type_error(format!(
                "sel labels must be numbers or date strings, not {}",
                other.type_name()
            ))
        }),
    }
}

/// The labels of one dimension for `drop_sel`: one label, or a list or array of them.
pub(crate) fn labels_of(v: &Value) -> Res<Vec<Label>> {
    match v {
        Value::List(items) | Value::Tuple(items) => items.iter().map(label).collect(),
        Value::NdArray(a) if !a.block.shape().is_empty() => a.rows()?.iter().map(label).collect(),
        one => Ok(vec![label(one)?]),
    }
}

/// A label indexer for `sel`.
pub(crate) fn label_indexer(v: &Value) -> Res<LabelIndexer> {
    match v {
        Value::Slice(p) => {
            if !matches!(p[2], Value::None) {
                return Err(Exc::new(
                    ExcKind::NotImplementedError,
                    "sel with a slice step is not supported yet",
                ));
            }
            let part = |x: &Value| match x {
                Value::None => Ok(None),
                other => label(other).map(Some),
            };
            Ok(LabelIndexer::Slice(part(&p[0])?, part(&p[1])?))
        }
        Value::List(items) | Value::Tuple(items) => items
            .iter()
            .map(label)
            .collect::<Res<Vec<_>>>()
            .map(LabelIndexer::List),
        other => label(other).map(LabelIndexer::Scalar),
    }
}

/// An operand of element-wise arithmetic, if the value is one.
pub(crate) fn operand(v: &Value) -> Option<Operand> {
    match v {
        Value::DataArray(a) => Some(Operand::array(a.as_ref().clone())),
        Value::NdArray(a) if a.is_numbers() => Some(Operand::Positional(Arc::clone(&a.block))),
        // numpy takes a list of numbers as an array.
        Value::List(_) => super::creation::list_block(v, &|k| Exc::type_error(k.to_owned()))
            .ok()
            .map(|b| Operand::Positional(Arc::new(b))),
        Value::Int(i) => Some(Operand::Int(*i)),
        Value::Bool(b) => Some(Operand::Bool(*b)),
        other => number(other).map(Operand::Scalar),
    }
}

/// Whether a value is an array (so operators go element-wise).
pub(crate) fn is_array(v: &Value) -> bool {
    matches!(v, Value::DataArray(_) | Value::NdArray(_))
}
