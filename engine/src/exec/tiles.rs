//! How a plan's output is cut for computing: into chunk-aligned tiles (the unit of parallel
//! work and of the memory budget), and each tile into strips evaluated in `f64` one at a time.

use super::error::ExecError;
use crate::model::memory;
use crate::ops::plan::Carried;
use crate::ops::{Node, Plan, Rolling};
use ndarray::Slice;

/// A region of a plan's output.
#[derive(Debug, Clone)]
pub(super) struct Tile {
    pub(super) start: Vec<usize>,
    pub(super) shape: Vec<usize>,
}

impl Tile {
    pub(super) fn len(&self) -> usize {
        self.shape.iter().product()
    }
}

/// The chunk-aligned tiles of `expr`, in C order; a `MemoryError` when their list alone would
/// not fit (a plan of billions of chunks, e.g. outer products of outer products).
pub(super) fn tiles(expr: &Plan) -> Result<Vec<Tile>, ExecError> {
    let pieces: Vec<Vec<(usize, usize)>> = expr.chunk_sizes().iter().map(|s| spans(s)).collect();
    let count = pieces
        .iter()
        .try_fold(1u128, |n, p| n.checked_mul(p.len() as u128))
        .unwrap_or(u128::MAX);
    let each = std::mem::size_of::<Tile>() + 2 * pieces.len() * std::mem::size_of::<usize>();
    memory::check(count.saturating_mul(each as u128), None, || {
        format!("splitting this computation into its {count} chunks")
    })?;
    Ok(tile_grid(&pieces))
}

/// Consecutive chunks of `sizes` as (start, length).
pub(super) fn spans(sizes: &[usize]) -> Vec<(usize, usize)> {
    let mut at = 0;
    sizes
        .iter()
        .map(|&n| {
            at += n;
            (at - n, n)
        })
        .collect()
}

/// Largest strip evaluated in `f64` at once, in elements.
pub(super) const STRIP: usize = 1 << 18;

/// Splits a tile into strips of at most [`STRIP`] elements. `order` lists the axes from the
/// outermost split to the innermost: the axes before the first one whose trailing block (the
/// later axes of `order`) fits in a strip go one index at a time, that one in steps, the rest
/// whole. Strips come in that nested order, made one at a time: a tile may hold billions.
pub(super) fn strips(tile: &Tile, order: &[usize]) -> Strips {
    let trailing = |p: usize| {
        order[p + 1..]
            .iter()
            .map(|&a| tile.shape[a])
            .product::<usize>()
    };
    let mut p = 0;
    while p < order.len() && trailing(p) > STRIP {
        p += 1;
    }
    let step = if p < order.len() {
        (STRIP / trailing(p).max(1)).max(1)
    } else {
        0
    };
    // Per axis of `order`: the piece length and how many pieces.
    let (steps, counts): (Vec<usize>, Vec<usize>) = order
        .iter()
        .enumerate()
        .map(|(q, &a)| {
            let n = tile.shape[a];
            match q.cmp(&p) {
                std::cmp::Ordering::Less => (1, n),
                std::cmp::Ordering::Equal => (step, n.div_ceil(step)),
                std::cmp::Ordering::Greater => (n, 1),
            }
        })
        .unzip();
    let at = vec![0; order.len()];
    Strips {
        done: counts.contains(&0),
        tile: tile.clone(),
        order: order.to_vec(),
        steps,
        counts,
        at,
    }
}

/// The strips of a tile in nested order (see [`strips`]): an odometer over each axis's pieces.
pub(super) struct Strips {
    tile: Tile,
    order: Vec<usize>,
    steps: Vec<usize>,
    counts: Vec<usize>,
    at: Vec<usize>,
    done: bool,
}

impl Iterator for Strips {
    type Item = Tile;

    fn next(&mut self) -> Option<Tile> {
        if self.done {
            return None;
        }
        let mut strip = self.tile.clone();
        for (q, &a) in self.order.iter().enumerate() {
            let from = self.at[q] * self.steps[q];
            strip.start[a] = self.tile.start[a] + from;
            strip.shape[a] = self.steps[q].min(self.tile.shape[a] - from);
        }
        // The innermost axis (last in `order`) turns fastest.
        self.done = true;
        for q in (0..self.order.len()).rev() {
            self.at[q] += 1;
            if self.at[q] < self.counts[q] {
                self.done = false;
                break;
            }
            self.at[q] = 0;
        }
        Some(strip)
    }
}

