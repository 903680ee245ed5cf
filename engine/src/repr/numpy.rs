//! numpy's text forms of a computed array: `repr()` (`array([[1. , 2.5, ...]], dtype=float32)`)
//! and `str()` (`[1. 2.5 nan]`), with numpy's shared widths and precision, summarized like
//! numpy beyond `threshold` elements. Only the shown elements are read.

use crate::coding::{Meaning, TimeScale};
use crate::model::Labels;
use crate::model::{shape_text, Block, DType};
use crate::repr::python::str_repr;

/// The numpy print options (`np.set_printoptions`) that reprs set.
#[derive(Debug, Clone, Copy)]
pub struct PrintOptions {
    /// At most this many digits after the point (`precision`).
    pub precision: usize,
    /// Characters per line (`linewidth`).
    pub linewidth: usize,
    /// Arrays of more elements are elided with `...` (`threshold`).
    pub threshold: usize,
    /// Items kept at each end of an elided axis (`edgeitems`).
    pub edgeitems: usize,
}

impl PrintOptions {
    /// numpy's defaults.
    pub const NUMPY: Self = Self {
        precision: 8,
        linewidth: 75,
        threshold: 1000,
        edgeitems: 3,
    };
}

/// numpy's dtype name of `block`, whose values stand for `meaning`.
pub fn dtype_name(block: &Block, meaning: &Meaning) -> &'static str {
    meaning.dtype_name().unwrap_or_else(|| block.dtype().name())
}

