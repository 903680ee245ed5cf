//! The executor: what runs computations. For now, the cancellation token every loop checks.

mod cancel;

pub use cancel::{CancelToken, Cancelled};
