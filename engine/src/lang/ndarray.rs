//! numpy arrays of computed values: their elements as Python values and numpy's text forms
//! (`array([[1. , 2.5, ...]], dtype=float32)`), summarized like numpy beyond 1000 elements.

use std::sync::Arc;

use super::error::{Exc, ExcKind, Res};
use super::functions::MAX_ITEMS;
use super::value::Value;
use crate::coding::TimeScale;
use crate::model::{map_block, with_block};
use crate::model::{shape_text, Block, DType};
use ndarray::Axis;

/// The numpy print options (`np.set_printoptions`) that reprs set.
#[derive(Debug, Clone, Copy)]
pub(crate) struct PrintOptions {
    /// At most this many digits after the point (`precision`).
    pub(crate) precision: usize,
    /// Characters per line (`linewidth`).
    pub(crate) linewidth: usize,
    /// Arrays of more elements are elided with `...` (`threshold`).
    pub(crate) threshold: usize,
    /// Items kept at each end of an elided axis (`edgeitems`).
    pub(crate) edgeitems: usize,
}

impl PrintOptions {
    /// numpy's defaults.
    pub(crate) const NUMPY: Self = Self {
        precision: 8,
        linewidth: 75,
        threshold: 1000,
        edgeitems: 3,
    };
}

/// A computed numpy array; datetimes are int64 ticks of `time` (datetime64[ns] or cftime).
#[derive(Debug, Clone)]
pub(crate) struct NdArray {
    pub(crate) block: Arc<Block>,
    pub(crate) time: Option<TimeScale>,
}