/// numpy's `repr()` under `opts`: shape and dtype follow the values when they cannot be told
/// from them, on a line of their own if the last line has no room.
pub fn array_repr(block: &Block, meaning: &Meaning, opts: PrintOptions) -> String {
    let shape = block.shape();
    let empty = block.is_empty();
    let mut extras = Vec::new();
    if (empty && shape != [0]) || block.len() > opts.threshold {
        extras.push(format!("shape={}", shape_text(shape)));
    }
    match dtype_name(block, meaning) {
        "float64" | "int64" | "bool" if !empty => {}
        d if d.starts_with("datetime64") || d.starts_with('<') => {
            extras.push(format!("dtype='{d}'"));
        }
        other => extras.push(format!("dtype={other}")),
    }
    let body = if empty {
        "[]".to_owned()
    } else {
        render(block, meaning, ", ", "array(", 1, opts)
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

/// numpy's `array2string` with `sep` between items, as `str()` writes it (`[1. 2. 3.]`); a 0-d
/// array gives its one element in the array's shared format (Python's scalar `str()` may
/// differ: callers print 0-d arrays of numbers as scalars).
pub fn array_str(block: &Block, meaning: &Meaning, opts: PrintOptions) -> String {
    render(block, meaning, " ", "", 0, opts)
}

/// numpy's `array2string` with `prefix` before and `suffix` characters after.
fn render(
    block: &Block,
    meaning: &Meaning,
    sep: &str,
    prefix: &str,
    suffix: usize,
    opts: PrintOptions,
) -> String {
    let shape = block.shape().to_vec();
    let summarize = block.len() > opts.threshold;
    let edge = if summarize {
        opts.edgeitems
    } else {
        usize::MAX
    };
    let strides = c_strides(&shape);
    let at = |i: usize| -> Vec<usize> {
        strides
            .iter()
            .zip(&shape)
            .map(|(&stride, &n)| (i / stride) % n.max(1))
            .collect()
    };
    let shown = shown_indices(&shape, edge);
    let shown_values: Vec<f64> = shown.iter().map(|&i| block.f64_at(&at(i))).collect();
    let integer = !block.dtype().is_float() && block.dtype() != DType::Bool;
    let shown_ints: Option<Vec<i128>> = integer.then(|| {
        shown
            .iter()
            .map(|&i| block.i128_at(&at(i)).unwrap_or(0))
            .collect()
    });
    let fmt = Formatter::new(
        block.dtype(),
        meaning,
        &shown_values,
        shown_ints.as_deref(),
        opts.precision,
    );
    let ctx = Render {
        shape: &shape,
        strides: &strides,
        edge,
        sep,
        cell: &|i| {
            let index = at(i);
            fmt.format(block.f64_at(&index), block.i128_at(&index))
        },
    };
    let hanging = " ".repeat(prefix.len() + 1);
    ctx.array(0, 0, &hanging, opts.linewidth.saturating_sub(suffix))
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
    /// Codes of strings, each shown as Python's `repr()` of its string.
    Text(Labels),
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
    fn new(
        dtype: DType,
        meaning: &Meaning,
        shown: &[f64],
        shown_ints: Option<&[i128]>,
        precision: usize,
    ) -> Self {
        match meaning {
            Meaning::Dates(scale) => return Self::Time(*scale),
            Meaning::Text(labels) => return Self::Text(labels.clone()),
            Meaning::Numbers => {}
        }
        if dtype == DType::Bool {
            return Self::Bool;
        }
        if let Some(ints) = shown_ints {
            let width = ints.iter().map(|x| x.to_string().len()).max().unwrap_or(1);
            return Self::Int(width);
        }
        let f32 = dtype == DType::F32;
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
            // A code in no table is a missing value, NaN in xarray's object arrays.
            Self::Text(labels) => labels
                .text(ticks())
                .map_or_else(|| "nan".to_owned(), str_repr),
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

    fn repr(block: &Block) -> String {
        array_repr(block, &Meaning::Numbers, PrintOptions::NUMPY)
    }

    fn arr(shape: &[usize], v: Vec<f64>, f32: bool) -> Block {
        let a =
            ArrayD::from_shape_vec(shape.to_vec(), v).unwrap_or_else(|_| ArrayD::zeros(vec![0]));
        if f32 {
            Block::from_f64(a, DType::F32)
        } else {
            Block::F64(a)
        }
    }

    #[test]
    fn small_arrays_look_like_numpy() {
        assert_eq!(
            repr(&arr(&[3], vec![1.0, 2.5, f64::NAN], false)),
            "array([1. , 2.5, nan])"
        );
        assert_eq!(
            repr(&arr(&[2, 2], vec![1.0, 2.0, 3.0, 4.0], true)),
            "array([[1., 2.],\n       [3., 4.]], dtype=float32)"
        );
        assert_eq!(
            repr(&arr(&[2], vec![1e20, 2e20], false)),
            "array([1.e+20, 2.e+20])"
        );
        assert_eq!(
            repr(&arr(&[], vec![0.5], true)),
            "array(0.5, dtype=float32)"
        );
        assert_eq!(
            array_str(
                &arr(&[3], vec![1.0, 2.0, 3.0], false),
                &Meaning::Numbers,
                PrintOptions::NUMPY
            ),
            "[1. 2. 3.]"
        );
        let i = Block::I64(
            ArrayD::from_shape_vec(vec![3], vec![1, -20, 3])
                .unwrap_or_else(|_| ArrayD::zeros(vec![0])),
        );
        assert_eq!(repr(&i), "array([  1, -20,   3])");
    }

    #[test]
    fn large_arrays_are_summarized() {
        #[allow(clippy::cast_precision_loss)]
        let a = arr(&[2000], (1000..3000).map(f64::from).collect(), false);
        assert_eq!(
            repr(&a),
            "array([1000., 1001., 1002., ..., 2997., 2998., 2999.], shape=(2000,))"
        );
        #[allow(clippy::cast_precision_loss)]
        let a = arr(&[2000], (0..2000).map(f64::from).collect(), false);
        assert_eq!(repr(&a), "array([0.000e+00, 1.000e+00, 2.000e+00, ..., 1.997e+03, 1.998e+03,\n       1.999e+03], shape=(2000,))");
        #[allow(clippy::cast_precision_loss)]
        let b = arr(
            &[100, 100],
            (0..10_000).map(|i| f64::from(i % 7)).collect(),
            false,
        );
        let r = repr(&b);
        assert!(
            r.starts_with("array([[0., 1., 2., ..., 6., 0., 1.],"),
            "{r}"
        );
        assert!(r.contains("\n       ...,\n"), "{r}");
    }
}
