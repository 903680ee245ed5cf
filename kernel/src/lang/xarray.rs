//! The xarray and numpy surface of the language: the registry tables of DataArray, Dataset
//! and ndarray methods and properties, and the `xarray` / `numpy` module functions.

// The macros come first: the modules below use them.

/// Defines a module's seven reduction methods (`mean`, `sum`, `min`, `max`, `std`, `var`,
/// `count`) over its `$reduce(op, ctx, args)`: arrays, groups and windows spell them once.
macro_rules! reductions {
    ($reduce:path) => {
        reductions!(@each $reduce; mean Mean, sum Sum, min Min, max Max, std Std, var Var, count Count);
    };
    (@each $reduce:path; $($name:ident $op:ident),*) => {
        $(
            #[doc = concat!("`.", stringify!($name), "(...)`.")]
            pub(crate) fn $name(ctx: &mut Ctx<'_>, args: Args) -> Res<Value> {
                $reduce(ReduceOp::$op, ctx, args)
            }
        )*
    };
}

/// The registry rows of the seven reductions, from one table, followed by `$rest`: `$m` is
/// the module whose `mean` .. `count` (made by [`reductions!`]) implement them; `dims` takes
/// xarray's `dim`/`skipna`/`ddof` signature, `windows` `keep_attrs` and the keywords xarray
/// passes on to the reduction (`dim`, which has no effect there, `skipna`, `ddof`); `$over` and `$note`
/// complete each docstring ("Mean" + " of each group" + ...).
macro_rules! with_reductions {
    ($class:expr, $m:ident, $form:ident, $over:literal, $note:literal; $($rest:expr),* $(,)?) => {
        [
            with_reductions!(@row $class, $m, $form, mean, plain, "Mean", $over, $note),
            with_reductions!(@row $class, $m, $form, sum, plain, "Sum", $over, $note),
            with_reductions!(@row $class, $m, $form, min, plain, "Minimum", $over, $note),
            with_reductions!(@row $class, $m, $form, max, plain, "Maximum", $over, $note),
            with_reductions!(@row $class, $m, $form, std, moment, "Standard deviation", $over, $note),
            with_reductions!(@row $class, $m, $form, var, moment, "Variance", $over, $note),
            with_reductions!(@row $class, $m, $form, count, count, "Number of non-missing values", $over, $note),
            $($rest),*
        ]
    };
    (@row $class:expr, $m:ident, $form:ident, $name:ident, $kind:ident, $title:literal, $over:literal, $note:literal) => {
        method!(
            $class,
            stringify!($name),
            with_reductions!(@sig $form $kind $name),
            $m::$name,
            concat!($title, $over, with_reductions!(@how $form $kind), ". ", $note)
        )
    };
    (@sig dims plain $name:ident) => { concat!(stringify!($name), "(dim=None, *, skipna=None, keep_attrs=None, **kwargs)") };
    (@sig dims moment $name:ident) => { concat!(stringify!($name), "(dim=None, *, skipna=None, ddof=0, keep_attrs=None, **kwargs)") };
    (@sig dims count $name:ident) => { concat!(stringify!($name), "(dim=None, *, keep_attrs=None, **kwargs)") };
    (@sig windows $kind:ident $name:ident) => { concat!(stringify!($name), "(keep_attrs=None, **kwargs)") };
    (@how dims plain) => { "; NaN is skipped for floats unless skipna=False" };
    (@how dims moment) => { ", with `ddof` delta degrees of freedom (0: population); NaN is skipped for floats unless skipna=False" };
    (@how windows moment) => { " (ddof 0)" };
    (@how $form:ident $kind:ident) => { "" };
}

mod align;
mod along;
mod apply;
mod chunk;
mod coarsen;
mod combine;
mod construct;
mod convert;
mod creation;
mod dataset_climate;
mod dt;
mod groupby;
mod methods;
mod ndreduce;
mod ndshape;
mod npsort;
mod nptools;
mod numpy;
mod open;
mod props;
mod setitem;
mod structure;
mod window_view;
mod write;

use super::error::Res;
use super::registry::{Builtin, Class, Constant, Ctx, Property};
use super::value::Value;

