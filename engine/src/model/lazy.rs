//! The seam between data and plans: a variable's values are in memory or a lazy plan.
//!
//! The plan type lives in `ops`; the model only knows it by this trait, so the layering
//! (model <- ops <- exec) holds.

use super::{Block, DType};
use std::any::Any;
use std::fmt;
use std::sync::Arc;

/// A lazily computed N-d array (an `ops` plan), as the model sees it.
pub trait LazyArray: Send + Sync + fmt::Debug {
    /// The shape.
    fn shape(&self) -> &[usize];
    /// The dtype of the computed values.
    fn dtype(&self) -> DType;
    /// Chunk sizes per axis (dask-style), for reprs and `.chunks`.
    fn chunks(&self) -> Vec<Vec<usize>>;
    /// For `ops` and `exec` to reach the concrete plan.
    fn as_any_arc(self: Arc<Self>) -> Arc<dyn Any + Send + Sync>;
}

/// A variable's values: computed, or a plan not run yet.
#[derive(Debug, Clone)]
pub enum Data {
    /// Values in memory.
    Memory(Arc<Block>),
    /// A plan; nothing has been read.
    Lazy(Arc<dyn LazyArray>),
}

impl Data {
    /// The shape.
    pub fn shape(&self) -> Vec<usize> {
        match self {
            Data::Memory(b) => b.shape().to_vec(),
            Data::Lazy(l) => l.shape().to_vec(),
        }
    }

    /// The dtype.
    pub fn dtype(&self) -> DType {
        match self {
            Data::Memory(b) => b.dtype(),
            Data::Lazy(l) => l.dtype(),
        }
    }

    /// Whether the values are in memory.
    pub fn is_loaded(&self) -> bool {
        matches!(self, Data::Memory(_))
    }
}
