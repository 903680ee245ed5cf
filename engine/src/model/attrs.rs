//! Attributes: an ordered map of names to JSON values, as Zarr stores them.

/// Variable or dataset attributes, in their stored order.
pub type Attrs = indexmap::IndexMap<String, serde_json::Value>;