impl NdArray {
    /// numpy's dtype name.
    pub(crate) fn dtype_name(&self) -> &'static str {
        if let Some(scale) = self.time {
            scale.dtype_name()
        } else {
            self.block.dtype().name()
        }
    }

    /// Element `i` (C order) as a Python value.
    pub(crate) fn item(&self, i: usize) -> Value {
        match self.block.as_ref() {
            Block::Bool(a) => Value::Bool(a.iter().nth(i).copied().unwrap_or(false)),
            Block::F32(a) => Value::Float(a.iter().nth(i).map_or(f64::NAN, |&x| f64::from(x))),
            Block::F64(a) => Value::Float(a.iter().nth(i).copied().unwrap_or(f64::NAN)),
            Block::U64(a) => a
                .iter()
                .nth(i)
                .and_then(|&x| i64::try_from(x).ok())
                .map_or(Value::None, Value::Int),
            other => Value::Int(exact_ints(other).nth(i).unwrap_or(0)),
        }
    }

    /// The elements as integers, in C order (an integer array used as positions); floats are
    /// truncated, integers exact (past `i64` saturated).
    pub(crate) fn ints(&self) -> Vec<i64> {
        exact_ints(&self.block).collect()
    }

    /// What iterating gives, as numpy does: the elements of a 1-D array, the sub-arrays along
    /// the first axis otherwise.
    pub(crate) fn rows(&self) -> Res<Vec<Value>> {
        let shape = self.block.shape();
        let n = row_count(shape)?;
        Ok((0..n)
            .map(|i| {
                let row = NdArray {
                    block: Arc::new(map_block!(self.block.as_ref(), a => a
                        .index_axis(Axis(0), i)
                        .to_owned())),
                    time: self.time,
                };
                if shape.len() == 1 {
                    row.item(0)
                } else {
                    Value::NdArray(Arc::new(row))
                }
            })
            .collect())
    }

    /// numpy's `repr()`.
    pub(crate) fn repr(&self) -> String {
        self.repr_with(PrintOptions::NUMPY)
    }

    /// numpy's `repr()` under `opts`: shape and dtype follow the values when they cannot be
    /// told from them, on a line of their own if the last line has no room.
    pub(crate) fn repr_with(&self, opts: PrintOptions) -> String {
        let shape = self.block.shape();
        let empty = self.block.is_empty();
        let mut extras = Vec::new();
        if (empty && shape != [0]) || self.block.len() > opts.threshold {
            extras.push(format!("shape={}", shape_text(shape)));
        }
        match self.dtype_name() {
            "float64" | "int64" | "bool" if !empty => {}
            "datetime64[ns]" => extras.push("dtype='datetime64[ns]'".to_owned()),
            other => extras.push(format!("dtype={other}")),
        }
        let body = if empty {
            "[]".to_owned()
        } else {
            self.render(", ", "array(", 1, opts)
        };
        if extras.is_empty() {
            return format!("array({body})");
        }
        let head = format!("array({body},");
        let extra = format!("{})", extras.join(", "));
        let last_line = head.rsplit('\n').next().unwrap_or_default().len();
        let spacer = if last_line + extra.len() + 1 > opts.linewidth {
            "\n      "
        } else {
            " "
        };
        format!("{head}{spacer}{extra}")
    }

    /// numpy's `str()`: `[1. 2. 3.]`; a 0-d array prints as its scalar (`0.0`, a datetime
    /// without quotes).
    pub(crate) fn to_str(&self) -> String {
        let text = self.render(" ", "", 0, PrintOptions::NUMPY);
        if !self.block.shape().is_empty() {
            return text;
        }
        if self.time.is_some() {
            return text.trim_matches('\'').to_owned();
        }
        match self.block.as_ref() {
            Block::F32(a) => a
                .iter()
                .next()
                .map_or(text, |&x| super::value::float32_repr(x)),
            _ => self.item(0).to_str(),
        }
    }

    /// numpy's `array2string` with `prefix` before and `suffix` characters after.
    fn render(&self, sep: &str, prefix: &str, suffix: usize, opts: PrintOptions) -> String {
        let shape = self.block.shape().to_vec();
        let summarize = self.block.len() > opts.threshold;
        let edge = if summarize {
            opts.edgeitems
        } else {
            usize::MAX
        };
        // Only the shown elements are read: a summarized array of any size prints at once.
        let strides = c_strides(&shape);
        let at = |i: usize| -> Vec<usize> {
            strides
                .iter()
                .zip(&shape)
                .map(|(&stride, &n)| (i / stride) % n.max(1))
                .collect()
        };
        let shown = shown_indices(&shape, edge);
        let shown_values: Vec<f64> = shown.iter().map(|&i| self.block.f64_at(&at(i))).collect();
        let integer = !self.block.dtype().is_float() && self.block.dtype() != DType::Bool;
        let shown_ints: Option<Vec<i128>> = integer.then(|| {
            shown
                .iter()
                .map(|&i| self.block.i128_at(&at(i)).unwrap_or(0))
                .collect()
        });
        let fmt = Formatter::new(self, &shown_values, shown_ints.as_deref(), opts.precision);
        let ctx = Render {
            shape: &shape,
            strides: &strides,
            edge,
            sep,
            cell: &|i| {
                let index = at(i);
                fmt.format(self.block.f64_at(&index), self.block.i128_at(&index))
            },
        };
        let hanging = " ".repeat(prefix.len() + 1);
        ctx.array(0, 0, &hanging, opts.linewidth.saturating_sub(suffix))
    }
}

/// How many items iterating an array of `shape` (numpy or xarray) gives: numpy's error for a
/// 0-d array, and a refusal past what a cell may hold.
pub(crate) fn row_count(shape: &[usize]) -> Res<usize> {
    let &n = shape
        .first()
        .ok_or_else(|| Exc::type_error("iteration over a 0-d array"))?;
    if n > MAX_ITEMS {
        return Err(Exc::new(
            ExcKind::MemoryError,
            format!("array of {n} rows is too large to iterate in a cell"),
        ));
    }
    Ok(n)
}

/// A block's elements as `i64`: integers exactly (never through `f64`, which rounds past
/// 2**53), saturated past `i64`; floats truncated; bools 0 and 1.
fn exact_ints(block: &Block) -> Box<dyn Iterator<Item = i64> + '_> {
    let sat = |v: i128| i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX });
    match block {
        Block::I64(a) => Box::new(a.iter().copied()),
        Block::U64(a) => Box::new(a.iter().map(move |&v| sat(i128::from(v)))),
        #[allow(clippy::cast_possible_truncation)]
        other => {
            with_block!(other, a => Box::new(a.iter().map(|&x| crate::model::ToF64::to_f64(x) as i64)))
        }
    }
}

fn c_strides(shape: &[usize]) -> Vec<usize> {
    let mut strides = vec![1; shape.len()];
    for i in (0..shape.len().saturating_sub(1)).rev() {
        strides[i] = strides[i + 1] * shape[i + 1];
    }
    strides
}

