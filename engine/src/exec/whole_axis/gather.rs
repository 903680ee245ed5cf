//! Gathers a column tile (the whole reduced axes for a block of cells) into one buffer,
//! cell-major, so each cell's values are one contiguous run for selection.
//!
//! A source (or a box of one) reduced along its leading axes is streamed chunk by chunk in
//! slabs of rows, each slab transposed into the columns as stored (its CF decoding is left to
//! each cell's run, see [`Gather::decoder`]); any other plan is evaluated strip by strip in
//! `f64` and each strip is permuted into place.

use super::select::Value;
use crate::coding::CfDecoder;
use crate::exec::elementwise::for_each_strip;
use crate::exec::fused::fused_source;
use crate::exec::tiles::{tile_grid, Tile};
use crate::exec::{CancelToken, ExecError};
use crate::io::with_slab;
use crate::io::ChunkSource;
use crate::model::{DType, ToF64};
use crate::ops::Plan;
use ndarray::{ArrayViewMutD, IxDyn, Slice, Zip};
use std::ops::ControlFlow;
use std::sync::Arc;

/// Decompressed bytes per slab: enough rows (36 of a 240 x 480 float32 chunk) that each cell's
/// column gets a run of values at a time; with fewer, the columns' cache lines are fetched
/// again for each slab (4 MB slabs took twice the CPU time on the SSH sample's median).
const SLAB_BYTES: u64 = 16 << 20;

/// Cells whose values are interleaved in a source tile's buffer: one cache line of `f32`.
const LANES: usize = 16;

/// Where a tile's values lie in its buffer: cells in blocks of `lanes`, and within a block
/// value `t` of its cells in `lanes` consecutive slots, so value `t` of cell `c` is at
/// `(c / lanes * n + t) * lanes + c % lanes`. One lane is plain cell-major columns.
#[derive(Debug, Clone, Copy)]
pub(super) struct Layout {
    /// Output cells.
    pub(super) cells: usize,
    /// Values per cell.
    pub(super) n: usize,
    /// Cells per block.
    pub(super) lanes: usize,
}

impl Layout {
    /// The buffer length, the last block padded.
    pub(super) fn len(self) -> usize {
        self.cells.div_ceil(self.lanes) * self.lanes * self.n
    }

    /// Where value 0 of cell `c` lies; value `t` is `t * lanes` further.
    pub(super) fn start(self, c: usize) -> usize {
        c / self.lanes * self.n * self.lanes + c % self.lanes
    }
}

/// How a column tile's values are read.
pub(super) enum Gather<'a> {
    /// Straight from a source whose first `reduced` axes are the reduced ones.
    Source {
        source: &'a Arc<dyn ChunkSource>,
        decoder: &'a CfDecoder,
        /// Where the input's origin lies in the source.
        offset: Vec<usize>,
        reduced: usize,
    },
    /// Any other plan, evaluated in `f64` strip by strip, each strip permuted into place:
    /// `order` lists the input axes, kept ones first.
    Strips { order: Vec<usize> },
}

impl<'a> Gather<'a> {
    /// The way to read `input` reduced along `axes` (ascending).
    pub(super) fn new(input: &'a Plan, axes: &[usize]) -> Self {
        let leading = !axes.is_empty() && axes.iter().enumerate().all(|(i, &a)| i == a);
        match fused_source(input) {
            Some((source, decoder, offset)) if leading => Gather::Source {
                source,
                decoder,
                offset,
                reduced: axes.len(),
            },
            _ => Gather::Strips {
                order: (0..input.shape().len())
                    .filter(|a| !axes.contains(a))
                    .chain(axes.iter().copied())
                    .collect(),
            },
        }
    }

    /// Whether every value read is an exact `f32` (or NaN), so columns may hold `f32`.
    pub(super) fn exact_f32(&self) -> bool {
        match self {
            Gather::Source { decoder, .. } => {
                matches!(
                    decoder.storage_dtype(),
                    DType::F32 | DType::I16 | DType::U16 | DType::I8 | DType::U8 | DType::Bool
                ) && decoder.keeps_values()
            }
            Gather::Strips { .. } => false,
        }
    }