pub(crate) use apply::group_pairs;
pub(crate) use coarsen::{COARSEN, WEIGHTED};
#[cfg(test)]
pub(crate) use coarsen::{DATASET_COARSEN, DATASET_WEIGHTED};
pub(crate) use convert::{is_array, settle};
pub(crate) use dataset_climate::DatasetOp;
pub(crate) use dt::DT;
pub(crate) use groupby::is_grouped;
pub(crate) use methods::{scalar, truth};
pub(crate) use nptools::TESTING;
pub(crate) use numpy::{abs_array, binary, compare, slice, unary};
pub(crate) use props::{coord_attr, dataarray_item, dataset_item, no_attr, variable_attr};
pub(crate) use setitem::{set_attr, set_coord, set_item};

macro_rules! prop {
    ($name:literal, $computes:literal, $get:path, $doc:literal) => {
        Property {
            name: $name,
            doc: $doc,
            computes: $computes,
            get: $get,
        }
    };
}

/// Methods DataArray and Dataset share.
macro_rules! shared_methods {
    ($class:literal $(, $extra:expr)* $(,)?) => {
        with_reductions!($class, methods, dims,
            " along the named dimension(s) (a name, a tuple or list of names; all dimensions when None)",
            "Lazy: nothing is read until the values are needed.";
            method!($class, "isel", "isel(indexers=None, drop=False, missing_dims='raise', **indexers_kwargs)", methods::isel,
                "Selects by integer position along dimensions: isel(time=0), isel(x=slice(10, 20)), isel(y=[1, 5]) or isel({\"x\": 3}). Negative positions count from the end. Lazy."),
            method!($class, "sel", "sel(indexers=None, method=None, tolerance=None, drop=False, **indexers_kwargs)", methods::sel,
                "Selects by coordinate label: sel(lat=slice(-5, 5)) (both ends included), sel(lon=200.5, method=\"nearest\", tolerance=1), sel(time=\"2000-03-01\"). Lazy."),
            method!($class, "drop_sel", "drop_sel(labels=None, *, errors='raise', **labels_kwargs)", methods::drop_sel,
                "Drops labels along dimensions: drop_sel(lat=50.0), drop_sel(lon=[200, 202.5]); errors='ignore' skips labels not found. Lazy."),
            method!($class, "load", "load()", methods::load_method,
                "Computes the values and returns them in memory; interruptible. In Nereus the result is returned (the original stays lazy)."),
            method!($class, "compute", "compute()", methods::load_method,
                "Computes the values and returns a new object holding them in memory; interruptible."),
            method!($class, "groupby", "groupby(group, squeeze=False)", groupby::groupby,
                "Groups along a dimension by a coordinate's values (groupby(\"lat\")) or by a date part of a time coordinate: \"time.month\", year, day, hour, minute, second, dayofyear, season (every CF calendar). Reduce the groups (.mean(), .sum(), ...) for a climatology, or subtract one from the groups for anomalies: sst.groupby(\"time.month\") - clim. A Dataset groups every data variable. Lazy and streaming."),
            method!($class, "resample", "resample(indexer=None, **indexer_kwargs)", groupby::resample,
                "Groups times into bins of a pandas frequency in the coordinate's own calendar: resample(time=\"MS\") (month starts), \"ME\" (month ends), \"D\", \"6h\", \"QS-DEC\" (DJF seasons), \"YS\"; then reduce: .mean(), .sum(), .max() ... Empty bins give NaN. Lazy."),
            method!($class, "rolling", "rolling(dim=None, min_periods=None, center=False, **window_kwargs)", groupby::rolling,
                "A moving window along one dimension: rolling(time=3, center=True).mean(). Windows reach across chunk edges; positions with fewer than min_periods (default: the window) valid values are NaN. Reductions: mean, sum, min, max, std, var, count. A Dataset's variables without the dimension stay as they are. Lazy."),
            method!($class, "coarsen", "coarsen(dim=None, boundary='exact', side='left', coord_func='mean', **window_kwargs)", coarsen::coarsen,
                "Non-overlapping windows along one or more dimensions: coarsen(time=4, boundary=\"trim\").mean(), coarsen(lat=4, lon=4).mean(). boundary: 'exact' (the window must divide the dimension), 'trim' (drop the leftovers), 'pad' (a partial last window); side='right' aligns windows on the end. Coordinates become the mean of each window. Reductions: mean, sum, min, max, std, var, count. Lazy; streams chunk by chunk (over several dimensions each chunk is read once per cell of the narrower windows: 4 times for lat=4, lon=4)."),
            method!($class, "weighted", "weighted(weights)", coarsen::weighted,
                "Weighted reductions: ssh.weighted(np.cos(np.deg2rad(ssh.lat))).mean((\"lat\", \"lon\")). The weights broadcast by dimension name and must not hold NaN; NaN in the data drop their weights (an all-NaN column has a NaN mean and a 0 sum). Then .mean(dim) or .sum(dim). Lazy."),
            structure::entry($class, structure::TRANSPOSE),
            structure::entry($class, structure::RENAME),
            structure::entry($class, structure::SQUEEZE),
            structure::entry($class, structure::EXPAND_DIMS),
            structure::entry($class, structure::ASTYPE),
            structure::entry($class, structure::ROUND),
            structure::entry($class, structure::CLIP),
            structure::entry($class, structure::DROP_VARS),
            structure::entry($class, structure::ASSIGN_COORDS),
            $($extra),*
        )
    };
}