/// Positions shown along an axis of `n` items, `edge` kept at each end of an elided one.
fn axis_positions(n: usize, edge: usize) -> Vec<Option<usize>> {
    if n > edge.saturating_mul(2) {
        (0..edge)
            .map(Some)
            .chain(std::iter::once(None))
            .chain((n - edge..n).map(Some))
            .collect()
    } else {
        (0..n).map(Some).collect()
    }
}

/// Flat indices of every element that will be printed.
fn shown_indices(shape: &[usize], edge: usize) -> Vec<usize> {
    let strides = c_strides(shape);
    let mut out = vec![0usize];
    for (axis, &n) in shape.iter().enumerate() {
        let pos: Vec<usize> = axis_positions(n, edge).into_iter().flatten().collect();
        let stride = strides[axis];
        out = out
            .iter()
            .flat_map(|&base| pos.iter().map(move |&p| base + p * stride))
            .collect();
    }
    out
}

struct Render<'a> {
    shape: &'a [usize],
    strides: &'a [usize],
    edge: usize,
    sep: &'a str,
    cell: &'a dyn Fn(usize) -> String,
}

impl Render<'_> {
    /// numpy's `_formatArray` recursion: the bracketed text of the sub-array at `axis` from
    /// flat `offset`, its lines after the first indented by `hanging`, within `width`.
    fn array(&self, axis: usize, offset: usize, hanging: &str, width: usize) -> String {
        if axis == self.shape.len() {
            return (self.cell)(offset);
        }
        let positions = axis_positions(self.shape[axis], self.edge);
        let stride = self.strides[axis];
        let mut s = String::new();
        if axis + 1 == self.shape.len() {
            let elem_width = width.saturating_sub(self.sep.trim_end().len().max(1));
            let mut line = hanging.to_owned();
            for (k, p) in positions.iter().enumerate() {
                let word = p.map_or_else(|| "...".to_owned(), |p| (self.cell)(offset + p * stride));
                // numpy wraps before a word that overflows, unless the line holds nothing yet.
                if line.len() + word.len() > elem_width && line.len() > hanging.len() {
                    s.push_str(line.trim_end());
                    s.push('\n');
                    hanging.clone_into(&mut line);
                }
                line.push_str(&word);
                if k + 1 < positions.len() {
                    line.push_str(self.sep);
                }
            }
            s.push_str(&line);
        } else {
            let inner = format!("{hanging} ");
            let line_sep = format!(
                "{}{}",
                self.sep.trim_end(),
                "\n".repeat(self.shape.len() - axis - 1)
            );
            for (k, p) in positions.iter().enumerate() {
                if k > 0 {
                    s.push_str(&line_sep);
                }
                s.push_str(hanging);
                match p {
                    Some(p) => {
                        let sub = self.array(axis + 1, offset + p * stride, &inner, width - 1);
                        s.push_str(&sub);
                    }
                    None => s.push_str("..."),
                }
            }
        }
        format!("[{}]", s.get(hanging.len()..).unwrap_or_default())
    }
}

/// How every element of one array is written, with numpy's shared widths and precision.
enum Formatter {
    Bool,
    Int(usize),
    Time(TimeScale),
    Fixed {
        left: usize,
        right: usize,
        f32: bool,
        precision: usize,
    },
    Sci {
        digits: usize,
        width: usize,
    },
}

/// numpy's `maxprec` digits: the shortest text that reads back as the same value (of the
/// array's own precision), unless that needs more than 8 digits, then rounded to 8 with
/// trailing zeros dropped. `sci` picks the scientific form.
fn maxprec(x: f64, f32: bool, sci: bool, p: usize) -> String {
    #[allow(clippy::cast_possible_truncation)]
    let (shortest, rounded) = match (f32, sci) {
        (true, false) => (format!("{}", x as f32), format!("{:.p$}", x as f32)),
        (true, true) => (format!("{:e}", x as f32), format!("{:.p$e}", x as f32)),
        (false, false) => (format!("{x}"), format!("{x:.p$}")),
        (false, true) => (format!("{x:e}"), format!("{x:.p$e}")),
    };
    let frac_len = |s: &str| {
        let body = s.split_once('e').map_or(s, |(m, _)| m);
        body.split_once('.').map_or(0, |(_, f)| f.len())
    };
    let digits = frac_len(&shortest);
    if digits <= p {
        // As many digits as the shortest form, rounded half to even as numpy's Dragon4 does
        // where two shortest forms are equally near (16.7265625f32 is `16.726562`).
        #[allow(clippy::cast_possible_truncation)]
        return match (f32, sci) {
            (true, false) => format!("{:.digits$}", x as f32),
            (true, true) => format!("{:.digits$e}", x as f32),
            (false, false) => format!("{x:.digits$}"),
            (false, true) => format!("{x:.digits$e}"),
        };
    }
    match rounded.split_once('e') {
        Some((m, e)) => format!("{}e{e}", trim_zeros(m)),
        None => trim_zeros(&rounded).to_owned(),
    }
}

