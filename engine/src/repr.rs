//! Text and HTML reprs of datasets and arrays: pure functions from model values to `String`.
//!
//! What users read before anything else: [`text::dataset`] and [`text::dataarray`] write
//! xarray's text reprs line for line; [`html::dataset`] and [`html::dataarray`] mirror its
//! `_repr_html_` (dimensions, coordinates, data variables, attributes, collapsible sections, a
//! dask-like chunk table for lazy data, a `<pre>` text fallback), with inline styles only and
//! every user string escaped by [`escape`]. A repr never computes: it looks at shapes, dtypes,
//! chunk layouts, attributes and loaded values, and summarises past [`DisplayOptions`] bounds.
//!
//! Values print as numpy and Python print them: [`numpy`] for arrays, [`python`] for scalars
//! and attributes, [`dask`] for lazy arrays. A new displayable object (GroupBy, Rolling,
//! Resample) adds one function to [`html`] built from the same section pieces.

mod chunks;
pub mod dask;
mod escape;
pub mod html;
pub mod numpy;
mod options;
pub mod python;
mod section;
mod style;
mod summary;
pub mod text;

pub use chunks::ChunkLayout;
pub use escape::escape;
pub use options::DisplayOptions;
pub use summary::{dask_inline, dataset_dims, dtype_name, is_index};
