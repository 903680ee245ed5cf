//! `MapOp`: the element-wise operations of the plan, their values on one element (numpy's
//! semantics, computed in `f64`), their inputs and numpy's result dtype for one input.

use crate::model::DType;
use ndarray::{ArrayD, ArrayViewD, Axis, IxDyn, Zip};

/// Element-wise operations; each takes the listed number of inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum MapOp {
    /// `-x`.
    Neg,
    /// `abs(x)`.
    Abs,
    /// `sqrt(x)`.
    Sqrt,
    /// `exp(x)`.
    Exp,
    /// Natural log.
    Log,
    /// `isnan(x)`.
    IsNan,
    /// `isfinite(x)`: neither NaN nor infinite.
    IsFinite,
    /// `sin(x)`, radians.
    Sin,
    /// `cos(x)`, radians.
    Cos,
    /// `tan(x)`, radians.
    Tan,
    /// `arcsin(x)`, radians.
    ArcSin,
    /// `arccos(x)`, radians.
    ArcCos,
    /// `arctan(x)`, radians.
    ArcTan,
    /// Degrees to radians.
    Deg2Rad,
    /// Radians to degrees.
    Rad2Deg,
    /// Base-10 log.
    Log10,
    /// Largest integer not above `x`.
    Floor,
    /// Smallest integer not below `x`.
    Ceil,
    /// `-1`, `0` or `1` by the sign of `x` (NaN stays NaN).
    Sign,
    /// `~x` on booleans.
    Not,
    /// `a + b`.
    Add,
    /// `a - b`.
    Sub,
    /// `a * b`.
    Mul,
    /// `a / b`.
    Div,
    /// `a ** b`.
    Pow,
    /// `a // b` on floats, numpy's way: `x // 0` is ±inf (NaN for `0 // 0`).
    FloorDiv,
    /// `a % b` on floats with the sign of `b`, numpy's way: `x % 0` is NaN.
    Mod,
    /// `a // b` on integers: `x // 0` is 0, as numpy's integer loops give.
    IntFloorDiv,
    /// `a % b` on integers with the sign of `b`: `x % 0` is 0, as numpy's integer loops give.
    IntMod,
    /// `a > b`.
    Gt,
    /// `a >= b`.
    Ge,
    /// `a < b`.
    Lt,
    /// `a <= b`.
    Le,
    /// `a == b`.
    Eq,
    /// `a != b`.
    Ne,
    /// `a & b` on booleans.
    And,
    /// `a | b` on booleans.
    Or,
    /// `b` where `a` is NaN, else `a` (fillna).
    FillNa,
    /// `where(cond, x, other)`: three inputs.
    Where,
    /// The value as the dtype holds it (`astype`; also the identity of transpose/expand_dims).
    Cast(DType),
    /// numpy's `round(a, decimals=b)`: half to even, `b` may be negative.
    Round,
    /// `clip(a, min=b, max=c)`; a NaN bound is no bound, a NaN value stays NaN.
    Clip,
}

