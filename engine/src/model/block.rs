//! A block: an in-memory N-d array of one dtype (a decoded chunk, or a computed result).

use super::DType;
use ndarray::{ArrayD, IxDyn, Slice};

/// A typed, in-memory N-d array in C order.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Block {
    /// `bool`.
    Bool(ArrayD<bool>),
    /// `int8`.
    I8(ArrayD<i8>),
    /// `int16`.
    I16(ArrayD<i16>),
    /// `int32`.
    I32(ArrayD<i32>),
    /// `int64`.
    I64(ArrayD<i64>),
    /// `uint8`.
    U8(ArrayD<u8>),
    /// `uint16`.
    U16(ArrayD<u16>),
    /// `uint32`.
    U32(ArrayD<u32>),
    /// `uint64`.
    U64(ArrayD<u64>),
    /// `float32`.
    F32(ArrayD<f32>),
    /// `float64`.
    F64(ArrayD<f64>),
}

/// Runs `$body` with `$a` bound to the inner `ArrayD<T>` of any variant.
macro_rules! with_block {
    ($block:expr, $a:ident => $body:expr) => {
        match $block {
            $crate::model::Block::Bool($a) => $body,
            $crate::model::Block::I8($a) => $body,
            $crate::model::Block::I16($a) => $body,
            $crate::model::Block::I32($a) => $body,
            $crate::model::Block::I64($a) => $body,
            $crate::model::Block::U8($a) => $body,
            $crate::model::Block::U16($a) => $body,
            $crate::model::Block::U32($a) => $body,
            $crate::model::Block::U64($a) => $body,
            $crate::model::Block::F32($a) => $body,
            $crate::model::Block::F64($a) => $body,
        }
    };
}
pub(crate) use with_block;

/// Builds the same variant from `$body`, with `$a` bound to the inner `ArrayD<T>`.
macro_rules! map_block {
    ($block:expr, $a:ident => $body:expr) => {
        match $block {
            $crate::model::Block::Bool($a) => $crate::model::Block::Bool($body),
            $crate::model::Block::I8($a) => $crate::model::Block::I8($body),
            $crate::model::Block::I16($a) => $crate::model::Block::I16($body),
            $crate::model::Block::I32($a) => $crate::model::Block::I32($body),
            $crate::model::Block::I64($a) => $crate::model::Block::I64($body),
            $crate::model::Block::U8($a) => $crate::model::Block::U8($body),
            $crate::model::Block::U16($a) => $crate::model::Block::U16($body),
            $crate::model::Block::U32($a) => $crate::model::Block::U32($body),
            $crate::model::Block::U64($a) => $crate::model::Block::U64($body),
            $crate::model::Block::F32($a) => $crate::model::Block::F32($body),
            $crate::model::Block::F64($a) => $crate::model::Block::F64($body),
        }
    };
}
pub(crate) use map_block;

/// Lossy conversions of an element to and from `f64` (what computations run in).
pub trait ToF64: Copy + Send + Sync + 'static {
    /// The value as `f64` (`true` is 1).
    fn to_f64(self) -> f64;
    /// An `f64` cast to this type (NaN to 0 and saturating for integers, as numpy's `astype`
    /// does on most platforms; nonzero is `true`).
    fn from_f64(x: f64) -> Self;
}

macro_rules! to_f64_as {
    ($($t:ty),*) => {$(
        impl ToF64 for $t {
            #[allow(clippy::cast_precision_loss, clippy::cast_lossless)]
            fn to_f64(self) -> f64 {
                self as f64
            }
            #[allow(
                clippy::cast_possible_truncation,
                clippy::cast_sign_loss,
                clippy::cast_lossless
            )]
            fn from_f64(x: f64) -> Self {
                x as $t
            }
        }
    )*};
}
to_f64_as!(i8, i16, i32, i64, u8, u16, u32, u64, f32, f64);

impl ToF64 for bool {
    fn to_f64(self) -> f64 {
        f64::from(u8::from(self))
    }
    fn from_f64(x: f64) -> Self {
        x != 0.0
    }
}

/// A shape as Python prints a tuple: `(480, 180, 360)`, `(5,)`, `()`.
pub fn shape_text(shape: &[usize]) -> String {
    let parts: Vec<String> = shape.iter().map(ToString::to_string).collect();
    match parts.as_slice() {
        [one] => format!("({one},)"),
        _ => format!("({})", parts.join(", ")),
    }
}

