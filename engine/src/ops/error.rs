//! Errors building a plan: unknown names, mismatched shapes, bad indexers; each says what was
//! expected and suggests the closest valid name.

use crate::model::names::py_repr;
/// An error in what an operation was asked to do.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum PlanError {
    /// A dimension that the array does not have.
    #[error("no dimension {name:?}{}; the dimensions are {}", suggest(.suggestion.as_ref()), list(.valid))]
    UnknownDim {
        /// What was asked for.
        name: String,
        /// Closest valid dimension.
        suggestion: Option<String>,
        /// Every valid dimension.
        valid: Vec<String>,
    },
    /// A variable that the dataset does not have.
    #[error("no variable {name:?}{}; the variables are {}", suggest(.suggestion.as_ref()), list(.valid))]
    UnknownVariable {
        /// What was asked for.
        name: String,
        /// Closest valid name.
        suggestion: Option<String>,
        /// Every valid name.
        valid: Vec<String>,
    },
    /// A boolean mask whose length is not the dimension's (numpy's IndexError).
    #[error("Boolean array size {len} is used to index array with shape ({size},).")]
    MaskLength {
        /// The mask's length.
        len: usize,
        /// The dimension's size.
        size: usize,
    },
    /// An integer position outside the dimension.
    #[error("index {index} is out of bounds for dimension {dim:?} of size {size}")]
    OutOfBounds {
        /// Dimension.
        dim: String,
        /// The position asked for.
        index: i64,
        /// The dimension's size.
        size: usize,
    },
    /// A slice step of zero.
    #[error("slice step cannot be zero")]
    BadStep {
        /// Dimension.
        dim: String,
        /// The step.
        step: i64,
    },
    /// Operands disagree on the size of a dimension that no index lets them align on.
    #[error(
        "cannot reindex or align along dimension '{dim}' because of conflicting dimension sizes: {{{}}}{}",
        join(.sizes),
        index_note(*.index_size)
    )]
    SizeMismatch {
        /// Dimension.
        dim: String,
        /// The distinct sizes, ascending.
        sizes: Vec<usize>,
        /// The size of the aligned index along `dim`, when some operand has one.
        index_size: Option<usize>,
    },
    /// Labels of an index differ between operands and one of them repeats a label.
    #[error(
        "cannot reindex or align along dimension '{dim}' because the index has duplicate values"
    )]
    DuplicateLabels {
        /// Dimension.
        dim: String,
    },
    /// Indexes whose labels cannot be compared (times against numbers, different calendars).
    #[error("cannot align along dimension '{dim}': {why}")]
    IncompatibleIndexes {
        /// Dimension.
        dim: String,
        /// Why the labels do not compare.
        why: String,
    },
    /// `align(join="exact")` on indexes that differ.
    #[error(
        "cannot align objects with join='exact' where index/labels/sizes are not equal along these coordinates (dimensions): {}",
        exact_dims(.dims)
    )]
    NotAligned {
        /// Dimensions whose labels differ.
        dims: Vec<String>,
    },
    /// `open_zarr(chunks=...)` with a size that is neither positive nor -1.
    #[error(
        "chunk size {size}{} is not valid: give a positive size, -1 for the whole dimension, or \"auto\"",
        .dim.as_ref().map(|d| format!(" for dimension {d:?}")).unwrap_or_default()
    )]
    BadChunkSize {
        /// Dimension (`None` for a size given for every dimension).
        dim: Option<String>,
        /// The size given.
        size: i64,
    },
    /// `sel` needs a 1-D coordinate along the dimension.
    #[error(
        "cannot select by label along {dim:?}: it has no 1-D coordinate (use isel for positions)"
    )]
    NoIndex {
        /// Dimension.
        dim: String,
    },
    /// A label not in the index.
    #[error(
        "label {label} not found in coordinate {dim:?} (use method=\"nearest\" for the closest)"
    )]
    LabelNotFound {
        /// Dimension.
        dim: String,
        /// The label, as shown to the user.
        label: String,
    },
    /// No label within `sel`'s tolerance of the one asked for.
    #[error("no label of coordinate {dim:?} within {tolerance} of {label}")]
    NotWithinTolerance {
        /// Dimension.
        dim: String,
        /// The label, as shown to the user.
        label: String,
        /// The tolerance.
        tolerance: f64,
    },
    /// A label of the wrong kind for the index (a date for numbers, or the reverse).
    #[error("label {label} does not fit coordinate {dim:?}: {why}")]
    BadLabel {
        /// Dimension.
        dim: String,
        /// The label.
        label: String,
        /// What was expected.
        why: String,
    },
    /// A Python int that the dtype it is cast to cannot hold (NEP 50: `int8_array + 300`).
    #[error("Python integer {value} out of bounds for {dtype}")]
    IntOutOfBounds {
        /// The integer.
        value: i64,
        /// The dtype the operation runs in.
        dtype: String,
    },
    /// A date format (`strftime`) that cannot be applied.
    #[error("cannot format dates with {format:?}: {source}")]
    BadFormat {
        /// The format.
        format: String,
        /// The directive at fault.
        source: crate::coding::strftime::FormatError,
    },
    /// The operation does not apply to this dtype.
    #[error("{op} is not defined for dtype {dtype}")]
    BadDtype {
        /// The operation.
        op: String,
        /// The dtype.
        dtype: String,
    },
    /// A groupby key that names no coordinate or time component.
    #[error("cannot group by {key:?}: {why}{}", suggest(.suggestion.as_ref()))]
    BadGroupKey {
        /// The key as given (`"time.month"`, `"lat"`).
        key: String,
        /// What is wrong with it.
        why: String,
        /// The closest valid key.
        suggestion: Option<String>,
    },
    /// A resample frequency that is not understood.
    #[error("invalid frequency {freq:?} for resample: {why}")]
    BadFrequency {
        /// The frequency as given.
        freq: String,
        /// What is expected.
        why: String,
    },
    /// A window that does not fit the dimension (`rolling`, `coarsen`).
    #[error("invalid window for dimension {dim:?}: {why}")]
    BadWindow {
        /// Dimension.
        dim: String,
        /// What is wrong, with the value given.
        why: String,
    },
    /// The other operand of a GroupBy operation lacks the groups.
    #[error("cannot combine a GroupBy over {group:?} with this operand: {why}")]
    GroupMismatch {
        /// The group dimension.
        group: String,
        /// What is missing.
        why: String,
    },
    /// `weighted(weights)` with NaN among the weights.
    #[error("`weights` cannot contain missing values. Missing values can be replaced by `weights.fillna(0)`.")]
    MissingWeights,
    /// A weighted reduction over a dimension of neither the array nor the weights.
    #[error("DataArrayWeighted does not contain the dimensions: {}{}", list(.missing), suggest(.suggestion.as_ref()))]
    WeightedDims {
        /// The dimensions asked for that neither has.
        missing: Vec<String>,
        /// The closest valid dimension.
        suggestion: Option<String>,
    },
    /// `coarsen(boundary="exact")` on a dimension the window does not divide.
    #[error("Could not coarsen a dimension of size {size} with window {window} and boundary='exact'. Try a different 'boundary' option.")]
    CoarsenNotExact {
        /// The dimension's size.
        size: usize,
        /// The window.
        window: usize,
    },
    /// An option given a value it does not take (`boundary`, `side`, `method`).
    #[error("invalid {option} {value:?}: expected one of {}{}", list(.valid), suggest(.suggestion.as_ref()))]
    BadOption {
        /// The option's name.
        option: String,
        /// The value given.
        value: String,
        /// The values it takes.
        valid: Vec<String>,
        /// The closest valid value.
        suggestion: Option<String>,
    },
    /// `.chunk({dim: (sizes...)})` with sizes that do not add up to the dimension.
    #[error("chunks {chunks:?} for dimension {dim:?} do not add up to its length {size} (or hold an empty chunk)")]
    ChunksMismatch {
        /// Dimension.
        dim: String,
        /// The chunk lengths given.
        chunks: Vec<usize>,
        /// The dimension's length.
        size: usize,
    },
    /// A quantile outside `[0, 1]`.
    #[error("Quantiles must be in the range [0, 1]; got {q}")]
    BadQuantile {
        /// The quantile given.
        q: f64,
    },
    /// `rename` of a name that is neither a variable nor a dimension.
    #[error("cannot rename '{name}' because it is not a variable or dimension in this dataset{}", suggest(.suggestion.as_ref()))]
    RenameMissing {
        /// The name given.
        name: String,
        /// The closest valid name.
        suggestion: Option<String>,
    },
    /// `transpose` with dims that are not a permutation of the array's.
    #[error("{} must be a permuted list of {}, unless `...` is included", py_tuple(.given), py_tuple(.dims))]
    NotPermutation {
        /// The dims given.
        given: Vec<String>,
        /// The array's dims.
        dims: Vec<String>,
    },
    /// `squeeze` of a dimension longer than one.
    #[error("cannot select a dimension to squeeze out which has length greater than one ({dim:?} has length {size})")]
    NotSqueezable {
        /// Dimension.
        dim: String,
        /// Its length.
        size: usize,
    },
    /// `expand_dims` of a dimension the array has.
    #[error("Dimension {dim} already exists.")]
    DimExists {
        /// Dimension.
        dim: String,
    },
    /// `drop_vars(errors="raise")` of names the dataset lacks.
    #[error("These variables cannot be found in this dataset: [{}]{}", quoted(.names), suggest(.suggestion.as_ref()))]
    VarsNotFound {
        /// The missing names.
        names: Vec<String>,
        /// The closest valid name to the first.
        suggestion: Option<String>,
    },
    /// `merge` of variables whose values differ (xarray's MergeError).
    #[error("conflicting values for variable '{name}' on objects to be combined. You can skip this check by specifying compat='override'.")]
    MergeConflict {
        /// The variable.
        name: String,
    },
    /// `concat` or `merge` of nothing.
    #[error("must supply at least one object to {op}")]
    NothingToCombine {
        /// `concatenate` or `merge`.
        op: &'static str,
    },
    /// `concat` of arrays whose dimensions differ other than along the concat dimension.
    #[error("cannot concatenate arrays with dimensions {} and {}", py_tuple(.first), py_tuple(.other))]
    ConcatDims {
        /// The first array's dims.
        first: Vec<String>,
        /// The differing array's dims.
        other: Vec<String>,
    },
    /// `concat` of datasets that do not all hold a variable.
    #[error("variables {{'{name}'}} are present in some datasets but not others.")]
    NotInAll {
        /// The variable.
        name: String,
    },
    /// numpy arrays whose shapes numpy's broadcasting rules cannot combine.
    #[error("operands could not be broadcast together with shapes {}", numpy_shapes(.shapes))]
    NotBroadcastable {
        /// The shapes, in operand order.
        shapes: Vec<Vec<usize>>,
    },
    /// A numpy array with more axes than the DataArrays it is combined with have dimensions.
    #[error("dimensions {} must have the same length as the number of data dimensions, ndim={ndim}", py_tuple(.dims))]
    TooManyAxes {
        /// The DataArrays' dimensions.
        dims: Vec<String>,
        /// The numpy array's number of axes.
        ndim: usize,
    },
    /// A numpy array longer than one along a DataArray dimension of length one: xarray
    /// stretches the dimension (and leaves its coordinate at length one); Nereus refuses.
    #[error("a numpy array of length {len} along dimension {dim:?} (length 1) is not supported: Nereus does not stretch a DataArray's dimension to a numpy array; make it a DataArray with named dimensions")]
    StretchByNumpy {
        /// Dimension.
        dim: String,
        /// The numpy array's length along it.
        len: usize,
    },
    /// A DataArray without a name where a dataset variable is needed (`merge`).
    #[error("unable to convert unnamed DataArray to a Dataset without providing an explicit name")]
    Unnamed,
    /// A Dataset key naming no variable (xarray's KeyError).
    #[error("No variable named {}. Variables on the dataset include {}", py_repr(.key), elided_list(.names, 10))]
    NoVariable {
        /// The key.
        key: String,
        /// The dataset's variables, data variables first.
        names: Vec<String>,
    },
    /// Rolling or coarsening a Dataset along dimensions it lacks (a KeyError for rolling).
    #[error("Window dimensions {} not found in Dataset dimensions {}", py_tuple(.missing), py_tuple(.dims))]
    WindowDimsNotFound {
        /// The missing dimensions.
        missing: Vec<String>,
        /// The dataset's dimensions.
        dims: Vec<String>,
        /// Whether Python raises a KeyError (rolling) rather than a ValueError (coarsen).
        key_error: bool,
    },
    /// A weighted Dataset reduction over dimensions neither the dataset nor the weights have.
    #[error("Dimensions {} not found in DatasetWeighted dimensions {}", py_tuple(.missing), py_tuple(.dims))]
    WeightedDatasetDims {
        /// The missing dimensions.
        missing: Vec<String>,
        /// The dataset's and the weights' dimensions.
        dims: Vec<String>,
    },
    /// A weighted reduction of a variable over dimensions it and the weights lack (xarray's
    /// `dot` error).
    #[error("Dimension(s) {} do not exist. Expected one or more of {{{}}}", quoted(.missing), quoted(.expected))]
    DotDims {
        /// The missing dimensions.
        missing: Vec<String>,
        /// The variable's and the weights' dimensions.
        expected: Vec<String>,
    },
    /// A windowed operation given no dimension.
    #[error("{op}() needs a dimension")]
    NoDims {
        /// The method.
        op: &'static str,
    },
    /// A variable or coordinate assigned with a dimension of another length than the object's.
    #[error("conflicting sizes for dimension '{dim}': length {len} on '{name}' and length {target} on the object it is assigned to")]
    AssignedSize {
        /// The dimension.
        dim: String,
        /// Its length in the assigned value.
        len: usize,
        /// The name assigned.
        name: String,
        /// Its length in the object.
        target: usize,
    },
    /// A DataArray coordinate along dimensions the array lacks.
    #[error("coordinate {name} has dimensions {}, but these are not a subset of the DataArray dimensions {}", py_tuple(.dims), py_tuple(.array_dims))]
    CoordNotSubset {
        /// The coordinate.
        name: String,
        /// Its dimensions.
        dims: Vec<String>,
        /// The array's.
        array_dims: Vec<String>,
    },
}