impl MapOp {
    /// Applies the operation to one element of each input (computations run in `f64`).
    #[inline]
    #[allow(clippy::float_cmp)] // == and != on values are the operations themselves
    pub fn apply(self, a: f64, b: f64, c: f64) -> f64 {
        let truth = |x: f64| x != 0.0 && !x.is_nan();
        let flag = |p: bool| if p { 1.0 } else { 0.0 };
        match self {
            MapOp::Neg => -a,
            MapOp::Abs => a.abs(),
            MapOp::Sqrt => a.sqrt(),
            MapOp::Exp => a.exp(),
            MapOp::Log => a.ln(),
            MapOp::IsNan => flag(a.is_nan()),
            MapOp::IsFinite => flag(a.is_finite()),
            MapOp::Sin => a.sin(),
            MapOp::Cos => a.cos(),
            MapOp::Tan => a.tan(),
            MapOp::ArcSin => a.asin(),
            MapOp::ArcCos => a.acos(),
            MapOp::ArcTan => a.atan(),
            MapOp::Deg2Rad => a.to_radians(),
            MapOp::Rad2Deg => a.to_degrees(),
            MapOp::Log10 => a.log10(),
            MapOp::Floor => a.floor(),
            MapOp::Ceil => a.ceil(),
            MapOp::Sign => {
                if a > 0.0 {
                    1.0
                } else if a < 0.0 {
                    -1.0
                } else if a == 0.0 {
                    0.0
                } else {
                    a
                }
            }
            MapOp::Not => flag(!truth(a)),
            MapOp::Add => a + b,
            MapOp::Sub => a - b,
            MapOp::Mul => a * b,
            MapOp::Div => a / b,
            MapOp::Pow => a.powf(b),
            MapOp::FloorDiv => float_divmod(a, b).0,
            MapOp::Mod => float_divmod(a, b).1,
            MapOp::IntFloorDiv => int_divmod(a, b).0,
            MapOp::IntMod => int_divmod(a, b).1,
            MapOp::Gt => flag(a > b),
            MapOp::Ge => flag(a >= b),
            MapOp::Lt => flag(a < b),
            MapOp::Le => flag(a <= b),
            MapOp::Eq => flag(a == b),
            MapOp::Ne => flag(a != b),
            MapOp::And => flag(truth(a) && truth(b)),
            MapOp::Or => flag(truth(a) || truth(b)),
            MapOp::FillNa => {
                if a.is_nan() {
                    b
                } else {
                    a
                }
            }
            MapOp::Where => {
                if truth(a) {
                    b
                } else {
                    c
                }
            }
            MapOp::Cast(dtype) => cast(a, dtype),
            MapOp::Round => round(a, b),
            MapOp::Clip => clip(a, b, c),
        }
    }

    /// The operation over whole operands: each comes with, per axis, the output axis it maps
    /// to, and is broadcast to `shape` (the output's).
    pub fn apply_arrays(
        self,
        operands: Vec<(ArrayD<f64>, &[usize])>,
        shape: &[usize],
    ) -> ArrayD<f64> {
        let laid: Vec<ArrayD<f64>> = operands
            .into_iter()
            .map(|(values, axes)| on_output_axes(values, axes, shape.len()))
            .collect();
        let view = |i: usize| -> ArrayViewD<'_, f64> {
            laid[i]
                .broadcast(IxDyn(shape))
                .unwrap_or_else(|| unreachable!("operands are laid out to broadcast"))
        };
        let mut out = ArrayD::<f64>::zeros(IxDyn(shape));
        match laid.len() {
            1 => Zip::from(&mut out)
                .and(&view(0))
                .for_each(|o, &a| *o = self.apply(a, 0.0, 0.0)),
            2 => Zip::from(&mut out)
                .and(&view(0))
                .and(&view(1))
                .for_each(|o, &a, &b| *o = self.apply(a, b, 0.0)),
            _ => Zip::from(&mut out)
                .and(&view(0))
                .and(&view(1))
                .and(&view(2))
                .for_each(|o, &a, &b, &c| *o = self.apply(a, b, c)),
        }
        out
    }

    /// How many inputs the operation takes.
    pub fn arity(self) -> usize {
        match self {
            _ if self.is_float_function() => 1,
            MapOp::Neg
            | MapOp::Abs
            | MapOp::IsNan
            | MapOp::IsFinite
            | MapOp::Floor
            | MapOp::Ceil
            | MapOp::Sign
            | MapOp::Not
            | MapOp::Cast(_) => 1,
            MapOp::Where | MapOp::Clip => 3,
            _ => 2,
        }
    }

    /// Whether this is a float function of one input (`sqrt`, `log`, `sin`, ...), which numpy
    /// computes in floats whatever the input.
    fn is_float_function(self) -> bool {
        matches!(
            self,
            MapOp::Sqrt
                | MapOp::Exp
                | MapOp::Log
                | MapOp::Sin
                | MapOp::Cos
                | MapOp::Tan
                | MapOp::ArcSin
                | MapOp::ArcCos
                | MapOp::ArcTan
                | MapOp::Deg2Rad
                | MapOp::Rad2Deg
                | MapOp::Log10
        )
    }

    /// Whether this compares two values or combines two truths (`>`, `==`, `&`, ...): a bool
    /// result whatever the inputs' dtypes.
    pub fn is_predicate(self) -> bool {
        matches!(
            self,
            MapOp::Gt
                | MapOp::Ge
                | MapOp::Lt
                | MapOp::Le
                | MapOp::Eq
                | MapOp::Ne
                | MapOp::And
                | MapOp::Or
        )
    }

    /// numpy's result dtype for a one-input op: float functions of integers give floats
    /// (float32 for small integers, as numpy's float16 is not an engine dtype), tests give
    /// bools, and `-`, `abs`, `floor`, `ceil`, `sign` keep the dtype. `None` for ops with more
    /// inputs, and where numpy has no loop (`sign` of bools).
    pub fn unary_dtype(self, input: DType) -> Option<DType> {
        use DType::{Bool, F32, F64, I16, I8, U16, U8};
        match self {
            _ if self.is_float_function() => Some(match input {
                F32 | Bool | I8 | U8 | I16 | U16 => F32,
                _ => F64,
            }),
            MapOp::IsFinite | MapOp::IsNan | MapOp::Not => Some(Bool),
            MapOp::Neg | MapOp::Abs | MapOp::Floor | MapOp::Ceil => Some(input),
            MapOp::Sign if input != Bool => Some(input),
            MapOp::Cast(dtype) => Some(dtype),
            _ => None,
        }
    }
}