/// The order `strips` splits a plan's tiles in: C order, except that a rolling window's axis
/// is kept whole (innermost), so each window's rows are read once per strip rather than
/// once per output row.
pub(super) fn strip_order(plan: &Plan) -> Vec<usize> {
    let ndim = plan.shape().len();
    match &plan.node {
        Node::Rolling(Rolling { axis, .. }) | Node::Carried(Carried { axis, .. }) => (0..ndim)
            .filter(|a| a != axis)
            .chain(std::iter::once(*axis))
            .collect(),
        _ => (0..ndim).collect(),
    }
}

/// The tiles of the grid that cuts axis `a` into `pieces[a]` (start, length), in C order.
pub(super) fn tile_grid(pieces: &[Vec<(usize, usize)>]) -> Vec<Tile> {
    let mut out = vec![Tile {
        start: Vec::new(),
        shape: Vec::new(),
    }];
    for axis in pieces {
        out = out
            .iter()
            .flat_map(|t| {
                axis.iter().map(move |&(s, n)| {
                    let mut t = t.clone();
                    t.start.push(s);
                    t.shape.push(n);
                    t
                })
            })
            .collect();
    }
    out
}

pub(super) fn region(tile: &Tile, axis: usize) -> Slice {
    Slice::from(tile.start[axis]..tile.start[axis] + tile.shape[axis])
}

/// Bytes one tile of `expr` may take while evaluated: its source reads in storage dtype (with
/// the codec's compressed and decoded buffers alive during the read), plus the `f64`
/// temporaries of one strip per plan node.
pub(super) fn tile_cost(expr: &Plan, tile: &Tile) -> u64 {
    fn walk(e: &Plan, nodes: &mut u64, read_bytes: &mut u64) {
        *nodes += 1;
        if let Node::Source { source, .. } = &e.node {
            *read_bytes += source.dtype().size() as u64;
        }
        for input in e.inputs() {
            walk(input, nodes, read_bytes);
        }
    }
    let (mut nodes, mut read_bytes) = (0, 0);
    walk(expr, &mut nodes, &mut read_bytes);
    let len = tile.len() as u64;
    len * read_bytes * 3 + len.min(STRIP as u64) * 8 * (nodes + 1)
}

/// What the caller holds besides the tiles: `fixed` bytes for the whole run (accumulators),
/// and `per_tile` bytes for each tile's result until it is folded.
pub(super) struct Memory<F: Fn(&Tile) -> u64> {
    pub(super) fixed: u64,
    pub(super) per_tile: F,
}

#[cfg(test)]
mod tests {
    use super::*;
    use ndarray::IxDyn;

    /// Every element of `tile` in exactly one strip, each strip within [`STRIP`] elements.
    fn covers_once(tile: &Tile, order: &[usize]) -> usize {
        let mut seen = ndarray::ArrayD::<u8>::zeros(IxDyn(&tile.shape));
        let mut count = 0;
        for strip in strips(tile, order) {
            assert!(strip.len() <= STRIP.max(1), "{strip:?}");
            seen.slice_each_axis_mut(|ax| {
                let a = ax.axis.index();
                let from = strip.start[a] - tile.start[a];
                Slice::from(from..from + strip.shape[a])
            })
            .mapv_inplace(|n| n + 1);
            count += 1;
        }
        assert!(seen.iter().all(|&n| n == 1));
        count
    }

    #[test]
    fn strips_cover_a_tile_once_in_bounded_pieces() {
        let tile = |start: &[usize], shape: &[usize]| Tile {
            start: start.to_vec(),
            shape: shape.to_vec(),
        };
        assert_eq!(covers_once(&tile(&[3, 5], &[7, 11]), &[0, 1]), 1);
        assert_eq!(
            covers_once(&tile(&[0, 2, 0], &[3, 600, 1000]), &[0, 1, 2]),
            9
        );
        assert_eq!(covers_once(&tile(&[10, 0], &[300_000, 1]), &[1, 0]), 2);
        assert_eq!(covers_once(&tile(&[0, 0], &[4, 0]), &[0, 1]), 1);
        assert_eq!(covers_once(&tile(&[0, 0], &[0, 300_000]), &[0, 1]), 0);
        // A tile of 10**15 elements gives its first strips at once.
        let huge = tile(&[0, 0, 0], &[100_000, 100_000, 100_000]);
        let first: Vec<Tile> = strips(&huge, &[0, 1, 2]).take(3).collect();
        assert_eq!(first[2].start, vec![0, 4, 0]);
        assert_eq!(first[2].shape, vec![1, 2, 100_000]);
    }
}