/// `1.2500` -> `1.25`, `2.000` -> `2.`
fn trim_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0')
    } else {
        s
    }
}

/// Integer part and fractional digits of `x` in fixed notation ([`maxprec`]).
fn fixed_parts(x: f64, f32: bool, p: usize) -> (String, String) {
    let s = maxprec(x, f32, false, p);
    let (int, frac) = s.split_once('.').unwrap_or((&s, ""));
    (int.to_owned(), frac.trim_end_matches('0').to_owned())
}

/// Mantissa digits after the point in scientific notation ([`maxprec`]).
fn sci_digits(x: f64, f32: bool, p: usize) -> usize {
    let s = maxprec(x, f32, true, p);
    let mantissa = s.split_once('e').map_or(s.as_str(), |(m, _)| m);
    mantissa
        .split_once('.')
        .map_or(0, |(_, f)| f.trim_end_matches('0').len())
}

impl Formatter {
    /// The format of `shown` values (`shown_ints`: the same, exactly, for integer arrays).
    fn new(a: &NdArray, shown: &[f64], shown_ints: Option<&[i128]>, precision: usize) -> Self {
        if let Some(scale) = a.time {
            return Self::Time(scale);
        }
        let dtype = a.block.dtype();
        if dtype == crate::model::DType::Bool {
            return Self::Bool;
        }
        if let Some(ints) = shown_ints {
            let width = ints.iter().map(|x| x.to_string().len()).max().unwrap_or(1);
            return Self::Int(width);
        }
        let f32 = dtype == crate::model::DType::F32;
        let finite: Vec<f64> = shown.iter().copied().filter(|x| x.is_finite()).collect();
        let special = shown
            .iter()
            .map(|x| {
                if x.is_nan() {
                    3
                } else if x.is_infinite() {
                    3 + usize::from(*x < 0.0)
                } else {
                    0
                }
            })
            .max()
            .unwrap_or(0);
        let abs: Vec<f64> = finite
            .iter()
            .map(|x| x.abs())
            .filter(|&x| x != 0.0)
            .collect();
        let max = abs.iter().copied().fold(0.0, f64::max);
        let min = abs.iter().copied().fold(f64::INFINITY, f64::min);
        let sci = !abs.is_empty() && (max >= 1e8 || min < 1e-4 || max / min > 1e3);
        if sci {
            let digits = finite
                .iter()
                .map(|&x| sci_digits(x, f32, precision))
                .max()
                .unwrap_or(0);
            let width = finite
                .iter()
                .map(|&x| sci_text(x, digits).len())
                .max()
                .unwrap_or(0)
                .max(special);
            return Self::Sci { digits, width };
        }
        let parts: Vec<(String, String)> = finite
            .iter()
            .map(|&x| fixed_parts(x, f32, precision))
            .collect();
        let left = parts.iter().map(|p| p.0.len()).max().unwrap_or(0);
        let right = parts.iter().map(|p| p.1.len()).max().unwrap_or(0);
        let left = left.max(special.saturating_sub(right + 1));
        Self::Fixed {
            left,
            right,
            f32,
            precision,
        }
    }