static DATAARRAY_METHODS: &[Builtin] = &shared_methods!(
    "DataArray",
    method!("DataArray", "where", "where(cond, other=<NA>, drop=False)", methods::where_,
        "Keeps values where `cond` is True and puts `other` (NaN by default) elsewhere: ssh.where(ssh > 0), ssh.where(mask, 0.0). Lazy."),
    method!("DataArray", "fillna", "fillna(value)", methods::fillna,
        "Replaces missing values (NaN) by `value`, a number or an array. Lazy."),
    method!("DataArray", "explain", "explain()", methods::explain,
        "Prints the plan that computing the values would run: sources, chunking and the stages fused into each chunk task. Reads nothing."),
    method!("DataArray", "item", "item()", methods::item,
        "The single value of a one-element array as a Python number (computing it if lazy)."),
    write::to_zarr_method("DataArray"),
    structure::entry("DataArray", structure::TO_DATASET),
    along::CUMSUM,
    along::ARGMIN,
    along::ARGMAX,
    along::MEDIAN,
    along::QUANTILE,
    chunk::CHUNK,
    method!("DataArray", "copy", "copy(deep=True, data=None)", methods::copy,
        "A copy of the array (values in Nereus never change in place, so it shares them safely)."),
    method!("DataArray", "sortby", "sortby(variables, ascending=True)", npsort::sortby,
        "The array reordered along the dimension of a 1-D coordinate (a name or a 1-D DataArray) so its values ascend (NaN last) or, with ascending=False, descend."),
    method!("DataArray", "to_numpy", "to_numpy()", props::to_numpy,
        "The values as a numpy array, as .values (computes a lazy array; interruptible)."),
    method!("DataArray", "isin", "isin(test_elements)", numpy::isin,
        "True where a value equals one of the numbers in `test_elements`. Lazy."),
    method!("DataArray", "isnull", "isnull(keep_attrs=None)", numpy::isnull,
        "True where a value is missing (NaN, or NaT for dates). Lazy."),
    method!("DataArray", "notnull", "notnull(keep_attrs=None)", numpy::notnull,
        "True where a value is present (not NaN or NaT). Lazy."),
);

