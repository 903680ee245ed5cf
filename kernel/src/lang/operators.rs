//! Operators on values with Python semantics: arithmetic, comparison, membership and indexing.
#![allow(
    clippy::similar_names,
    reason = "lo/hi, x/y and a/b pairs mirror the maths"
)]

use std::cmp::Ordering;
use std::sync::Arc;

use super::ast::{BinOp, CmpOp, UnaryOp};
use super::error::{Exc, ExcKind, Res};
use super::value::Value;
use super::xarray::{is_array, is_grouped};

mod index;

pub(crate) use index::{index, slice_positions, splice_range};

/// Largest string or list a repetition may build (in items).
const MAX_REPEAT: usize = 1 << 28;

fn unsupported(op: &str, a: &Value, b: &Value) -> Exc {
    Exc::type_error(format!(
        "unsupported operand type(s) for {op}: '{}' and '{}'",
        a.type_name(),
        b.type_name()
    ))
}

/// `a op b`.
pub(crate) fn binary(op: BinOp, a: &Value, b: &Value) -> Res<Value> {
    let is_dataset = |v: &Value| matches!(v, Value::Dataset(_));
    if is_array(a)
        || is_array(b)
        || is_grouped(a)
        || is_grouped(b)
        || is_dataset(a)
        || is_dataset(b)
    {
        return super::xarray::binary(op, a, b);
    }
    if let (Some(x), Some(y)) = (a.as_int(), b.as_int()) {
        if let (Value::Bool(p), Value::Bool(q), BinOp::BitAnd | BinOp::BitOr | BinOp::BitXor) =
            (a, b, op)
        {
            return Ok(Value::Bool(match op {
                BinOp::BitAnd => p & q,
                BinOp::BitOr => p | q,
                _ => p ^ q,
            }));
        }
        return int_binary(op, x, y);
    }
    if let (Some(x), Some(y)) = (a.as_f64(), b.as_f64()) {
        return float_binary(op, x, y).map_err(|e| {
            if e.kind == ExcKind::TypeError {
                unsupported(op.symbol(), a, b)
            } else {
                e
            }
        });
    }
    match (op, a, b) {
        (BinOp::Add, Value::Str(x), Value::Str(y)) => {
            sequence_fits(a, x.len() + y.len())?;
            let mut joined = String::with_capacity(x.len() + y.len());
            joined.push_str(x);
            joined.push_str(y);
            Ok(Value::str(joined))
        }
        (BinOp::Add, Value::Str(_), other) => Err(Exc::type_error(format!(
            "can only concatenate str (not \"{}\") to str",
            other.type_name()
        ))),
        (BinOp::Add, Value::List(x), Value::List(y)) => {
            sequence_fits(a, x.len() + y.len())?;
            Ok(Value::List(Arc::new(
                x.iter().chain(y.iter()).cloned().collect(),
            )))
        }
        (BinOp::Add, Value::Tuple(x), Value::Tuple(y)) => {
            sequence_fits(a, x.len() + y.len())?;
            Ok(Value::Tuple(Arc::new(
                x.iter().chain(y.iter()).cloned().collect(),
            )))
        }
        (BinOp::Mul, seq @ (Value::Str(_) | Value::List(_) | Value::Tuple(_)), n)
        | (BinOp::Mul, n, seq @ (Value::Str(_) | Value::List(_) | Value::Tuple(_)))
            if n.as_int().is_some() =>
        {
            repeat(seq, n.as_int().unwrap_or(0))
        }
        (BinOp::Mod, Value::Str(_), _) => Err(Exc::new(
            ExcKind::NotImplementedError,
            "'%' string formatting is not supported in Nereus cells; use an f-string",
        )),
        _ => Err(unsupported(op.symbol(), a, b)),
    }
}

fn repeat(seq: &Value, n: i64) -> Res<Value> {
    let n = usize::try_from(n).unwrap_or(0);
    let len = seq.len().unwrap_or(0);
    if len.saturating_mul(n) > MAX_REPEAT {
        return Err(Exc::new(
            ExcKind::MemoryError,
            "repeated sequence would be too large",
        ));
    }
    sequence_fits(seq, len * n)?;
    Ok(match seq {
        Value::Str(s) => Value::str(s.repeat(n)),
        Value::List(v) => Value::List(Arc::new(v.iter().cloned().cycle().take(len * n).collect())),
        Value::Tuple(v) => {
            Value::Tuple(Arc::new(v.iter().cloned().cycle().take(len * n).collect()))
        }
        other => other.clone(),
    })
}

/// `MemoryError` unless memory holds a new sequence like `like` of `len` items.
fn sequence_fits(like: &Value, len: usize) -> Res<()> {
    // A str is built, then copied into its shared form: twice its bytes for a moment.
    let (item, items) = match like {
        Value::Str(_) => (2, "bytes"),
        _ => (std::mem::size_of::<Value>(), "items"),
    };
    Exc::check_memory(len as u128 * item as u128, || {
        format!("a {} of {len} {items}", like.type_name())
    })
}