    /// Cells per block of the buffer [`Gather::fill`] writes (see [`Layout`]): a source's
    /// slab rows are copied a cache line at a time, evaluated strips one value at a time.
    pub(super) fn lanes(&self) -> usize {
        match self {
            Gather::Source { .. } => LANES,
            Gather::Strips { .. } => 1,
        }
    }

    /// The decoding [`Gather::fill`] leaves to each cell's run, if any: runs in cache decode
    /// faster than the strided copy into them could.
    pub(super) fn decoder(&self) -> Option<&'a CfDecoder> {
        match self {
            Gather::Source { decoder, .. } if !decoder.is_identity() => Some(decoder),
            _ => None,
        }
    }

    /// Fills `cols` (laid out as `layout`, with [`Gather::lanes`]) with the tile of `input`:
    /// cells in C order of the kept axes, each cell's values in C order of the reduced axes;
    /// still to be decoded with [`Gather::decoder`].
    pub(super) fn fill<T: Value>(
        &self,
        input: &Plan,
        (tile, layout): (&Tile, Layout),
        cols: &mut [T],
        cancel: &CancelToken,
    ) -> Result<(), ExecError> {
        match self {
            Gather::Source {
                source,
                offset,
                reduced,
                ..
            } => {
                let columns = Columns {
                    tile,
                    layout,
                    reduced: *reduced,
                };
                columns.stream(input, source.as_ref(), offset, cols, cancel)
            }
            Gather::Strips { order } => {
                let shape: Vec<usize> = order.iter().map(|&a| tile.shape[a]).collect();
                let mut target = ArrayViewMutD::from_shape(IxDyn(&shape), cols)
                    .unwrap_or_else(|_| unreachable!("the buffer is as long as the tile"));
                for_each_strip(input, tile, cancel, |strip, part| {
                    let mut place = target.slice_each_axis_mut(|ax| {
                        let a = order[ax.axis.index()];
                        let from = strip.start[a] - tile.start[a];
                        Slice::from(from..from + strip.shape[a])
                    });
                    Zip::from(&mut place)
                        .and(&part.permuted_axes(IxDyn(order)))
                        .for_each(|c, &x| *c = T::from_f64(x));
                })
            }
        }
    }
}

/// A tile read from a source whose first `reduced` axes are the reduced ones.
struct Columns<'a> {
    tile: &'a Tile,
    layout: Layout,
    reduced: usize,
}