static DATAARRAY_PROPS: &[Property] = &[
    prop!("dims", false, props::dims, "Tuple of dimension names, e.g. ('time_counter', 'y', 'x')."),
    prop!("sizes", false, props::sizes, "Mapping from dimension name to length."),
    prop!("shape", false, props::shape, "Tuple of dimension lengths."),
    prop!("ndim", false, props::ndim, "Number of dimensions."),
    prop!("size", false, props::size, "Number of elements."),
    prop!("attrs", false, props::attrs, "Dict of attributes (units, long_name, ...)."),
    prop!("encoding", false, props::encoding, "Dict of how the values are stored: dtype, chunks, compressor, _FillValue, scale_factor, time units."),
    prop!("dtype", false, props::dtype, "The numpy dtype of the values (datetime64[ns] for decoded times)."),
    prop!("name", false, props::name, "The array's name (its variable name in the dataset), or None."),
    prop!("coords", false, props::coords, "Mapping of coordinate names to coordinate DataArrays."),
    prop!("nbytes", false, props::nbytes, "Bytes the values take in memory once computed."),
    prop!("chunks", false, props::chunks, "Chunk sizes per dimension, as a tuple of tuples; None for values in memory."),
    prop!("values", true, props::values, "The values as a numpy array; computes a lazy array (interruptible)."),
    prop!("data", true, props::values, "The values as a numpy array. Nereus has no dask arrays: a lazy array is computed, as .values does (interruptible)."),
    prop!("dt", false, dt::accessor, "Date parts of a datetime array: .dt.year, .month, .day, .hour, .dayofyear, .dayofweek, .days_in_month, .quarter (in the array's calendar)."),
];

/// The DataArray class.
pub(crate) static DATAARRAY: Class = Class {
    name: "DataArray",
    methods: DATAARRAY_METHODS,
    properties: DATAARRAY_PROPS,
};

static DATASET_METHODS: &[Builtin] = &shared_methods!(
    "Dataset",
    write::to_zarr_method("Dataset"),
    structure::entry("Dataset", structure::ASSIGN),
    structure::entry("Dataset", structure::WHERE),
    structure::entry("Dataset", structure::FILLNA),
    method!(
        "Dataset",
        "copy",
        "copy(deep=True, data=None)",
        methods::copy,
        "A copy of the dataset (values in Nereus never change in place, so it shares them safely)."
    ),
    method!(
        "Dataset",
        "isnull",
        "isnull(keep_attrs=None)",
        numpy::isnull,
        "True where a value of each data variable is missing (NaN). Lazy."
    ),
    method!(
        "Dataset",
        "notnull",
        "notnull(keep_attrs=None)",
        numpy::notnull,
        "True where a value of each data variable is present. Lazy."
    ),
    method!(
        "Dataset",
        "sortby",
        "sortby(variables, ascending=True)",
        npsort::sortby,
        "The dataset reordered along the dimension of a 1-D variable (a name or a 1-D DataArray) so its values ascend (NaN last) or, with ascending=False, descend."
    ),
);

static DATASET_PROPS: &[Property] = &[
    prop!(
        "dims",
        false,
        props::dims,
        "Mapping from dimension name to length."
    ),
    prop!(
        "sizes",
        false,
        props::sizes,
        "Mapping from dimension name to length."
    ),
    prop!(
        "data_vars",
        false,
        props::data_vars,
        "Mapping of data variable names to DataArrays; iterating gives the names."
    ),
    prop!(
        "coords",
        false,
        props::coords,
        "Mapping of coordinate names to DataArrays."
    ),
    prop!("attrs", false, props::attrs, "Dict of global attributes."),
    prop!(
        "nbytes",
        false,
        props::nbytes,
        "Bytes every variable takes in memory once computed."
    ),
];

/// The Dataset class.
pub(crate) static DATASET: Class = Class {
    name: "Dataset",
    methods: DATASET_METHODS,
    properties: DATASET_PROPS,
};

static NDARRAY_METHODS: &[Builtin] = &[
    ndreduce::ND_MEAN,
    ndreduce::ND_SUM,
    ndreduce::ND_MIN,
    ndreduce::ND_MAX,
    ndreduce::ND_STD,
    ndreduce::ND_VAR,
    ndshape::RESHAPE,
    ndshape::FLATTEN,
    ndshape::RAVEL,
    ndshape::ASTYPE,
    ndshape::COPY,
    method!(
        "ndarray",
        "item",
        "item()",
        methods::item,
        "The single element of a one-element array as a Python number."
    ),
    method!(
        "ndarray",
        "tolist",
        "tolist()",
        methods::tolist,
        "The array as nested Python lists."
    ),
];

static NDARRAY_PROPS: &[Property] = &[
    prop!("shape", false, props::shape, "Tuple of dimension lengths."),
    prop!("ndim", false, props::ndim, "Number of dimensions."),
    prop!("size", false, props::size, "Number of elements."),
    prop!("dtype", false, props::nd_dtype, "The element type."),
    prop!("nbytes", false, props::nbytes, "Bytes the elements take."),
];

