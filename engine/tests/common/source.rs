//! `FnSource`: a chunked float64 source whose values are a function of the element's index,
//! optionally slow to read, counting its reads (what a Zarr array is to the plan, without one).
#![allow(clippy::cast_possible_truncation, reason = "test arrays are small")]

use ndarray::{ArrayD, Dimension, IxDyn};
use nereus_engine::io::{ChunkSource, IoError};
use nereus_engine::model::{Block, DType};
use std::fmt;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// The value at a whole-array index.
type ValueAt = Box<dyn Fn(&[usize]) -> f64 + Send + Sync>;

/// A source computing each value from its index; each region read sleeps `delay`.
pub struct FnSource {
    name: &'static str,
    shape: Vec<u64>,
    chunks: Vec<u64>,
    value: ValueAt,
    delay: Duration,
    /// Regions read so far.
    pub reads: AtomicUsize,
    in_flight: AtomicUsize,
    /// The most regions read at once.
    pub max_in_flight: AtomicUsize,
}

impl FnSource {
    /// A source called `name` of `shape` in `chunks`, `value(index)` at each index, read at once.
    pub fn new(
        name: &'static str,
        shape: &[u64],
        chunks: &[u64],
        value: impl Fn(&[usize]) -> f64 + Send + Sync + 'static,
    ) -> Self {
        Self {
            name,
            shape: shape.to_vec(),
            chunks: chunks.to_vec(),
            value: Box::new(value),
            delay: Duration::ZERO,
            reads: AtomicUsize::new(0),
            in_flight: AtomicUsize::new(0),
            max_in_flight: AtomicUsize::new(0),
        }
    }

    /// The same source, each region read taking `delay`.
    pub fn slow(self, delay: Duration) -> Self {
        Self { delay, ..self }
    }

    /// An in-memory array served in `chunks`.
    pub fn memory(data: ArrayD<f64>, chunks: &[u64]) -> Self {
        let shape: Vec<u64> = data.shape().iter().map(|&n| n as u64).collect();
        Self::new("mem", &shape, chunks, move |ix| data[IxDyn(ix)])
    }
}

impl fmt::Debug for FnSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FnSource")
            .field("name", &self.name)
            .field("shape", &self.shape)
            .field("chunks", &self.chunks)
            .field("delay", &self.delay)
            .finish_non_exhaustive()
    }
}

impl ChunkSource for FnSource {
    fn name(&self) -> &str {
        self.name
    }
    fn shape(&self) -> &[u64] {
        &self.shape
    }
    fn chunks(&self) -> &[u64] {
        &self.chunks
    }
    fn dtype(&self) -> DType {
        DType::F64
    }
    fn read_chunk(&self, index: &[u64]) -> Result<Block, IoError> {
        let start: Vec<u64> = index.iter().zip(&self.chunks).map(|(i, c)| i * c).collect();
        let shape: Vec<u64> = start
            .iter()
            .zip(&self.chunks)
            .zip(&self.shape)
            .map(|((s, c), n)| (*c).min(n - s))
            .collect();
        self.read_region(&start, &shape)
    }
    fn read_region(&self, start: &[u64], shape: &[u64]) -> Result<Block, IoError> {
        self.reads.fetch_add(1, Ordering::SeqCst);
        let now = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        self.max_in_flight.fetch_max(now, Ordering::SeqCst);
        std::thread::sleep(self.delay);
        let dims: Vec<usize> = shape.iter().map(|&n| n as usize).collect();
        let mut at = vec![0; dims.len()];
        let block = ArrayD::from_shape_fn(IxDyn(&dims), |ix| {
            for ((a, &s), &i) in at.iter_mut().zip(start).zip(ix.as_array_view()) {
                *a = s as usize + i;
            }
            (self.value)(&at)
        });
        self.in_flight.fetch_sub(1, Ordering::SeqCst);
        Ok(Block::F64(block))
    }
}
