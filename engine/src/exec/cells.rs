//! Reduction accumulators: one small cell per output element, fed values and merged in a
//! fixed order, so results do not depend on how many threads ran.

use crate::ops::ReduceOp;

/// A mergeable accumulator for one output element.
pub(crate) trait Cell: Copy + Default + Send + Sync {
    /// Adds one value (NaN is noted, not added).
    fn push(&mut self, x: f64);
    /// Adds `xs[i]` to `cells[i]` for each `i`: one row of a slab into a row of cells.
    #[inline]
    fn push_row(cells: &mut [Self], xs: &[f64]) {
        for (cell, &x) in cells.iter_mut().zip(xs) {
            cell.push(x);
        }
    }
    /// Folds another cell in (the other covers values after this one's).
    fn merge(&mut self, other: &Self);
    /// The reduction's value.
    fn finish(&self, op: ReduceOp, skipna: bool, ddof: u32) -> f64;
}

/// Count and sum: for sum, mean and count. Values add plainly within a tile (short runs);
/// tiles merge with Neumaier compensation, so long reductions keep their small terms.
/// 24 bytes: grouped folds are bound by streaming these through memory.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct SumCell {
    sum: f64,
    comp: f64,
    /// Values added, with [`SumCell::NAN`] set once a NaN was seen.
    n: u64,
}

impl SumCell {
    /// The bit of `n` that records a NaN.
    const NAN: u64 = 1 << 63;

    #[inline]
    fn add_compensated(&mut self, x: f64) {
        let t = self.sum + x;
        self.comp += if self.sum.abs() >= x.abs() {
            (self.sum - t) + x
        } else {
            (x - t) + self.sum
        };
        self.sum = t;
    }

    /// How many values were added.
    #[allow(clippy::cast_precision_loss)]
    fn count(&self) -> f64 {
        (self.n & !Self::NAN) as f64
    }
}

impl Cell for SumCell {
    /// Branch-free: NaN runs (land, masked values) cost no mispredictions.
    #[inline]
    fn push(&mut self, x: f64) {
        let valid = !x.is_nan();
        self.n += u64::from(valid);
        self.n |= u64::from(!valid) << 63;
        self.sum += if valid { x } else { 0.0 };
    }

    fn merge(&mut self, o: &Self) {
        self.n = ((self.n & !Self::NAN) + (o.n & !Self::NAN)) | ((self.n | o.n) & Self::NAN);
        self.add_compensated(o.sum);
        self.comp += o.comp;
    }

    fn finish(&self, op: ReduceOp, skipna: bool, _ddof: u32) -> f64 {
        let total = self.sum + self.comp;
        let n = self.count();
        match op {
            ReduceOp::Count => n,
            _ if self.n & Self::NAN != 0 && !skipna => f64::NAN,
            ReduceOp::Mean if n == 0.0 => f64::NAN,
            ReduceOp::Mean => total / n,
            _ => total,
        }
    }
}

/// Count and sums of deviations from a shift (the cell's first value): no division per value.
/// Cells merge through (count, mean, squared deviations) with Chan's formula.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct MomentCell {
    n: f64,
    shift: f64,
    s: f64,
    s2: f64,
    nan: bool,
}

impl MomentCell {
    /// (mean, sum of squared deviations from it).
    fn moments(&self) -> (f64, f64) {
        let mean_dev = self.s / self.n;
        (
            self.shift + mean_dev,
            (self.s2 - self.s * mean_dev).max(0.0),
        )
    }
}

impl Cell for MomentCell {
    #[inline]
    fn push(&mut self, x: f64) {
        if x.is_nan() {
            self.nan = true;
            return;
        }
        if self.n == 0.0 {
            self.shift = x;
        }
        self.n += 1.0;
        let d = x - self.shift;
        self.s += d;
        self.s2 += d * d;
    }

    fn merge(&mut self, o: &Self) {
        self.nan |= o.nan;
        if o.n == 0.0 {
            return;
        }
        if self.n == 0.0 {
            let nan = self.nan;
            *self = *o;
            self.nan = nan;
            return;
        }
        let ((ma, m2a), (mb, m2b)) = (self.moments(), o.moments());
        let n = self.n + o.n;
        let d = mb - ma;
        // Re-centre on the combined mean: deviations then sum to zero.
        self.shift = ma + d * o.n / n;
        self.s = 0.0;
        self.s2 = m2a + m2b + d * d * self.n * o.n / n;
        self.n = n;
    }