impl Columns<'_> {
    /// Streams the tile's source chunks (pieces cut along the reduced axes at chunk edges, so
    /// each is read in slabs) into `cols`.
    fn stream<T: Value>(
        &self,
        input: &Plan,
        source: &dyn ChunkSource,
        offset: &[usize],
        cols: &mut [T],
        cancel: &CancelToken,
    ) -> Result<(), ExecError> {
        let tile = self.tile;
        if tile.len() == 0 {
            return Ok(());
        }
        let chunks = input.chunk_sizes();
        let pieces: Vec<Vec<(usize, usize)>> = (0..tile.shape.len())
            .map(|a| {
                let (s, n) = (tile.start[a], tile.shape[a]);
                if a < self.reduced {
                    within(&chunks[a], s, n)
                } else {
                    vec![(s, n)]
                }
            })
            .collect();
        for piece in tile_grid(&pieces) {
            let to_u64 = |v: Vec<usize>| v.into_iter().map(|x| x as u64).collect::<Vec<u64>>();
            let start = to_u64(piece.start.iter().zip(offset).map(|(s, o)| s + o).collect());
            let shape = to_u64(piece.shape.clone());
            let mut line = 0;
            let mut failed = None;
            source.read_region_slabs(&start, &shape, SLAB_BYTES, &mut |slab| {
                if let Err(e) = cancel.check() {
                    failed = Some(e);
                    return ControlFlow::Break(());
                }
                with_slab!(slab, flat => {
                    line += self.scatter(&piece, line, flat, cols);
                });
                ControlFlow::Continue(())
            })?;
            if let Some(e) = failed {
                return Err(e.into());
            }
        }
        Ok(())
    }

    /// Copies a slab of `piece` (whole lines of the tile's cells, from line `first` of the
    /// piece), still encoded, into the buffer; returns how many lines it held.
    fn scatter<S: ToF64, T: Value>(
        &self,
        piece: &Tile,
        first: usize,
        flat: &[S],
        cols: &mut [T],
    ) -> usize {
        let Layout { cells, n, lanes } = self.layout;
        let lines = flat.len() / cells.max(1);
        let at: Vec<usize> = (first..first + lines)
            .map(|l| self.position(piece, l))
            .collect();
        // Block by block: a block's part of the slab is one contiguous run of the buffer, and
        // each line gives it a cache line of values.
        for (b, block) in cols.chunks_exact_mut(n * lanes).enumerate() {
            let from = b * lanes;
            let len = lanes.min(cells.saturating_sub(from));
            for (k, &t) in at.iter().enumerate() {
                let values = &flat[k * cells + from..k * cells + from + len];
                for (slot, &x) in block[t * lanes..t * lanes + len].iter_mut().zip(values) {
                    *slot = T::from_f64(x.to_f64());
                }
            }
        }
        lines
    }

    /// Where line `l` of `piece` (one index of its reduced axes, C order) lies in a column.
    fn position(&self, piece: &Tile, mut l: usize) -> usize {
        let (mut at, mut stride) = (0, 1);
        for a in (0..self.reduced).rev() {
            let n = piece.shape[a].max(1);
            at += (piece.start[a] - self.tile.start[a] + l % n) * stride;
            l /= n;
            stride *= self.tile.shape[a];
        }
        at
    }
}

