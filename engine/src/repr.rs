//! Text and HTML reprs of datasets and arrays: pure functions from model values to `String`.
//!
//! What users read before anything else: [`html::dataset`] and [`html::dataarray`] mirror
//! xarray's `_repr_html_` (dimensions, coordinates, data variables, attributes, collapsible
//! sections, a dask-like chunk table for lazy data, a `<pre>` text fallback), with inline styles
//! only and every user string escaped by [`escape`]. A repr never reads a chunk: it looks at
//! shapes, dtypes, chunk layouts and attributes, and summarises past [`DisplayOptions`] bounds.
//!
//! It does not format numbers: numpy's printing rules live with the language, which passes them
//! in through [`ValueFormat`], along with the text repr the fallback shows. A new displayable
//! object (GroupBy, Rolling, Resample) adds one function to [`html`] built from the same
//! section pieces, and one arm in the language's display hook.

mod chunks;
pub mod dask;
mod escape;
pub mod html;
pub mod numpy;
mod options;
mod section;
mod style;
mod summary;

pub use chunks::ChunkLayout;
pub use escape::escape;
pub use html::ValueFormat;
pub use options::DisplayOptions;
pub use summary::{dask_inline, dataset_dims, dtype_name, is_index};