impl Block {
    /// The values of an integer block, exactly and in order; `None` for float and bool blocks.
    pub fn to_i128(&self) -> Option<Vec<i128>> {
        let exact = |it: &mut dyn Iterator<Item = i128>| it.collect();
        Some(match self {
            Block::I8(a) => exact(&mut a.iter().map(|&v| i128::from(v))),
            Block::I16(a) => exact(&mut a.iter().map(|&v| i128::from(v))),
            Block::I32(a) => exact(&mut a.iter().map(|&v| i128::from(v))),
            Block::I64(a) => exact(&mut a.iter().map(|&v| i128::from(v))),
            Block::U8(a) => exact(&mut a.iter().map(|&v| i128::from(v))),
            Block::U16(a) => exact(&mut a.iter().map(|&v| i128::from(v))),
            Block::U32(a) => exact(&mut a.iter().map(|&v| i128::from(v))),
            Block::U64(a) => exact(&mut a.iter().map(|&v| i128::from(v))),
            Block::Bool(_) | Block::F32(_) | Block::F64(_) => return None,
        })
    }

    /// The elements as `i64`, in C order: integers exactly (never through `f64`, which
    /// rounds past 2**53), saturated past `i64`; floats truncated; bools 0 and 1.
    pub fn iter_i64(&self) -> Box<dyn Iterator<Item = i64> + '_> {
        let sat = |v: i128| i64::try_from(v).unwrap_or(if v < 0 { i64::MIN } else { i64::MAX });
        match self {
            Block::I64(a) => Box::new(a.iter().copied()),
            Block::U64(a) => Box::new(a.iter().map(move |&v| sat(i128::from(v)))),
            #[allow(clippy::cast_possible_truncation)]
            other => with_block!(other, a => Box::new(a.iter().map(|&x| x.to_f64() as i64))),
        }
    }

    /// The elements at `positions` along `axis` (numpy's `take`), in that order; every
    /// position must be below the axis's length.
    #[must_use]
    pub fn take(&self, axis: usize, positions: &[usize]) -> Block {
        map_block!(self, a => a.select(ndarray::Axis(axis), positions))
    }

    /// The sub-array at position `i` of the first axis (numpy's `a[i]`), one dimension fewer.
    ///
    /// # Panics
    /// If the block is 0-d or `i` is out of range (callers index within the shape).
    #[must_use]
    pub fn subarray(&self, i: usize) -> Block {
        map_block!(self, a => a.index_axis(ndarray::Axis(0), i).to_owned())
    }

    /// The element type.
    pub fn dtype(&self) -> DType {
        match self {
            Block::Bool(_) => DType::Bool,
            Block::I8(_) => DType::I8,
            Block::I16(_) => DType::I16,
            Block::I32(_) => DType::I32,
            Block::I64(_) => DType::I64,
            Block::U8(_) => DType::U8,
            Block::U16(_) => DType::U16,
            Block::U32(_) => DType::U32,
            Block::U64(_) => DType::U64,
            Block::F32(_) => DType::F32,
            Block::F64(_) => DType::F64,
        }
    }

    /// The shape.
    pub fn shape(&self) -> &[usize] {
        with_block!(self, a => a.shape())
    }

    /// Number of elements.
    pub fn len(&self) -> usize {
        with_block!(self, a => a.len())
    }

    /// Whether there are no elements.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// `f64` values cast to `dtype` (see [`ToF64::from_f64`]).
    pub fn from_f64(values: ArrayD<f64>, dtype: DType) -> Block {
        if dtype == DType::F64 {
            return Block::F64(values);
        }
        let mut out = Block::zeros(dtype, values.shape());
        out.assign_f64(&vec![0; values.ndim()], &values);
        out
    }

    /// `i64` values cast to `dtype`: exactly into int64 and uint64 (as numpy's `astype`),
    /// through [`Block::from_f64`] into the narrower types, whose values `f64` holds exactly.
    #[allow(clippy::cast_precision_loss, clippy::cast_sign_loss)]
    pub fn from_i64(values: ArrayD<i64>, dtype: DType) -> Block {
        match dtype {
            DType::I64 => Block::I64(values),
            DType::U64 => Block::U64(values.mapv(|v| v as u64)),
            _ => Block::from_f64(values.mapv(|v| v as f64), dtype),
        }
    }

    /// The same elements as an array of `shape`, in C order; None when the sizes differ.
    pub fn reshaped(&self, shape: &[usize]) -> Option<Block> {
        if shape.iter().product::<usize>() != self.len() {
            return None;
        }
        // C order, as numpy's reshape reads and writes.
        Some(map_block!(self, a => {
            let flat: Vec<_> = a.iter().copied().collect();
            ArrayD::from_shape_vec(IxDyn(shape), flat).ok()?
        }))
    }

    /// The region of `shape` starting at `start`, as a new block of the same dtype.
    #[must_use]
    pub fn region(&self, start: &[usize], shape: &[usize]) -> Block {
        crate::model::map_block!(self, a => a
            .slice_each_axis(|ax| {
                let i = ax.axis.index();
                ndarray::Slice::from(start[i]..start[i] + shape[i])
            })
            .to_owned())
    }

    /// Zeros (`false`) of `dtype` and `shape`.
    pub fn zeros(dtype: DType, shape: &[usize]) -> Block {
        let shape = IxDyn(shape);
        match dtype {
            DType::Bool => Block::Bool(ArrayD::from_elem(shape, false)),
            DType::I8 => Block::I8(ArrayD::zeros(shape)),
            DType::I16 => Block::I16(ArrayD::zeros(shape)),
            DType::I32 => Block::I32(ArrayD::zeros(shape)),
            DType::I64 => Block::I64(ArrayD::zeros(shape)),
            DType::U8 => Block::U8(ArrayD::zeros(shape)),
            DType::U16 => Block::U16(ArrayD::zeros(shape)),
            DType::U32 => Block::U32(ArrayD::zeros(shape)),
            DType::U64 => Block::U64(ArrayD::zeros(shape)),
            DType::F32 => Block::F32(ArrayD::zeros(shape)),
            DType::F64 => Block::F64(ArrayD::zeros(shape)),
        }
    }

    /// Writes `values`, cast to the block's dtype, into the region starting at `start`.
    pub fn assign_f64(&mut self, start: &[usize], values: &ArrayD<f64>) {
        with_block!(self, a => a
            .slice_each_axis_mut(|ax| {
                let i = ax.axis.index();
                Slice::from(start[i]..start[i] + values.shape()[i])
            })
            .zip_mut_with(values, |o, &v| *o = ToF64::from_f64(v)));
    }

    /// Writes `values` (a block of the same dtype) into the region starting at `start`; a
    /// block of another dtype goes through `f64`.
    pub fn assign(&mut self, start: &[usize], values: &Block) {
        fn put<T: Clone>(a: &mut ArrayD<T>, start: &[usize], v: &ArrayD<T>) {
            a.slice_each_axis_mut(|ax| {
                let i = ax.axis.index();
                Slice::from(start[i]..start[i] + v.shape()[i])
            })
            .assign(v);
        }
        match (self, values) {
            (Block::I64(a), Block::I64(v)) => put(a, start, v),
            (Block::U64(a), Block::U64(v)) => put(a, start, v),
            (out, v) => out.assign_f64(start, &v.to_f64()),
        }
    }

    /// The element at `index` as `f64` (NaN past the end).
    pub fn f64_at(&self, index: &[usize]) -> f64 {
        with_block!(self, a => a.get(IxDyn(index)).map_or(f64::NAN, |&v| ToF64::to_f64(v)))
    }

    /// The element at `index` of an integer block, exactly; `None` for float and bool blocks.
    pub fn i128_at(&self, index: &[usize]) -> Option<i128> {
        let at = IxDyn(index);
        match self {
            Block::I8(a) => a.get(at).map(|&v| i128::from(v)),
            Block::I16(a) => a.get(at).map(|&v| i128::from(v)),
            Block::I32(a) => a.get(at).map(|&v| i128::from(v)),
            Block::I64(a) => a.get(at).map(|&v| i128::from(v)),
            Block::U8(a) => a.get(at).map(|&v| i128::from(v)),
            Block::U16(a) => a.get(at).map(|&v| i128::from(v)),
            Block::U32(a) => a.get(at).map(|&v| i128::from(v)),
            Block::U64(a) => a.get(at).map(|&v| i128::from(v)),
            Block::Bool(_) | Block::F32(_) | Block::F64(_) => None,
        }
    }

    /// The values as `f64`, in the same shape.
    pub fn to_f64(&self) -> ArrayD<f64> {
        with_block!(self, a => a.mapv(ToF64::to_f64))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[allow(clippy::float_cmp)]
    fn converts_and_reports() {
        let b = Block::I16(ArrayD::from_shape_vec(vec![2, 2], vec![1, -2, 3, 4]).expect("shape"));
        assert_eq!(b.dtype(), DType::I16);
        assert_eq!(b.shape(), &[2, 2]);
        assert_eq!(b.to_f64().iter().sum::<f64>(), 6.0);
    }
}