/// numpy's shapes in its broadcasting error: `(2,3) (2,)`.
fn numpy_shapes(shapes: &[Vec<usize>]) -> String {
    let one = |s: &Vec<usize>| match s.as_slice() {
        [n] => format!("({n},)"),
        _ => format!(
            "({})",
            s.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(",")
        ),
    };
    shapes.iter().map(one).collect::<Vec<_>>().join(" ")
}

/// Python's repr of a tuple of strings: `('x',)`, `('x', 'y')`.
fn py_tuple(v: &[String]) -> String {
    match v {
        [one] => format!("({},)", py_repr(one)),
        _ => format!("({})", quoted(v)),
    }
}

/// `'a', 'b'`: names as Python lists show them.
fn quoted(v: &[String]) -> String {
    v.iter().map(|s| py_repr(s)).collect::<Vec<_>>().join(", ")
}

/// Python's repr of a list of names, shortened past `max` items as xarray's messages do.
fn elided_list(names: &[String], max: usize) -> String {
    if names.len() <= max {
        return format!("[{}]", quoted(names));
    }
    let (head, tail) = (&names[..max / 2], &names[names.len() - max / 2..]);
    format!("[{}, ..., {}]", quoted(head), quoted(tail))
}

fn suggest(s: Option<&String>) -> String {
    s.map(|s| format!("; did you mean {s:?}?"))
        .unwrap_or_default()
}