fn int_binary(op: BinOp, x: i64, y: i64) -> Res<Value> {
    let ov = Exc::overflow;
    let v = match op {
        BinOp::Add => x.checked_add(y).ok_or_else(ov)?,
        BinOp::Sub => x.checked_sub(y).ok_or_else(ov)?,
        BinOp::Mul => x.checked_mul(y).ok_or_else(ov)?,
        #[allow(clippy::cast_precision_loss)]
        BinOp::Div => return float_binary(op, x as f64, y as f64),
        BinOp::FloorDiv => {
            if y == 0 {
                return Err(Exc::zero_division("integer division or modulo by zero"));
            }
            let q = x.checked_div(y).ok_or_else(ov)?;
            if x % y != 0 && ((x < 0) != (y < 0)) {
                q - 1
            } else {
                q
            }
        }
        BinOp::Mod => {
            if y == 0 {
                return Err(Exc::zero_division("integer modulo by zero"));
            }
            let r = x.checked_rem(y).unwrap_or(0);
            if r != 0 && ((r < 0) != (y < 0)) {
                r + y
            } else {
                r
            }
        }
        BinOp::Pow => {
            if y < 0 {
                #[allow(clippy::cast_precision_loss)]
                return float_binary(op, x as f64, y as f64);
            }
            let e = u32::try_from(y).map_err(|_| ov())?;
            x.checked_pow(e).ok_or_else(ov)?
        }
        BinOp::BitAnd => x & y,
        BinOp::BitOr => x | y,
        BinOp::BitXor => x ^ y,
        BinOp::Shl | BinOp::Shr => {
            if y < 0 {
                return Err(Exc::value_error("negative shift count"));
            }
            let s = u32::try_from(y.min(64)).unwrap_or(64);
            if op == BinOp::Shr {
                if s >= 64 {
                    -i64::from(x < 0)
                } else {
                    x >> s
                }
            } else {
                let r = x
                    .checked_shl(s)
                    .filter(|r| s < 64 && (r >> s) == x)
                    .ok_or_else(ov)?;
                if x != 0 && s >= 64 {
                    return Err(ov());
                }
                r
            }
        }
    };
    Ok(Value::Int(v))
}

fn float_binary(op: BinOp, x: f64, y: f64) -> Res<Value> {
    let v = match op {
        BinOp::Add => x + y,
        BinOp::Sub => x - y,
        BinOp::Mul => x * y,
        BinOp::Div => {
            if y == 0.0 {
                return Err(Exc::zero_division(
                    if x.fract() == 0.0 && y.fract() == 0.0 {
                        "division by zero"
                    } else {
                        "float division by zero"
                    },
                ));
            }
            x / y
        }
        BinOp::FloorDiv | BinOp::Mod => {
            if y == 0.0 {
                return Err(Exc::zero_division(if op == BinOp::Mod {
                    "float modulo"
                } else {
                    "float floor division by zero"
                }));
            }
            let mut m = x % y;
            let div = (x - m) / y;
            if m == 0.0 {
                m = 0.0_f64.copysign(y);
            } else if (y < 0.0) != (m < 0.0) {
                m += y;
                let floordiv = div - 1.0;
                if op == BinOp::FloorDiv {
                    return Ok(Value::Float(py_round_floordiv(floordiv)));
                }
            }
            if op == BinOp::Mod {
                m
            } else {
                py_round_floordiv(div)
            }
        }
        BinOp::Pow => {
            if x == 0.0 && y < 0.0 {
                return Err(Exc::zero_division(
                    "0.0 cannot be raised to a negative power",
                ));
            }
            if x < 0.0 && y.fract() != 0.0 && y.is_finite() {
                return Err(Exc::value_error("negative number cannot be raised to a fractional power (complex results are not supported)"));
            }
            let r = x.powf(y);
            if r.is_infinite() && x.is_finite() && y.is_finite() {
                return Err(Exc::new(
                    ExcKind::OverflowError,
                    "(34, 'Numerical result out of range')",
                ));
            }
            r
        }
        _ => return Err(Exc::type_error("unsupported operand type(s)")),
    };
    Ok(Value::Float(v))
}

fn py_round_floordiv(div: f64) -> f64 {
    if div == 0.0 {
        return 0.0;
    }
    let f = div.floor();
    if div - f > 0.5 {
        f + 1.0
    } else {
        f
    }
}

