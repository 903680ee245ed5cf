//! Rolling min, max, std and var in O(1) per output (van Herk/Gil-Werman): the rolled axis is
//! cut into blocks as long as the window, so every window is a suffix of one block joined to a
//! prefix of the next. Suffixes are summarised once per block, prefixes as they grow, whole
//! rows at a time; nothing is ever taken away, so sums neither drift nor cancel.

use crate::ops::{ReduceOp, Rolling};
use ndarray::{ArrayD, IxDyn};

/// Lanes (contiguous values of a row) summarised together: few enough that a block of suffix
/// summaries stays in cache, many enough that every row step is a long vector loop.
const LANES: usize = 512;

/// What a rolling reduction keeps of a run of values along the rolled axis.
pub(super) trait Summary: Copy {
    /// The summary of no values.
    const EMPTY: Self;
    /// Adds one value; NaN is missing and adds nothing.
    fn push(&mut self, x: f64);
    /// The summary of this run followed by `later`.
    #[must_use]
    fn merge(self, later: Self) -> Self;
    /// How many valid values the run holds.
    fn count(&self) -> f64;
    /// The reduction of the run's valid values (there is at least one).
    fn value(&self, op: ReduceOp) -> f64;
}

/// The count and the largest (`MAX`) or smallest valid value of a run: what xarray's
/// max/min over windows filled with -inf/+inf for NaN gives once `min_periods` is met.
#[derive(Clone, Copy, Debug)]
pub(super) struct Extreme<const MAX: bool> {
    n: f64,
    v: f64,
}

impl<const MAX: bool> Summary for Extreme<MAX> {
    const EMPTY: Self = Self {
        n: 0.0,
        v: if MAX {
            f64::NEG_INFINITY
        } else {
            f64::INFINITY
        },
    };

    fn push(&mut self, x: f64) {
        // f64::max and min pass over NaN, so only the count needs the test.
        self.n += f64::from(u8::from(!x.is_nan()));
        self.v = if MAX { self.v.max(x) } else { self.v.min(x) };
    }

    fn merge(self, later: Self) -> Self {
        Self {
            n: self.n + later.n,
            v: if MAX {
                self.v.max(later.v)
            } else {
                self.v.min(later.v)
            },
        }
    }

    fn count(&self) -> f64 {
        self.n
    }

    fn value(&self, _: ReduceOp) -> f64 {
        self.v
    }
}

/// The count, mean and sum of squared deviations of a run's valid values, grown by Welford's
/// update and joined by Chan's: every term is non-negative, so a variance far smaller than
/// the mean's square keeps its digits (numpy's two-pass nanvar is the reference).
#[derive(Clone, Copy, Debug)]
pub(super) struct Moments {
    n: f64,
    mean: f64,
    m2: f64,
}

impl Summary for Moments {
    const EMPTY: Self = Self {
        n: 0.0,
        mean: 0.0,
        m2: 0.0,
    };

    fn push(&mut self, x: f64) {
        if x.is_nan() {
            return;
        }
        self.n += 1.0;
        let d = x - self.mean;
        self.mean += d / self.n;
        self.m2 += d * (x - self.mean);
    }

    fn merge(self, later: Self) -> Self {
        let n = self.n + later.n;
        // The later run's share; 0 when both are empty (an empty run's mean is 0).
        let share = later.n / n.max(1.0);
        let d = later.mean - self.mean;
        Self {
            n,
            mean: self.mean + d * share,
            m2: self.m2 + later.m2 + d * d * self.n * share,
        }
    }

    fn count(&self) -> f64 {
        self.n
    }

    fn value(&self, op: ReduceOp) -> f64 {
        let var = self.m2 / self.n; // ddof 0, as xarray's rolling std and var
        if op == ReduceOp::Std {
            var.sqrt()
        } else {
            var
        }
    }
}