    fn finish(&self, op: ReduceOp, skipna: bool, ddof: u32) -> f64 {
        if self.nan && !skipna {
            return f64::NAN;
        }
        let denominator = self.n - f64::from(ddof);
        if denominator <= 0.0 {
            return f64::NAN;
        }
        let var = self.moments().1 / denominator;
        if op == ReduceOp::Std {
            var.sqrt()
        } else {
            var
        }
    }
}

/// Running minimum or maximum (`MAX` picks which).
#[derive(Debug, Clone, Copy)]
pub(crate) struct ExtremeCell<const MAX: bool> {
    v: f64,
    seen: bool,
    nan: bool,
}

impl<const MAX: bool> Default for ExtremeCell<MAX> {
    fn default() -> Self {
        Self {
            v: f64::NAN,
            seen: false,
            nan: false,
        }
    }
}

impl<const MAX: bool> Cell for ExtremeCell<MAX> {
    #[inline]
    fn push(&mut self, x: f64) {
        if x.is_nan() {
            self.nan = true;
        } else if !self.seen || (MAX && x > self.v) || (!MAX && x < self.v) {
            self.v = x;
            self.seen = true;
        }
    }

    fn merge(&mut self, o: &Self) {
        self.nan |= o.nan;
        if o.seen {
            self.push(o.v);
        }
    }

    fn finish(&self, _op: ReduceOp, skipna: bool, _ddof: u32) -> f64 {
        if self.nan && !skipna {
            f64::NAN
        } else {
            self.v
        }
    }
}

#[cfg(test)]
#[allow(clippy::float_cmp)] // the expected values are exact
mod tests {
    use super::*;

    fn fold<C: Cell>(xs: &[f64], split: usize) -> C {
        let mut a = C::default();
        let mut b = C::default();
        xs[..split].iter().for_each(|&x| a.push(x));
        xs[split..].iter().for_each(|&x| b.push(x));
        a.merge(&b);
        a
    }

    #[test]
    fn merged_cells_match_direct_formulas() {
        let xs = [1.0, 2.0, f64::NAN, 4.0, 10.0];
        for split in 0..=xs.len() {
            let s: SumCell = fold(&xs, split);
            assert_eq!(s.finish(ReduceOp::Sum, true, 0), 17.0);
            assert_eq!(s.finish(ReduceOp::Count, false, 0), 4.0);
            assert!(s.finish(ReduceOp::Mean, false, 0).is_nan());
            let m: MomentCell = fold(&xs, split);
            // numpy: np.nanvar([1, 2, 4, 10], ddof=1) == 16.25
            assert!((m.finish(ReduceOp::Var, true, 1) - 16.25).abs() < 1e-12);
            let mx: ExtremeCell<true> = fold(&xs, split);
            assert_eq!(mx.finish(ReduceOp::Max, true, 0), 10.0);
            let mn: ExtremeCell<false> = fold(&xs, split);
            assert_eq!(mn.finish(ReduceOp::Min, true, 0), 1.0);
        }
    }

    #[test]
    fn merging_tiles_keeps_small_terms() {
        let mut total = SumCell::default();
        let mut big = SumCell::default();
        big.push(1e16);
        total.merge(&big);
        for _ in 0..1000 {
            let mut one = SumCell::default();
            one.push(1.0);
            total.merge(&one);
        }
        let mut back = SumCell::default();
        back.push(-1e16);
        total.merge(&back);
        assert_eq!(total.finish(ReduceOp::Sum, true, 0), 1000.0);
    }

    #[test]
    fn shifted_moments_stay_accurate_far_from_zero() {
        // Values around 1e9 with unit spread: naive sums of squares would lose every digit.
        let xs: Vec<f64> = (0..1000).map(|i| 1e9 + f64::from(i % 7)).collect();
        let mean = xs.iter().sum::<f64>() / 1000.0;
        let want = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / 1000.0;
        for split in [0, 1, 500, 999] {
            let m: MomentCell = fold(&xs, split);
            let got = m.finish(ReduceOp::Var, true, 0);
            assert!(
                (got - want).abs() < 1e-9 * want,
                "split {split}: {got} vs {want}"
            );
        }
    }
}