/// numpy's ndarray class (computed values).
pub(crate) static NDARRAY: Class = Class {
    name: "ndarray",
    methods: NDARRAY_METHODS,
    properties: NDARRAY_PROPS,
};

/// `xarray` module functions.
pub(crate) static XARRAY_FUNCTIONS: &[Builtin] = &[
    method!("xarray", "open_zarr", "open_zarr(store, *, consolidated=None, decode_cf=True, mask_and_scale=True, decode_times=True, chunks=None)", open::open_zarr,
        "Opens a Zarr store (format 2 or 3) as a lazy Dataset: only metadata and index coordinates are read. CF conventions are decoded (fill values, scale/offset, times) unless decode_cf=False. `chunks` sets the chunks computations tile by (and `.chunks` reports): an int for every dimension, or a dict such as {\"time\": 12, \"x\": -1}, where -1 is the whole dimension and None or \"auto\" the stored chunks; None, {} or \"auto\" keep the stored chunks (values stay lazy either way; dask's ~128 MiB \"auto\" sizes are not picked)."),
    method!("xarray", "align", "align(*objects, join='inner', copy=True)", align::align,
        "Aligns DataArrays on their index labels and returns them as a tuple: join='inner' keeps labels common to all, 'outer' the union (sorted; missing values become NaN), 'left'/'right' the first/last object's labels, 'exact' raises unless the labels are equal. Lazy: only objects whose labels change are selected."),
    method!("xarray", "concat", "concat(objs, dim, data_vars='all', coords='different', compat='equals', positions=None, fill_value=<NA>, join='outer', combine_attrs='override')", combine::concat,
        "Joins DataArrays (or Datasets, variable by variable) end to end along a dimension: xr.concat([a, b], \"time\") along an existing one, or a new leading one (xr.concat(members, \"member\")). Other dimensions are aligned with an outer join. Lazy: each chunk is read from the input that holds it."),
    method!("xarray", "merge", "merge(objects, compat='no_conflicts', join='outer', fill_value=<NA>, combine_attrs='override')", combine::merge,
        "Combines the variables of Datasets and named DataArrays into one Dataset, aligned on their indexes (join='outer' by default: missing values become NaN). A variable in several objects must hold the same values (else MergeError). Lazy."),
    method!("xarray", "where", "where(cond, x, y)", numpy::xr_where,
        "Element-wise choice: values of `x` where `cond` is True, of `y` elsewhere; arrays broadcast by dimension name. Lazy."),
    super::setup::XR_SET_OPTIONS,
    method!("xarray", "apply_ufunc", "apply_ufunc(func, *args, input_core_dims=None, output_core_dims=((),), exclude_dims=frozenset(), vectorize=False, join='exact', dataset_join='exact', dataset_fill_value=<no value>, keep_attrs=None, kwargs=None, dask='forbidden', output_dtypes=None, output_sizes=None, meta=None, dask_gufunc_kwargs=None, on_missing_core_dim='raise')", apply::apply_ufunc,
        "Calls func on the values of DataArrays (numpy arrays, core dimensions moved last) and labels the result with the other dimensions plus output_core_dims. The values are computed within the memory budget (lazy inputs need dask='parallelized' or 'allowed', as in xarray); func runs once on the whole array, not chunk by chunk."),
    method!("xarray", "DataArray", "DataArray(data=<NA>, coords=None, dims=None, name=None, attrs=None)", construct::data_array,
        "An in-memory labelled array from a numpy array, a (nested) list of numbers or another DataArray: dims names its dimensions (dim_0, ... if not given); coords maps names to values, to (dims, values[, attrs]) tuples or to DataArrays (or is a list of (name, values) pairs, which also names the dims)."),
    method!("xarray", "Dataset", "Dataset(data_vars=None, coords=None, attrs=None)", construct::dataset,
        "A Dataset from data variables given as DataArrays or (dims, values[, attrs]) tuples, coordinates given the same way (a 1-D list under a dimension's name is its index), and attributes."),
    method!("xarray", "zeros_like", "zeros_like(other, dtype=None)", construct::zeros_like,
        "An array (or Dataset) like `other`, dims, coords and attributes included, full of zeros in its dtype (or `dtype`). Lazy."),
    method!("xarray", "ones_like", "ones_like(other, dtype=None)", construct::ones_like,
        "An array (or Dataset) like `other`, full of ones in its dtype (or `dtype`). Lazy."),
    method!("xarray", "full_like", "full_like(other, fill_value, dtype=None)", construct::full_like,
        "An array (or Dataset) like `other`, full of `fill_value` in its dtype (or `dtype`). Lazy."),
];