/// numpy's `divmod` for floats (`npy_divmod`): the floor quotient, snapped to the nearest
/// integer, and the remainder with the sign of `b`. `x // 0` is `x / 0`; `x % 0` is NaN.
#[allow(clippy::float_cmp)] // exact zero tests are numpy's own
fn float_divmod(a: f64, b: f64) -> (f64, f64) {
    let mut m = a % b;
    if b == 0.0 {
        return (a / b, m);
    }
    let mut div = (a - m) / b;
    if m == 0.0 {
        m = 0.0_f64.copysign(b);
    } else if (b < 0.0) != (m < 0.0) {
        m += b;
        div -= 1.0;
    }
    let floordiv = if div == 0.0 {
        0.0_f64.copysign(a / b)
    } else {
        let f = div.floor();
        if div - f > 0.5 {
            f + 1.0
        } else {
            f
        }
    };
    (floordiv, m)
}

/// numpy's integer `//` and `%` on values held as `f64`: floor division and a remainder with
/// the sign of `b`; division by zero gives 0 for both.
#[allow(clippy::float_cmp)]
fn int_divmod(a: f64, b: f64) -> (f64, f64) {
    if b == 0.0 {
        return (0.0, 0.0);
    }
    // `a / b` rounds, so its floor can be one too high; the remainder's sign tells.
    let q = (a / b).floor();
    let r = a - q * b;
    if r != 0.0 && (r < 0.0) != (b < 0.0) {
        (q - 1.0, r + b)
    } else {
        (q, r)
    }
}

/// An operand's values laid out on the output's axes (missing axes of length 1).
fn on_output_axes(values: ArrayD<f64>, axes: &[usize], ndim: usize) -> ArrayD<f64> {
    let mut order: Vec<usize> = (0..axes.len()).collect();
    order.sort_by_key(|&i| axes[i]);
    let mut v = values.permuted_axes(IxDyn(&order));
    let mut present: Vec<usize> = axes.to_vec();
    present.sort_unstable();
    for o in 0..ndim {
        if present.binary_search(&o).is_err() {
            v.insert_axis_inplace(Axis(o));
        }
    }
    v
}

/// `x` as `dtype` holds it, back in `f64`: integers truncate toward zero and saturate (NaN
/// becomes 0), as `Block::from_f64` stores them, so later operations see the cast values.
#[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
#[allow(clippy::cast_precision_loss, clippy::cast_lossless)]
fn cast(x: f64, dtype: DType) -> f64 {
    match dtype {
        DType::Bool => f64::from(u8::from(x != 0.0)),
        DType::I8 => f64::from(x as i8),
        DType::I16 => f64::from(x as i16),
        DType::I32 => f64::from(x as i32),
        DType::I64 => (x as i64) as f64,
        DType::U8 => f64::from(x as u8),
        DType::U16 => f64::from(x as u16),
        DType::U32 => f64::from(x as u32),
        DType::U64 => (x as u64) as f64,
        DType::F32 => f64::from(x as f32),
        DType::F64 => x,
    }
}