/// The reduction `S` of every window: `spans[j]` are the input rows (of `values`, along the
/// rolled axis) of output row `j` of the region shaped `shape`.
pub(super) fn reduce<S: Summary>(
    r: &Rolling,
    spans: &[(usize, usize)],
    shape: &[usize],
    values: &ArrayD<f64>,
) -> ArrayD<f64> {
    let values = values.as_standard_layout();
    let input = values
        .as_slice()
        .expect("an array in standard layout is one slice");
    let rows = values.shape()[r.axis];
    let outer: usize = shape[..r.axis].iter().product();
    let inner: usize = shape[r.axis + 1..].iter().product();
    let outs = spans.len();
    let lanes = LANES.min(inner).max(1);
    // Windows are at most this long (shorter at the edges), so each spans at most two blocks.
    let block = r.window.min(rows).max(1);
    #[allow(clippy::cast_precision_loss, reason = "window lengths are small")]
    let min_periods = r.min_periods as f64;
    let mut parts = Parts {
        suffix: vec![S::EMPTY; block * lanes],
        prefix: vec![S::EMPTY; lanes],
        block,
        width: lanes,
        suffix_of: None,
        pushed: 0,
    };
    let finish = |s: S| {
        let n = s.count();
        if n < min_periods || n == 0.0 {
            f64::NAN
        } else {
            s.value(r.op)
        }
    };
    let mut output = vec![0.0; outer * outs * inner];
    for o in 0..outer {
        for c in (0..inner).step_by(lanes) {
            let width = lanes.min(inner - c);
            let row = |k: usize| &input[(o * rows + k) * inner + c..][..width];
            parts.restart(width);
            for (j, &span) in spans.iter().enumerate() {
                let out = &mut output[(o * outs + j) * inner + c..][..width];
                parts.window(span, rows, &row, out, &finish);
            }
        }
    }
    ArrayD::from_shape_vec(IxDyn(shape), output).expect("one value per output position")
}

/// The block summaries of one group of lanes as the windows slide over it.
struct Parts<S> {
    /// `suffix[k * width + l]`: lane `l` from row `k` of block `suffix_of` to the block's end.
    suffix: Vec<S>,
    /// Each lane from the start of the block of row `pushed - 1` through that row.
    prefix: Vec<S>,
    /// Block length.
    block: usize,
    /// Lanes in the group.
    width: usize,
    /// The block whose suffixes `suffix` holds.
    suffix_of: Option<usize>,
    /// Rows taken into `prefix` so far.
    pushed: usize,
}

impl<S: Summary> Parts<S> {
    /// Starts over on a new group of `width` lanes.
    fn restart(&mut self, width: usize) {
        self.width = width;
        self.suffix_of = None;
        self.pushed = 0;
    }

    /// Writes to `out`, lane by lane, `finish` of the window over rows `from .. to` (of
    /// `rows`, `row(k)` being row `k`); windows come in order, neither end going back.
    fn window<'a>(
        &mut self,
        (from, to): (usize, usize),
        rows: usize,
        row: &impl Fn(usize) -> &'a [f64],
        out: &mut [f64],
        finish: &impl Fn(S) -> f64,
    ) {
        let (block, width) = (self.block, self.width);
        let prefix = &mut self.prefix[..width];
        while self.pushed < to {
            if self.pushed.is_multiple_of(block) {
                prefix.fill(S::EMPTY);
            }
            for (s, &x) in prefix.iter_mut().zip(row(self.pushed)) {
                s.push(x);
            }
            self.pushed += 1;
        }
        let first = from / block;
        if from.is_multiple_of(block) && (to - 1) / block == first {
            // The window starts its block and ends in it: it fills the block, or an end of the
            // axis cuts it short.
            for (o, &p) in out.iter_mut().zip(prefix.iter()) {
                *o = finish(p);
            }
            return;
        }
        if self.suffix_of != Some(first) {
            let base = first * block;
            let len = (base + block).min(rows) - base;
            for k in (0..len).rev() {
                let (head, tail) = self.suffix.split_at_mut((k + 1) * width);
                let here = &mut head[k * width..];
                if k + 1 == len {
                    here.fill(S::EMPTY);
                } else {
                    here.copy_from_slice(&tail[..width]);
                }
                for (s, &x) in here.iter_mut().zip(row(base + k)) {
                    s.push(x);
                }
            }
            self.suffix_of = Some(first);
        }
        let k = from - first * block;
        let suffix = &self.suffix[k * width..(k + 1) * width];
        if (to - 1) / block == first {
            // A window shorter than a block that does not start one ends the axis, which
            // is where its block's suffix ends too.
            debug_assert_eq!(to, (first * block + block).min(rows));
            for (o, &s) in out.iter_mut().zip(suffix) {
                *o = finish(s);
            }
        } else {
            for ((o, &s), &p) in out.iter_mut().zip(suffix).zip(prefix.iter()) {
                *o = finish(s.merge(p));
            }
        }
    }
}