/// The pieces of `start .. start + len` cut at the edges of chunks sized `sizes`.
fn within(sizes: &[usize], start: usize, len: usize) -> Vec<(usize, usize)> {
    let (end, mut at, mut out) = (start + len, 0, Vec::new());
    for &size in sizes {
        let (lo, hi) = (at.max(start), (at + size).min(end));
        if lo < hi {
            out.push((lo, hi - lo));
        }
        at += size;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::Gather;
    use crate::coding::CfDecoder;
    use crate::exec::{compute, CancelToken, Context, ExecConfig};
    use crate::io::{ChunkSource, IoError};
    use crate::model::{Attrs, Block, DType};
    use crate::ops::{Along, AlongOp, Node, Plan, Sel};
    use ndarray::{ArrayD, IxDyn, Slice};
    use std::sync::Arc;

    /// An in-memory float32 array read as a chunked source.
    #[derive(Debug)]
    struct Stored {
        values: ArrayD<f32>,
        shape: Vec<u64>,
        chunks: Vec<u64>,
    }

    fn at(v: u64) -> usize {
        usize::try_from(v).unwrap_or(usize::MAX)
    }

    impl ChunkSource for Stored {
        fn name(&self) -> &'static str {
            "v"
        }
        fn shape(&self) -> &[u64] {
            &self.shape
        }
        fn chunks(&self) -> &[u64] {
            &self.chunks
        }
        fn dtype(&self) -> DType {
            DType::F32
        }
        fn read_chunk(&self, index: &[u64]) -> Result<Block, IoError> {
            let start: Vec<u64> = index.iter().zip(&self.chunks).map(|(i, c)| i * c).collect();
            let shape: Vec<u64> = (0..start.len())
                .map(|a| self.chunks[a].min(self.shape[a] - start[a]))
                .collect();
            self.read_region(&start, &shape)
        }
        fn read_region(&self, start: &[u64], shape: &[u64]) -> Result<Block, IoError> {
            let part = self.values.slice_each_axis(|ax| {
                let (s, n) = (at(start[ax.axis.index()]), at(shape[ax.axis.index()]));
                Slice::from(s..s + n)
            });
            Ok(Block::F32(part.to_owned()))
        }
    }

    /// `op` over `axes` of `input` under `budget`, as `f64` bits.
    fn run(input: &Arc<Plan>, op: &AlongOp, axes: &[usize], budget: u64) -> Vec<u64> {
        let mut shape: Vec<usize> = match op {
            AlongOp::Quantile { qs, list: true } => vec![qs.len()],
            _ => Vec::new(),
        };
        shape.extend(
            (0..input.shape().len())
                .filter(|a| !axes.contains(a))
                .map(|a| input.shape()[a]),
        );
        let along = Along {
            op: op.clone(),
            input: Arc::clone(input),
            axes: axes.to_vec(),
            skipna: true,
        };
        let expr = Plan::new(Node::Along(along), shape, DType::F64);
        let cancel = CancelToken::new();
        let ctx = Context {
            config: ExecConfig {
                threads: 2,
                memory_budget: budget,
                result_budget: None,
            },
            progress: None,
            cancel: &cancel,
        };
        let out = compute(&expr, &ctx).unwrap_or_else(|e| panic!("{e}"));
        out.to_f64().iter().map(|x| x.to_bits()).collect()
    }

    /// Quantiles and argmax over the leading axes of a masked (or scaled) float32 source, and
    /// of a box of it off the chunk grid, equal the same over its decoded values in memory, bit
    /// for bit, whether tiles are whole chunks or single cells.
    #[test]
    fn source_columns_match_evaluated_ones() {
        let dims = [30, 5, 7];
        let values = ArrayD::from_shape_fn(IxDyn(&dims), |ix| {
            let k = (ix[0] * 7919 + ix[1] * 31 + ix[2] * 17) % 23;
            if k == 4 {
                1e20
            } else {
                f32::from(u8::try_from(k).unwrap_or(0)) * 0.37 - 3.0
            }
        });
        let stored: Arc<dyn ChunkSource> = Arc::new(Stored {
            values: values.clone(),
            shape: vec![30, 5, 7],
            chunks: vec![8, 3, 4],
        });
        let ops = [
            AlongOp::Quantile {
                qs: vec![0.5],
                list: false,
            },
            AlongOp::Quantile {
                qs: vec![0.0, 0.3, 0.95],
                list: true,
            },
            AlongOp::ArgMax,
        ];
        let sel = vec![
            Sel::Range {
                start: 3,
                step: 1,
                len: 25,
            },
            Sel::Range {
                start: 1,
                step: 1,
                len: 4,
            },
            Sel::all(7),
        ];
        let boxed = |input: &Arc<Plan>| {
            let node = Node::Select {
                input: Arc::clone(input),
                sel: sel.clone(),
            };
            Plan::new(node, vec![25, 4, 7], input.dtype())
        };
        for scaled in [false, true] {
            let mut attrs = Attrs::new();
            if scaled {
                attrs.insert("scale_factor".into(), 0.1.into());
            }
            let decoder = CfDecoder::decode_cf("v", &attrs, DType::F32, Some(1e20))
                .unwrap_or_else(|e| panic!("{e}"))
                .decoder;
            let expected = values.mapv(|x| decoder.decode(f64::from(x)));
            let source = Plan::source(Arc::clone(&stored), decoder);
            let memory = Plan::memory(Arc::new(Block::F64(expected)));
            assert_eq!(Gather::new(&source, &[0]).exact_f32(), !scaled);
            assert!(matches!(
                Gather::new(&boxed(&source), &[0, 1]),
                Gather::Source { .. }
            ));
            for (s, m) in [
                (Arc::clone(&source), Arc::clone(&memory)),
                (boxed(&source), boxed(&memory)),
            ] {
                for axes in [vec![0], vec![0, 1]] {
                    for op in &ops {
                        for budget in [1 << 30, 2 << 10] {
                            let want = run(&m, op, &axes, budget);
                            assert_eq!(run(&s, op, &axes, budget), want, "{op:?} {axes:?}");
                        }
                    }
                }
            }
        }
    }
}
