//! The set-up lines notebooks open with: `xr.set_options` (as a call and a `with` block),
//! numpy's print options, `warnings` filters, `%matplotlib inline`, `%xmode`, and
//! `%config InlineBackend.figure_format`. Messages are Python's, xarray 2026.9's and
//! IPython's for the same lines; the reprs they change are compared with xarray in
//! tests/test_text_repr.py.
#![allow(clippy::unwrap_used, reason = "test fixtures")]

mod common;
use common::{run_cells, show, Recorder};

use nereus::lang::Interpreter;
use nereus_engine::CancelToken;

fn session() -> Interpreter {
    common::session(
        "import xarray as xr\nimport numpy as np\nds = xr.open_zarr(\"{DATA}/sst.zarr\")",
    )
}

#[test]
fn display_style_text_drops_the_html_repr_until_reset() {
    let mut it = session();
    let cancel = CancelToken::new();
    let html = |it: &mut Interpreter| {
        let b = it
            .execute("ds.sst", &mut Recorder::default(), &cancel)
            .unwrap()
            .unwrap();
        b.contains_key("text/html")
    };
    assert!(html(&mut it));
    show(&mut it, "xr.set_options(display_style='text');");
    assert!(!html(&mut it));
    show(&mut it, "xr.set_options(display_style='html');");
    assert!(html(&mut it));
    // A `with` block restores the options it changed, also when its body fails.
    show(&mut it, "try:\n    with xr.set_options(display_style='text'):\n        1 / 0\nexcept ZeroDivisionError:\n    pass");
    assert!(html(&mut it));
}

#[test]
fn set_options_checks_names_and_values_as_xarray_does() {
    let mut it = session();
    assert!(show(&mut it, "xr.set_options(foo=1)")
        .starts_with("ValueError: argument name 'foo' is not in the set of valid options {"));
    assert_eq!(
        show(&mut it, "xr.set_options(display_style='x')"),
        "ValueError: option 'display_style' given an invalid value: 'x'. Expected one of frozenset({'html', 'text'})"
    );
    assert!(show(
        &mut it,
        "xr.set_options(keep_attrs=True, display_expand_data=False, use_flox=True)"
    )
    .starts_with("<xarray.core.options.set_options object at 0x"));
    // Options whose effect Nereus does not implement are refused, never ignored.
    assert_eq!(
        show(&mut it, "xr.set_options(keep_attrs=False)"),
        "NotImplementedError: set_options(keep_attrs=False) is not supported in Nereus; attributes are kept as xarray keeps them by default"
    );
    assert_eq!(
        show(&mut it, "xr.set_options(arithmetic_join='outer')"),
        "NotImplementedError: xr.set_options(arithmetic_join='outer') is not supported in Nereus; only the default ('inner')"
    );
    assert_eq!(show(&mut it, "xr.set_options(display_width=80);"), "");
    assert_eq!(
        show(&mut it, "ds.sst.mean('time', keep_attrs=False)"),
        "NotImplementedError: mean(keep_attrs=False) is not supported in Nereus; attributes are kept as xarray keeps them by default"
    );
    assert_eq!(
        show(
            &mut it,
            "ds.sst.mean('time', keep_attrs=True).attrs['units']"
        ),
        "'degC'"
    );
}

#[test]
fn numpy_print_options_change_array_reprs() {
    let (shown, out) = run_cells(
        "import numpy as np",
        &[
            "a = np.array([1.0 / 3, 2.0 / 3])\nprint(a)\nnp.set_printoptions(precision=3)\nprint(a)\n\
             with np.printoptions(precision=1):\n    print(a)\nprint(a)\nnp.get_printoptions()['precision']",
        ],
    );
    assert_eq!(
        out,
        "[0.33333333 0.66666667]\n[0.333 0.667]\n[0.3 0.7]\n[0.333 0.667]\n"
    );
    assert_eq!(shown, "3");
    let mut it = Interpreter::new();
    assert_eq!(
        show(&mut it, "import numpy as np\nnp.set_printoptions(suppress=True)"),
        "NotImplementedError: np.set_printoptions(suppress=True) is not supported in Nereus; precision, threshold, edgeitems and linewidth are"
    );
    // A new interpreter starts from numpy's defaults.
    let (_, out) = run_cells("import numpy as np", &["print(np.array([1.0 / 3]))"]);
    assert_eq!(out, "[0.33333333]\n");
}

