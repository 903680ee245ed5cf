//! numpy's result dtypes for element-wise operations: the promotion table of the engine's
//! dtypes and NEP 50's weak Python scalars. Pure functions of dtypes; no values are looked at.

use super::super::plan::MapOp;
use crate::model::DType;

/// An operand's dtype as promotion sees it: an array's dtype is strong; a Python scalar is weak
/// (`I64` for a Python int, `F64` for a Python float, `Bool` for a Python bool).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Typed {
    /// The dtype.
    pub(crate) dtype: DType,
    /// Whether it comes from a Python scalar.
    pub(crate) weak: bool,
}

impl Typed {
    /// An array's dtype.
    pub(crate) fn strong(dtype: DType) -> Self {
        Self { dtype, weak: false }
    }

    /// A Python scalar's dtype.
    pub(crate) fn weak(dtype: DType) -> Self {
        Self { dtype, weak: true }
    }
}

fn is_signed(d: DType) -> bool {
    matches!(d, DType::I8 | DType::I16 | DType::I32 | DType::I64)
}

fn is_unsigned(d: DType) -> bool {
    matches!(d, DType::U8 | DType::U16 | DType::U32 | DType::U64)
}

/// Whether `d` is an integer dtype (not bool, not float).
pub(crate) fn is_integer(d: DType) -> bool {
    is_signed(d) || is_unsigned(d)
}

/// numpy's `result_type` of two array dtypes (`np.promote_types`).
fn promote_pair(a: DType, b: DType) -> DType {
    use DType::{Bool, F32, F64, I16, I32, I64, I8, U16, U32, U8};
    if a == b {
        return a;
    }
    match (a, b) {
        (Bool, x) | (x, Bool) => x,
        (F64, _) | (_, F64) => F64,
        // float32 holds int16/uint16 exactly; wider integers need float64.
        (F32, x) | (x, F32) => {
            if matches!(x, I8 | U8 | I16 | U16) {
                F32
            } else {
                F64
            }
        }
        (x, y) if is_signed(x) == is_signed(y) => {
            if x.size() >= y.size() {
                x
            } else {
                y
            }
        }
        // Mixed signedness: the signed type must hold every unsigned value.
        (s, u) | (u, s) if is_signed(s) => {
            if s.size() > u.size() {
                s
            } else {
                match u {
                    U8 => I16,
                    U16 => I32,
                    U32 => I64,
                    _ => F64,
                }
            }
        }
        _ => F64,
    }
}

/// numpy's `result_type` under NEP 50: strong dtypes promote by the table; a Python int takes
/// the strong dtype unless that is bool (then int64), a Python float takes a float dtype or
/// float64, and a Python bool counts as a bool array.
pub(crate) fn result_type(operands: &[Typed]) -> DType {
    let strong = operands
        .iter()
        .filter(|t| !t.weak || t.dtype == DType::Bool)
        .map(|t| t.dtype)
        .reduce(promote_pair);
    let weak_float = operands.iter().any(|t| t.weak && t.dtype.is_float());
    let weak_int = operands.iter().any(|t| t.weak && is_integer(t.dtype));
    match strong {
        Some(d) if weak_float && !d.is_float() => DType::F64,
        Some(DType::Bool) if weak_int => DType::I64,
        Some(d) => d,
        None if weak_float => DType::F64,
        None if weak_int => DType::I64,
        None => DType::Bool,
    }
}

/// numpy's result dtype of `op` on operands of these dtypes.
pub(crate) fn promote(op: MapOp, operands: &[Typed]) -> DType {
    use DType::{Bool, F64, I8};
    if op.arity() == 1 {
        let input = operands.first().map_or(F64, |t| t.dtype);
        // Ops numpy has no loop for (`-bool`, `sign(bool)`) keep the input's dtype.
        return op.unary_dtype(input).unwrap_or(input);
    }
    match op {
        _ if op.is_predicate() => Bool,
        // The condition only picks; the values decide the dtype.
        MapOp::Where => result_type(operands.get(1..).unwrap_or_default()),
        // True division has only floating loops: integers divide as float64.
        MapOp::Div => match result_type(operands) {
            d if d.is_float() => d,
            _ => F64,
        },
        // numpy's integer floor_divide/remainder loops start at int8: bools divide as int8.
        MapOp::IntFloorDiv | MapOp::IntMod => match result_type(operands) {
            Bool => I8,
            d => d,
        },
        _ => result_type(operands),
    }
}

/// Whether the integer `value` is representable in `dtype` (always true for non-integers).
pub(crate) fn fits(value: i64, dtype: DType) -> bool {
    let (lo, hi): (i128, i128) = match dtype {
        DType::I8 => (i8::MIN.into(), i8::MAX.into()),
        DType::I16 => (i16::MIN.into(), i16::MAX.into()),
        DType::I32 => (i32::MIN.into(), i32::MAX.into()),
        DType::U8 => (0, u8::MAX.into()),
        DType::U16 => (0, u16::MAX.into()),
        DType::U32 => (0, u32::MAX.into()),
        DType::U64 => (0, u64::MAX.into()),
        _ => return true,
    };
    (lo..=hi).contains(&i128::from(value))
}

