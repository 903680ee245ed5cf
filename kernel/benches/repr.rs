#![allow(missing_docs)]
//! Display time of a dataset opened from a Zarr store: the MIME bundle (text/plain and
//! text/html) the kernel sends when a cell ends with `ds`.
//!
//! ```text
//! cargo bench -p nereus --bench repr -- --store PATH [--runs N]
//! ```
//!
//! Opens the store once in a cell (`ds = xr.open_zarr(PATH)`), then times `runs` displays of
//! `ds` (each one parses and evaluates the cell and builds both reprs; no chunk is read).
//! Prints one JSON line: `{"runs", "median_ms", "min_ms", "html_bytes", "text_bytes"}`.
//! tests/bench_repr.py drives it, side by side with xarray's `_repr_html_`.

use std::error::Error;
use std::path::PathBuf;
use std::time::Instant;

use nereus::lang::{Interpreter, MimeBundle, Output, Stream};
use nereus_engine::CancelToken;

type Res<T> = Result<T, Box<dyn Error>>;

const USAGE: &str = "usage: repr --store PATH [--runs N]";

/// Drops whatever a cell prints; only the returned bundle is measured.
struct Sink;

impl Output for Sink {
    fn stream(&mut self, _: Stream, _: &str) {}
    fn display(&mut self, _: MimeBundle, _: Option<&str>, _: bool) {}
    fn clear_output(&mut self, _: bool) {}
    fn page(&mut self, _: MimeBundle) {}
}

fn parse_args() -> Res<(PathBuf, usize)> {
    let (mut store, mut runs) = (None, 200);
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        match flag.as_str() {
            "--store" => store = it.next().map(PathBuf::from),
            "--runs" => runs = it.next().ok_or(USAGE)?.parse()?,
            // cargo bench passes this to every bench binary.
            "--bench" => {}
            other => return Err(format!("unknown argument {other:?}; {USAGE}").into()),
        }
    }
    Ok((store.ok_or(USAGE)?, runs.max(1)))
}

fn len_of(b: &MimeBundle, mime: &str) -> usize {
    b.get(mime).and_then(|v| v.as_str()).map_or(0, str::len)
}

fn main() -> Res<()> {
    let (store, runs) = parse_args()?;
    let mut it = Interpreter::new();
    let cancel = CancelToken::new();
    let open = format!(
        "import xarray as xr\nds = xr.open_zarr({:?})",
        store.display().to_string()
    );
    it.execute(&open, &mut Sink, &cancel)?;
    let mut times = Vec::with_capacity(runs);
    let mut last = MimeBundle::new();
    for _ in 0..runs {
        let t0 = Instant::now();
        let bundle = it.execute("ds", &mut Sink, &cancel)?;
        times.push(t0.elapsed().as_secs_f64() * 1e3);
        last = bundle.ok_or("`ds` displayed nothing")?;
    }
    times.sort_by(f64::total_cmp);
    println!(
        "{{\"runs\": {runs}, \"median_ms\": {:.4}, \"min_ms\": {:.4}, \"html_bytes\": {}, \
         \"text_bytes\": {}}}",
        times[runs / 2],
        times[0],
        len_of(&last, "text/html"),
        len_of(&last, "text/plain")
    );
    Ok(())
}