/// `numpy` module functions.
pub(crate) static NUMPY_FUNCTIONS: &[Builtin] = &[
    super::setup::SET_PRINTOPTIONS,
    super::setup::PRINTOPTIONS,
    super::setup::GET_PRINTOPTIONS,
    ndshape::NP_ZEROS,
    ndshape::NP_ONES,
    ndshape::NP_FULL,
    ndshape::NP_TILE,
    nptools::NAN_TO_NUM,
    ndreduce::NP_MEAN,
    ndreduce::NP_SUM,
    ndreduce::NP_MIN,
    ndreduce::NP_MAX,
    ndreduce::NP_STD,
    ndreduce::NP_VAR,
    ndreduce::NP_NANMEAN,
    ndreduce::NP_NANSUM,
    ndreduce::NP_NANMIN,
    ndreduce::NP_NANMAX,
    ndreduce::NP_NANSTD,
    ndreduce::NP_NANVAR,
    nptools::ARRAY_EQUAL,
    npsort::NP_SORT,
    npsort::NP_UNIQUE,
    method!("numpy", "sqrt", "sqrt(x, /)", numpy::sqrt,
        "Element-wise square root of a number, an array or each data variable of a Dataset (lazy for xarray objects)."),
    method!("numpy", "abs", "abs(x, /)", numpy::abs,
        "Element-wise absolute value of a number, an array or each data variable of a Dataset (lazy for xarray objects)."),
    method!("numpy", "absolute", "absolute(x, /)", numpy::abs,
        "Element-wise absolute value (same as np.abs)."),
    method!("numpy", "exp", "exp(x, /)", numpy::exp,
        "Element-wise exponential of a number, an array or each data variable of a Dataset (lazy for xarray objects)."),
    method!("numpy", "log", "log(x, /)", numpy::log,
        "Element-wise natural logarithm of a number, an array or each data variable of a Dataset (lazy for xarray objects)."),
    method!("numpy", "log10", "log10(x, /)", numpy::log10,
        "Element-wise base-10 logarithm of a number, an array or each data variable of a Dataset (lazy for xarray objects)."),
    method!("numpy", "isnan", "isnan(x, /)", numpy::isnan,
        "Element-wise test for NaN: a boolean array (lazy for DataArrays; per data variable of a Dataset), or a bool for a number."),
    method!("numpy", "isfinite", "isfinite(x, /)", numpy::isfinite,
        "Element-wise test for finite values (not NaN, not infinite): a boolean array (lazy for DataArrays; per data variable of a Dataset), or a bool for a number."),
    method!("numpy", "sin", "sin(x, /)", numpy::sin,
        "Element-wise sine of angles in radians: np.sin(np.deg2rad(lat)). Lazy for DataArrays; applied to each data variable of a Dataset."),
    method!("numpy", "cos", "cos(x, /)", numpy::cos,
        "Element-wise cosine of angles in radians: area weights np.cos(np.deg2rad(ds.lat)). Lazy for DataArrays; applied to each data variable of a Dataset."),
    method!("numpy", "tan", "tan(x, /)", numpy::tan,
        "Element-wise tangent of angles in radians. Lazy for DataArrays; applied to each data variable of a Dataset."),
    method!("numpy", "arcsin", "arcsin(x, /)", numpy::arcsin,
        "Element-wise inverse sine, in radians in [-pi/2, pi/2]; NaN outside [-1, 1]. Lazy for DataArrays; applied to each data variable of a Dataset."),
    method!("numpy", "arccos", "arccos(x, /)", numpy::arccos,
        "Element-wise inverse cosine, in radians in [0, pi]; NaN outside [-1, 1]. Lazy for DataArrays; applied to each data variable of a Dataset."),
    method!("numpy", "arctan", "arctan(x, /)", numpy::arctan,
        "Element-wise inverse tangent, in radians in [-pi/2, pi/2]. Lazy for DataArrays; applied to each data variable of a Dataset."),
    method!("numpy", "deg2rad", "deg2rad(x, /)", numpy::deg2rad,
        "Converts angles from degrees to radians, element-wise. Lazy for DataArrays; applied to each data variable of a Dataset."),
    method!("numpy", "rad2deg", "rad2deg(x, /)", numpy::rad2deg,
        "Converts angles from radians to degrees, element-wise. Lazy for DataArrays; applied to each data variable of a Dataset."),
    method!("numpy", "floor", "floor(x, /)", numpy::floor,
        "Element-wise floor: the largest integer not above x (integers stay integers). Lazy for DataArrays; applied to each data variable of a Dataset."),
    method!("numpy", "ceil", "ceil(x, /)", numpy::ceil,
        "Element-wise ceiling: the smallest integer not below x (integers stay integers). Lazy for DataArrays; applied to each data variable of a Dataset."),
    method!("numpy", "sign", "sign(x, /)", numpy::sign,
        "Element-wise sign: -1, 0 or 1 (NaN stays NaN). Lazy for DataArrays; applied to each data variable of a Dataset."),
    method!("numpy", "where", "where(condition, x, y, /)", numpy::where_,
        "Element-wise choice of `x` where `condition` holds, else `y`."),
    method!("numpy", "array", "array(object, dtype=None)", creation::array_of,
        "A numpy array of a number, a (nested) list of numbers or another array: bool if every item is, int64 if every item is an integer, else float64, unless dtype is given."),
    method!("numpy", "asarray", "asarray(a, dtype=None)", creation::array_of,
        "The input as a numpy array, as np.array makes it."),
    method!("numpy", "arange", "arange([start,] stop[, step], dtype=None)", creation::arange,
        "Evenly spaced values in the half-open interval [start, stop), by step (default 1): a 1-D numpy array, int64 when all arguments are integers, else float64. For non-integer steps np.linspace is usually better."),
    method!("numpy", "linspace", "linspace(start, stop, num=50, endpoint=True, retstep=False, dtype=None)", creation::linspace,
        "`num` evenly spaced values from start to stop (included unless endpoint=False): a 1-D float64 numpy array; with retstep=True, the pair (array, step)."),
];