    /// One element's text: `x`, or `exact` for an integer array (times are int64 ticks).
    fn format(&self, x: f64, exact: Option<i128>) -> String {
        #[allow(clippy::cast_possible_truncation)]
        let int = || exact.unwrap_or(x as i128);
        #[allow(clippy::cast_possible_truncation)] // ticks are int64
        let ticks = || int() as i64;
        match self {
            Self::Bool => {
                let s = if x == 0.0 { "False" } else { "True" };
                format!("{s:>5}")
            }
            Self::Int(w) => format!("{:>w$}", int()),
            Self::Time(scale) if scale.is_datetime64() => {
                format!("'{}'", scale.format_element(ticks()))
            }
            Self::Time(scale) => scale.format_element(ticks()),
            Self::Fixed {
                left,
                right,
                f32,
                precision,
            } => {
                if !x.is_finite() {
                    return format!("{:>w$}", special_text(x), w = left + right + 1);
                }
                let (int, frac) = fixed_parts(x, *f32, *precision);
                format!("{int:>left$}.{frac:<right$}")
            }
            Self::Sci { digits, width } => {
                let s = if x.is_finite() {
                    sci_text(x, *digits)
                } else {
                    special_text(x).to_owned()
                };
                format!("{s:>width$}")
            }
        }
    }
}

fn special_text(x: f64) -> &'static str {
    if x.is_nan() {
        "nan"
    } else if x > 0.0 {
        "inf"
    } else {
        "-inf"
    }
}

/// `1.5e+00`: `digits` mantissa digits and a two-digit signed exponent, as numpy writes.
fn sci_text(x: f64, digits: usize) -> String {
    let s = format!("{x:.digits$e}");
    let (m, e) = s.split_once('e').unwrap_or((&s, "0"));
    let e: i32 = e.parse().unwrap_or(0);
    let m = if digits == 0 {
        format!("{m}.")
    } else {
        m.to_owned()
    };
    format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::ArrayD;

    fn arr(shape: &[usize], v: Vec<f64>, f32: bool) -> NdArray {
        let a =
            ArrayD::from_shape_vec(shape.to_vec(), v).unwrap_or_else(|_| ArrayD::zeros(vec![0]));
        let block = if f32 {
            Block::from_f64(a, crate::model::DType::F32)
        } else {
            Block::F64(a)
        };
        NdArray {
            block: Arc::new(block),
            time: None,
        }
    }

    #[test]
    fn small_arrays_look_like_numpy() {
        assert_eq!(
            arr(&[3], vec![1.0, 2.5, f64::NAN], false).repr(),
            "array([1. , 2.5, nan])"
        );
        assert_eq!(
            arr(&[2, 2], vec![1.0, 2.0, 3.0, 4.0], true).repr(),
            "array([[1., 2.],\n       [3., 4.]], dtype=float32)"
        );
        assert_eq!(
            arr(&[2], vec![1e20, 2e20], false).repr(),
            "array([1.e+20, 2.e+20])"
        );
        assert_eq!(
            arr(&[], vec![0.5], true).repr(),
            "array(0.5, dtype=float32)"
        );
        assert_eq!(arr(&[3], vec![1.0, 2.0, 3.0], false).to_str(), "[1. 2. 3.]");
        let i = NdArray {
            block: Arc::new(Block::I64(
                ArrayD::from_shape_vec(vec![3], vec![1, -20, 3])
                    .unwrap_or_else(|_| ArrayD::zeros(vec![0])),
            )),
            time: None,
        };
        assert_eq!(i.repr(), "array([  1, -20,   3])");
    }

    #[test]
    fn large_arrays_are_summarized() {
        #[allow(clippy::cast_precision_loss)]
        let a = arr(&[2000], (1000..3000).map(f64::from).collect(), false);
        assert_eq!(
            a.repr(),
            "array([1000., 1001., 1002., ..., 2997., 2998., 2999.], shape=(2000,))"
        );
        #[allow(clippy::cast_precision_loss)]
        let a = arr(&[2000], (0..2000).map(f64::from).collect(), false);
        assert_eq!(a.repr(), "array([0.000e+00, 1.000e+00, 2.000e+00, ..., 1.997e+03, 1.998e+03,\n       1.999e+03], shape=(2000,))");
        #[allow(clippy::cast_precision_loss)]
        let b = arr(
            &[100, 100],
            (0..10_000).map(|i| f64::from(i % 7)).collect(),
            false,
        );
        let r = b.repr();
        assert!(
            r.starts_with("array([[0., 1., 2., ..., 6., 0., 1.],"),
            "{r}"
        );
        assert!(r.contains("\n       ...,\n"), "{r}");
    }
}