#[test]
fn warnings_filters_are_accepted() {
    let (shown, _) = run_cells(
        "",
        &["import warnings\nwarnings.filterwarnings('ignore')\nwarnings.simplefilter(action='ignore', category=FutureWarning)\n\
           with warnings.catch_warnings():\n    warnings.simplefilter('ignore')\n    x = 1\nx"],
    );
    assert_eq!(shown, "1");
    let mut it = Interpreter::new();
    assert_eq!(
        show(
            &mut it,
            "import warnings\nwarnings.filterwarnings('sometimes')"
        ),
        "ValueError: invalid action: 'sometimes'"
    );
}

#[test]
fn frontend_magics_of_notebook_headers() {
    let (shown, out) = run_cells(
        "",
        &["%matplotlib inline\n%config InlineBackend.figure_format = 'retina'\n%config Completer.use_jedi = False\n%xmode minimal\n1"],
    );
    assert_eq!(
        (shown.as_str(), out.as_str()),
        ("1", "Exception reporting mode: Minimal\n")
    );
    let mut it = Interpreter::new();
    assert_eq!(
        show(&mut it, "%matplotlib widget"),
        "NotImplementedError: %matplotlib widget: Nereus shows figures inline only (%matplotlib inline)"
    );
    show(&mut it, "%config InlineBackend.figure_format = 'svg'");
    assert_eq!(it.plot_format(), nereus::lang::PlotFormat::Svg);
    assert!(show(&mut it, "%config InlineBackend.figure_format = 'pdf'")
        .starts_with("NotImplementedError"));
    assert!(show(&mut it, "%xmode fancy").starts_with("UsageError: %xmode: unknown mode 'fancy'"));
}

#[test]
fn plotting_and_pandas_imports_run_and_their_names_are_refused() {
    let (shown, _) = run_cells(
        "",
        &["import matplotlib.pyplot as plt\nimport cartopy.crs as ccrs\nimport cartopy.feature as cfeature\n\
           import pandas as pd\nfrom matplotlib import colors\nfrom IPython.display import display, clear_output\n\
           import matplotlib\nmatplotlib.pyplot is plt"],
    );
    assert_eq!(shown, "True");
    let mut it = Interpreter::new();
    show(
        &mut it,
        "import matplotlib.pyplot as plt\nimport pandas as pd",
    );
    assert_eq!(
        show(&mut it, "fig, ax = plt.subplots()"),
        "NotImplementedError: matplotlib.pyplot.subplots is not supported: Nereus does not draw matplotlib or cartopy figures yet"
    );
    assert!(
        show(&mut it, "pd.read_csv('x.csv')").starts_with("NotImplementedError: pandas.read_csv")
    );
}

#[test]
fn date_parts_of_the_dt_accessor_and_virtual_variables() {
    let mut it = session();
    assert_eq!(
        show(
            &mut it,
            "t = ds.time.isel(time=slice(0, 14))\nt.dt.month.values.tolist()"
        ),
        "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2]"
    );
    assert_eq!(
        show(&mut it, "t.dt.days_in_month.values[:3].tolist()"),
        "[31, 28, 31]"
    );
    assert_eq!(
        show(
            &mut it,
            "(ds['time.year'].name, int(ds['time.year'].max()))"
        ),
        "('year', 1959)"
    );
    assert_eq!(show(&mut it, "ds.sst['time.month'].dims"), "('time',)");
    assert_eq!(
        show(&mut it, "ds.sst.dt"),
        "TypeError: '.dt' accessor only available for DataArray with datetime64 timedelta64 dtype or for arrays containing cftime datetime objects."
    );
    assert_eq!(
        show(&mut it, "t.dt.season.values[:4].tolist()"),
        "['DJF', 'DJF', 'MAM', 'MAM']"
    );
    assert_eq!(
        show(&mut it, "t.dt.strftime('%b %Y').values[-1]"),
        "'Feb 1951'"
    );
    assert!(show(&mut it, "t.dt.strftime('%U')").starts_with("ValueError"));
    // numpy indexing of the values.
    assert_eq!(
        show(
            &mut it,
            "v = t.dt.year.values\n(v[0], v[-1], v[::6].tolist())"
        ),
        "(np.int64(1950), np.int64(1951), [1950, 1950, 1951])"
    );
    assert_eq!(
        show(&mut it, "ds.sst.isel(time=0).values[0, ...].shape"),
        "(360,)"
    );
}