/// `numpy` module constants.
pub(crate) static NUMPY_CONSTANTS: &[Constant] = &[
    Constant {
        name: "random",
        doc:
            "numpy.random: numpy's legacy generator (seed, rand, randn, normal, uniform, randint).",
        value: || Value::Module(&super::random::RANDOM),
    },
    Constant {
        name: "testing",
        doc: "numpy.testing: assert_allclose, assert_array_equal.",
        value: || Value::Module(&nptools::TESTING),
    },
    Constant {
        name: "nan",
        doc: "Not a number (float NaN).",
        value: || Value::Float(f64::NAN),
    },
    Constant {
        name: "pi",
        doc: "The ratio of a circle's circumference to its diameter.",
        value: || Value::Float(std::f64::consts::PI),
    },
    Constant {
        name: "e",
        doc: "Euler's number.",
        value: || Value::Float(std::f64::consts::E),
    },
    Constant {
        name: "inf",
        doc: "Positive infinity.",
        value: || Value::Float(f64::INFINITY),
    },
];

/// An attribute of a DataArray, Dataset or ndarray: a method, a property, a variable (of a
/// dataset) or a coordinate (of an array). `ctx` None refuses properties that compute.
pub(crate) fn attribute(ctx: Option<&mut Ctx<'_>>, base: &Value, name: &str) -> Option<Res<Value>> {
    let class = super::builtins::class_of(base)?;
    if let Some(m) = class.method(name) {
        return Some(Ok(Value::Method(Box::new(base.clone()), m)));
    }
    if let Some(p) = class.property(name) {
        return match ctx {
            Some(ctx) => Some((p.get)(ctx, base)),
            None if !p.computes => Some(with_null_ctx(|ctx| (p.get)(ctx, base))),
            None => None,
        };
    }
    let found = match base {
        Value::Dataset(ds) => variable_attr(ds, name),
        Value::DataArray(a) => coord_attr(a, name),
        _ => None,
    };
    if let Some(v) = found {
        return Some(Ok(v));
    }
    let extra: Vec<String> = match base {
        Value::Dataset(ds) => ds.names().map(str::to_owned).collect(),
        Value::DataArray(a) => a.coords.keys().cloned().collect(),
        _ => Vec::new(),
    };
    let extra: Vec<&str> = extra.iter().map(String::as_str).collect();
    Some(Err(no_attr(base, name, &extra)))
}