/// numpy's `round(x, decimals)`: scale, round half to even, unscale.
fn round(x: f64, decimals: f64) -> f64 {
    if decimals >= 0.0 {
        let f = 10f64.powf(decimals);
        (x * f).round_ties_even() / f
    } else {
        let f = 10f64.powf(-decimals);
        (x / f).round_ties_even() * f
    }
}

/// numpy's `clip(x, lo, hi)` with NaN standing for a missing bound.
fn clip(x: f64, lo: f64, hi: f64) -> f64 {
    let x = if lo.is_nan() || x.is_nan() || x >= lo {
        x
    } else {
        lo
    };
    if hi.is_nan() || x.is_nan() || x <= hi {
        x
    } else {
        hi
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::float_cmp, reason = "exact results are the point")]
    fn round_and_clip_follow_numpy() {
        // Checked against numpy 2.4: np.round([0.5, 1.5, 2.5, -0.5, 1.25], 1), np.round(15, -1).
        assert_eq!(round(0.5, 0.0), 0.0);
        assert_eq!(round(1.5, 0.0), 2.0);
        assert_eq!(round(2.5, 0.0), 2.0);
        assert_eq!(round(-0.5, 0.0), -0.0);
        assert_eq!(round(1.25, 1.0), 1.2);
        assert_eq!(round(15.0, -1.0), 20.0);
        assert_eq!(round(25.0, -1.0), 20.0);
        assert_eq!(clip(5.0, 0.0, 2.0), 2.0);
        assert_eq!(clip(-1.0, 0.0, f64::NAN), 0.0);
        assert!(clip(f64::NAN, 0.0, 1.0).is_nan());
        assert_eq!(cast(-1.7, DType::I32), -1.0);
        assert_eq!(cast(300.0, DType::U8), 255.0);
    }

    #[test]
    #[allow(clippy::float_cmp, reason = "exact results are the point")]
    fn floor_division_and_modulo_follow_numpy() {
        // Values checked against numpy 2.4.
        let divmod = |div: MapOp, rem: MapOp| {
            move |a: f64, b: f64| (div.apply(a, b, 0.0), rem.apply(a, b, 0.0))
        };
        let f = divmod(MapOp::FloorDiv, MapOp::Mod);
        assert_eq!(f(7.5, 2.0), (3.0, 1.5));
        assert_eq!(f(-7.5, 2.0), (-4.0, 0.5));
        assert_eq!(f(7.5, -2.0), (-4.0, -0.5));
        assert_eq!(f(-7.5, -2.0), (3.0, -1.5));
        assert_eq!(f(-7.5, f64::INFINITY), (-1.0, f64::INFINITY));
        assert_eq!(f(1.0, 0.0).0, f64::INFINITY);
        assert_eq!(f(-1.0, 0.0).0, f64::NEG_INFINITY);
        assert!(f(0.0, 0.0).0.is_nan() && f(1.0, 0.0).1.is_nan());
        assert!(f(f64::INFINITY, 2.0).0.is_nan() && f(f64::INFINITY, 2.0).1.is_nan());
        assert!(f(2.0, -2.0).1.is_sign_negative());
        let i = divmod(MapOp::IntFloorDiv, MapOp::IntMod);
        assert_eq!(i(7.0, 2.0), (3.0, 1.0));
        assert_eq!(i(-7.0, 2.0), (-4.0, 1.0));
        assert_eq!(i(7.0, -2.0), (-4.0, -1.0));
        assert_eq!(i(-7.0, -2.0), (3.0, -1.0));
        assert_eq!(i(5.0, 0.0), (0.0, 0.0));
    }

    #[test]
    fn sign_and_dtype_rules() {
        let sign = |x: f64| MapOp::Sign.apply(x, 0.0, 0.0);
        assert_eq!((sign(-3.0), sign(2.0), sign(-0.0)), (-1.0, 1.0, 0.0));
        assert!(sign(f64::NAN).is_nan());
        assert_eq!(MapOp::Sin.unary_dtype(DType::I64), Some(DType::F64));
        assert_eq!(MapOp::Sin.unary_dtype(DType::I16), Some(DType::F32));
        assert_eq!(MapOp::IsFinite.unary_dtype(DType::F32), Some(DType::Bool));
        assert_eq!(MapOp::Floor.unary_dtype(DType::I16), Some(DType::I16));
        assert_eq!(MapOp::Add.unary_dtype(DType::I16), None);
    }
}