/// `op v`.
pub(crate) fn unary(op: UnaryOp, v: &Value) -> Res<Value> {
    if is_array(v) || matches!((op, v), (UnaryOp::Neg, Value::Dataset(_))) {
        return super::xarray::unary(op, v);
    }
    match (op, v) {
        // Arrays were sent on above, so every value left has a truth.
        (UnaryOp::Not, v) => Ok(Value::Bool(!v.truthy().unwrap_or(true))),
        (UnaryOp::Neg, Value::Float(f)) => Ok(Value::Float(-f)),
        (UnaryOp::Pos, Value::Float(f)) => Ok(Value::Float(*f)),
        (UnaryOp::Neg, v) if v.as_int().is_some() => v
            .as_int()
            .and_then(i64::checked_neg)
            .map(Value::Int)
            .ok_or_else(Exc::overflow),
        (UnaryOp::Pos, v) if v.as_int().is_some() => Ok(Value::Int(v.as_int().unwrap_or(0))),
        (UnaryOp::Invert, v) if v.as_int().is_some() => Ok(Value::Int(!v.as_int().unwrap_or(0))),
        (op, v) => {
            let sym = match op {
                UnaryOp::Neg => "-",
                UnaryOp::Pos => "+",
                _ => "~",
            };
            Err(Exc::type_error(format!(
                "bad operand type for unary {sym}: '{}'",
                v.type_name()
            )))
        }
    }
}

/// Orders two values the way `<` does, or says they cannot be ordered.
pub(crate) fn order(a: &Value, b: &Value, sym: &str) -> Res<Ordering> {
    let fail = || {
        Exc::type_error(format!(
            "'{sym}' not supported between instances of '{}' and '{}'",
            a.type_name(),
            b.type_name()
        ))
    };
    match (a, b) {
        (Value::Int(x), Value::Int(y)) => Ok(x.cmp(y)),
        (Value::Str(x), Value::Str(y)) => Ok(x.cmp(y)),
        (Value::List(x), Value::List(y)) | (Value::Tuple(x), Value::Tuple(y)) => {
            for (p, q) in x.iter().zip(y.iter()) {
                if !p.py_eq(q) {
                    return order(p, q, sym);
                }
            }
            Ok(x.len().cmp(&y.len()))
        }
        _ => match (a.as_f64(), b.as_f64()) {
            (Some(x), Some(y)) => x
                .partial_cmp(&y)
                .ok_or_else(|| Exc::new(ExcKind::ValueError, "nan")),
            _ => Err(fail()),
        },
    }
}

/// `a op b` for one comparison link.
pub(crate) fn compare(op: CmpOp, a: &Value, b: &Value) -> Res<bool> {
    let nan = |x: &Value| matches!(x, Value::Float(f) if f.is_nan());
    Ok(match op {
        CmpOp::Eq => a.py_eq(b),
        CmpOp::Ne => !a.py_eq(b),
        CmpOp::In => contains(b, a)?,
        CmpOp::NotIn => !contains(b, a)?,
        CmpOp::Is => is(a, b),
        CmpOp::IsNot => !is(a, b),
        CmpOp::Lt | CmpOp::Le | CmpOp::Gt | CmpOp::Ge => {
            let sym = match op {
                CmpOp::Lt => "<",
                CmpOp::Le => "<=",
                CmpOp::Gt => ">",
                _ => ">=",
            };
            if (nan(a) || nan(b)) && a.as_f64().is_some() && b.as_f64().is_some() {
                return Ok(false);
            }
            let o = order(a, b, sym).or_else(|e| {
                if e.kind == ExcKind::ValueError {
                    Ok(Ordering::Equal)
                } else {
                    Err(e)
                }
            })?;
            match op {
                CmpOp::Lt => o.is_lt(),
                CmpOp::Le => o.is_le(),
                CmpOp::Gt => o.is_gt(),
                _ => o.is_ge(),
            }
        }
    })
}

fn is(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Str(x), Value::Str(y)) => Arc::ptr_eq(x, y),
        (Value::List(x), Value::List(y)) | (Value::Tuple(x), Value::Tuple(y)) => Arc::ptr_eq(x, y),
        (Value::Float(x), Value::Float(y)) => x.to_bits() == y.to_bits(),
        (Value::Bool(_), Value::Int(_)) | (Value::Int(_), Value::Bool(_)) => false,
        _ => a.py_eq(b),
    }
}