#[cfg(test)]
mod tests {
    use super::*;
    use DType::{Bool, F32, F64, I16, I32, I64, I8, U16, U64, U8};

    fn s(d: DType) -> Typed {
        Typed::strong(d)
    }

    fn w(d: DType) -> Typed {
        Typed::weak(d)
    }

    #[test]
    fn weak_scalars_follow_nep50() {
        // Each case checked against numpy 2.4.
        assert_eq!(promote(MapOp::Add, &[s(I64), w(I64)]), I64);
        assert_eq!(promote(MapOp::Mul, &[s(I8), w(I64)]), I8);
        assert_eq!(promote(MapOp::Mul, &[s(I8), w(F64)]), F64);
        assert_eq!(promote(MapOp::Add, &[s(F32), w(I64)]), F32);
        assert_eq!(promote(MapOp::Add, &[s(F32), w(F64)]), F32);
        assert_eq!(promote(MapOp::Add, &[s(Bool), w(I64)]), I64);
        assert_eq!(promote(MapOp::Add, &[s(Bool), w(F64)]), F64);
        assert_eq!(promote(MapOp::Add, &[s(Bool), w(Bool)]), Bool);
        assert_eq!(promote(MapOp::Add, &[s(I8), w(Bool)]), I8);
        assert_eq!(promote(MapOp::Div, &[s(I8), w(I64)]), F64);
        assert_eq!(promote(MapOp::Div, &[s(F32), w(I64)]), F32);
        assert_eq!(promote(MapOp::IntFloorDiv, &[s(I16), w(I64)]), I16);
        assert_eq!(promote(MapOp::IntFloorDiv, &[s(Bool), s(Bool)]), I8);
        assert_eq!(promote(MapOp::IntMod, &[s(Bool), w(I64)]), I64);
        assert_eq!(promote(MapOp::Pow, &[s(I8), w(I64)]), I8);
        assert_eq!(promote(MapOp::Gt, &[s(F32), w(F64)]), Bool);
        assert_eq!(promote(MapOp::FillNa, &[s(I64), w(F64)]), F64);
        assert_eq!(promote(MapOp::FillNa, &[s(I8), w(I64)]), I8);
        assert_eq!(promote(MapOp::Where, &[s(Bool), s(I8), w(I64)]), I8);
        assert_eq!(promote(MapOp::Where, &[s(Bool), s(F32), w(F64)]), F32);
        assert_eq!(promote(MapOp::Where, &[s(Bool), s(I64), w(F64)]), F64);
        assert_eq!(promote(MapOp::Where, &[s(Bool), w(I64), w(I64)]), I64);
    }

    #[test]
    fn arrays_follow_the_promotion_table() {
        assert_eq!(promote(MapOp::Add, &[s(F32), s(I64)]), F64);
        assert_eq!(promote(MapOp::Add, &[s(F32), s(I16)]), F32);
        assert_eq!(promote(MapOp::Add, &[s(F32), s(U16)]), F32);
        assert_eq!(promote(MapOp::Add, &[s(F32), s(I32)]), F64);
        assert_eq!(promote(MapOp::Add, &[s(I16), s(I16)]), I16);
        assert_eq!(promote(MapOp::Add, &[s(U8), s(I8)]), I16);
        assert_eq!(promote(MapOp::Add, &[s(I16), s(U8)]), I16);
        assert_eq!(promote(MapOp::Add, &[s(U64), s(I64)]), F64);
        assert_eq!(promote(MapOp::Div, &[s(I16), s(I16)]), F64);
        assert_eq!(promote(MapOp::IntMod, &[s(I8), s(U8)]), I16);
    }

    #[test]
    fn one_input_ops_use_their_own_rule() {
        assert_eq!(promote(MapOp::Sqrt, &[s(I16)]), F32);
        assert_eq!(promote(MapOp::Exp, &[s(I32)]), F64);
        assert_eq!(promote(MapOp::Neg, &[s(U8)]), U8);
        assert_eq!(promote(MapOp::Abs, &[s(Bool)]), Bool);
        assert_eq!(promote(MapOp::Floor, &[s(I8)]), I8);
        assert_eq!(promote(MapOp::IsNan, &[s(I8)]), Bool);
    }

    #[test]
    fn python_ints_must_fit() {
        assert!(!fits(300, I8));
        assert!(!fits(-1, U8));
        assert!(fits(-1, I8) && fits(255, U8) && fits(i64::MAX, U64) && fits(3, F32));
    }
}