/// Runs a non-computing property getter without a cell (completion and inspect).
fn with_null_ctx<T>(f: impl FnOnce(&mut Ctx<'_>) -> T) -> T {
    let cancel = nereus_engine::exec::CancelToken::new();
    let mut sink = super::NullOutput;
    let mut ctx = Ctx {
        out: &mut sink,
        cancel: &cancel,
        config: nereus_engine::exec::ExecConfig {
            threads: 1,
            memory_budget: 0,
            result_budget: None,
        },
        progress: super::ProgressMode::None,
        interp: None,
    };
    f(&mut ctx)
}

/// The reductions of a GroupBy class (`DataArrayGroupBy` or `DatasetGroupBy`), and `map`.
const fn group_methods(class: &'static str) -> [Builtin; 9] {
    with_reductions!(class, groupby, dims, " of each group over the grouped dimension",
        "Lazy; streams chunk by chunk.";
        method!(class, "map", "map(func, args=(), shortcut=None, **kwargs)", apply::map,
            "Calls func(group, *args, **kwargs) on each group and combines the results: along the grouped dimension in the original order when each result keeps that dimension (anomalies: lambda x: x - x.mean('time')), else along a new dimension labelled by the groups (lambda x: x.mean('time')). Lazy where func is."),
        method!(class, "reduce", "reduce(func, dim=None, *, axis=None, keep_attrs=None, keepdims=False, shortcut=True, **kwargs)", apply::reduce,
            "Calls func(values, axis=..., **kwargs) on each group's values (numpy arrays, computed within the memory budget) over the grouped dimension, as np.mean does, and stacks the results along the groups."))
}

/// The reductions of a Rolling class (`DataArrayRolling` or `DatasetRolling`).
const fn rolling_methods(class: &'static str) -> [Builtin; 8] {
    with_reductions!(class, groupby, windows, " of each window",
        "Windows with fewer than min_periods valid values give NaN. Lazy.";
        method!(class, "construct", "construct(window_dim=None, stride=1, fill_value=<NA>, keep_attrs=None, sliding_window_view_kwargs=None, **window_dim_kwargs)", window_view::rolling_construct,
            "Each position's window along a new last dimension: construct(\"window\"); NaN beyond the ends. Values in memory (call .load() first on lazy data)."))
}

static GROUPBY_METHODS: [Builtin; 9] = group_methods("DataArrayGroupBy");
static DATASET_GROUPBY_METHODS: [Builtin; 9] = group_methods("DatasetGroupBy");
static ROLLING_METHODS: [Builtin; 8] = rolling_methods("DataArrayRolling");
static DATASET_ROLLING_METHODS: [Builtin; 8] = rolling_methods("DatasetRolling");

/// The GroupBy class (groupby and resample results).
pub(crate) static GROUPBY: Class = Class {
    name: "DataArrayGroupBy",
    methods: &GROUPBY_METHODS,
    properties: &[],
};

/// The GroupBy class of a Dataset (groupby and resample results).
pub(crate) static DATASET_GROUPBY: Class = Class {
    name: "DatasetGroupBy",
    methods: &DATASET_GROUPBY_METHODS,
    properties: &[],
};

/// The Rolling class.
pub(crate) static ROLLING: Class = Class {
    name: "DataArrayRolling",
    methods: &ROLLING_METHODS,
    properties: &[],
};

/// The Rolling class of a Dataset.
pub(crate) static DATASET_ROLLING: Class = Class {
    name: "DatasetRolling",
    methods: &DATASET_ROLLING_METHODS,
    properties: &[],
};