fn list(v: &[String]) -> String {
    if v.is_empty() {
        "none".to_owned()
    } else {
        v.iter()
            .map(|s| format!("{s:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn join(v: &[usize]) -> String {
    v.iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn index_note(size: Option<usize>) -> String {
    size.map(|n| format!(" (note: an index is found along that dimension with size={n})"))
        .unwrap_or_default()
}

/// xarray's `'x' ('x',)` list: each coordinate with its dimensions.
fn exact_dims(dims: &[String]) -> String {
    dims.iter()
        .map(|d| format!("'{d}' ('{d}',)"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The closest of `candidates` to `name`, owned (the shared rule in [`crate::model::names`]).
pub fn closest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    crate::model::names::closest(name, candidates).map(str::to_owned)
}

/// A [`PlanError::BadOption`] for `value`, which is none of `valid`.
pub fn bad_option(option: &str, value: &str, valid: &[&str]) -> PlanError {
    PlanError::BadOption {
        option: option.to_owned(),
        value: value.to_owned(),
        valid: valid.iter().map(|&v| v.to_owned()).collect(),
        suggestion: closest(value, valid.iter().copied()),
    }
}

/// An [`PlanError::UnknownDim`] for `name` among `dims`.
pub fn unknown_dim(name: &str, dims: &[String]) -> PlanError {
    PlanError::UnknownDim {
        name: name.to_owned(),
        suggestion: closest(name, dims.iter().map(String::as_str)),
        valid: dims.to_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggests_close_names_only() {
        let dims = vec!["time_counter".to_owned(), "y".to_owned(), "x".to_owned()];
        let msg = unknown_dim("time", &dims).to_string();
        assert!(msg.contains("did you mean \"time_counter\""), "{msg}");
        assert!(!unknown_dim("latitude", &dims)
            .to_string()
            .contains("did you mean"));
    }
}