/// `needle in haystack`.
pub(crate) fn contains(haystack: &Value, needle: &Value) -> Res<bool> {
    match haystack {
        Value::Str(s) => match needle {
            Value::Str(n) => Ok(s.contains(&**n)),
            other => Err(Exc::type_error(format!(
                "'in <string>' requires string as left operand, not {}",
                other.type_name()
            ))),
        },
        Value::List(v) | Value::Tuple(v) => Ok(v.iter().any(|x| x.py_eq(needle))),
        Value::Dict(d) => Ok(d.get(needle).is_some()),
        Value::Dataset(ds) => Ok(matches!(needle, Value::Str(s) if ds.names().any(|n| n == &**s))),
        // numpy's `(arr == x).any()`, for numbers and strings (dates compare as dates, which
        // their elements as Python values do not).
        Value::NdArray(a) if a.time().is_none() => {
            Ok((0..a.block.len()).any(|i| a.item(i).py_eq(needle)))
        }
        &Value::Range(start, stop, step) => Ok(needle.as_int().is_some_and(|n| {
            let in_bounds = if step > 0 {
                start <= n && n < stop
            } else {
                stop < n && n <= start
            };
            in_bounds && (i128::from(n) - i128::from(start)) % i128::from(step) == 0
        })),
        other => Err(Exc::type_error(format!(
            "argument of type '{}' is not iterable",
            other.type_name()
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::index::slice;
    use super::*;

    #[allow(clippy::needless_pass_by_value, reason = "terse test calls")]
    fn b(op: BinOp, x: Value, y: Value) -> String {
        binary(op, &x, &y).map_or_else(|e| format!("{}: {}", e.kind.name(), e.msg), |v| v.repr())
    }

    #[test]
    fn arithmetic_follows_python() {
        use Value::{Float, Int};
        assert_eq!(b(BinOp::Div, Int(1), Int(2)), "0.5");
        assert_eq!(b(BinOp::FloorDiv, Int(-7), Int(2)), "-4");
        assert_eq!(b(BinOp::Mod, Int(-7), Int(2)), "1");
        assert_eq!(b(BinOp::Mod, Int(7), Int(-2)), "-1");
        assert_eq!(b(BinOp::FloorDiv, Float(-7.5), Int(2)), "-4.0");
        assert_eq!(b(BinOp::Mod, Float(-7.5), Int(2)), "0.5");
        assert_eq!(b(BinOp::Pow, Int(2), Int(-1)), "0.5");
        assert_eq!(
            b(BinOp::Div, Int(1), Int(0)),
            "ZeroDivisionError: division by zero"
        );
        assert_eq!(
            b(BinOp::FloorDiv, Int(1), Int(0)),
            "ZeroDivisionError: integer division or modulo by zero"
        );
        assert_eq!(
            b(BinOp::Pow, Int(0), Int(-1)),
            "ZeroDivisionError: 0.0 cannot be raised to a negative power"
        );
        assert!(b(BinOp::Mul, Int(i64::MAX), Int(2)).starts_with("OverflowError"));
        assert!(b(BinOp::Pow, Int(10), Int(40)).starts_with("OverflowError"));
        assert_eq!(
            b(BinOp::FloorDiv, Int(i64::MIN), Int(-1)).split(':').next(),
            Some("OverflowError")
        );
        assert_eq!(b(BinOp::Add, Value::Bool(true), Value::Bool(true)), "2");
    }

    #[test]
    fn strings_and_sequences() {
        assert_eq!(b(BinOp::Add, Value::str("a"), Value::str("b")), "'ab'");
        assert_eq!(b(BinOp::Mul, Value::str("ab"), Value::Int(3)), "'ababab'");
        assert_eq!(
            b(BinOp::Add, Value::str("a"), Value::Int(1)),
            "TypeError: can only concatenate str (not \"int\") to str"
        );
        assert_eq!(
            b(BinOp::Add, Value::Int(1), Value::str("a")),
            "TypeError: unsupported operand type(s) for +: 'int' and 'str'"
        );
        assert!(b(BinOp::Mul, Value::str("ab"), Value::Int(1 << 40)).starts_with("MemoryError"));
    }

    #[test]
    fn indexing_and_slicing() {
        let l = Value::List(Arc::new((0..5).map(Value::Int).collect()));
        assert_eq!(
            index(&l, &Value::Int(-1)).map(|v| v.repr()).ok(),
            Some("4".into())
        );
        assert!(index(&l, &Value::Int(5)).is_err_and(|e| e.msg == "list index out of range"));
        assert_eq!(
            slice(&l, Some(1), None, Some(2)).map(|v| v.repr()).ok(),
            Some("[1, 3]".into())
        );
        assert_eq!(
            slice(&l, None, None, Some(-1)).map(|v| v.repr()).ok(),
            Some("[4, 3, 2, 1, 0]".into())
        );
        assert_eq!(
            slice(&Value::str("héllo"), Some(1), Some(3), None)
                .map(|v| v.repr())
                .ok(),
            Some("'él'".into())
        );
        assert_eq!(
            slice(&Value::Range(0, 10, 1), Some(2), Some(8), Some(3))
                .map(|v| v.repr())
                .ok(),
            Some("range(2, 8, 3)".into())
        );
        assert!(compare(CmpOp::In, &Value::Int(4), &Value::Range(0, 10, 2)).unwrap_or(false));
        assert!(compare(CmpOp::Lt, &Value::Int(1), &Value::str("a")).is_err());
    }
}
