//! One cell-language pipeline, timed in its own process: the same code text that
//! tests/bench_climate.py runs under xarray + dask.
//!
//! ```text
//! cargo bench -p nereus --bench pipeline -- --code FILE.py [--threads N] [--budget-mb M]
//! ```
//!
//! Runs the file as one cell in a fresh interpreter with the executor's threads (and budget)
//! set, and prints one JSON line: `{"wall_s", "peak_rss_mb"}` (peak RSS is this process's
//! VmHWM). A cell error is printed to stderr and the process exits with status 1.

#[path = "../../engine/benches/common/mod.rs"]
mod common;

use common::peak_rss_mb;
use nereus::lang::{Interpreter, MimeBundle, Output, Stream};
use nereus_engine::exec::ExecConfig;
use nereus_engine::CancelToken;
use std::error::Error;
use std::path::PathBuf;
use std::time::Instant;

type Res<T> = Result<T, Box<dyn Error + Send + Sync>>;

const USAGE: &str = "usage: pipeline --code FILE.py [--threads N] [--budget-mb M]";

/// Passes printed text to stderr and ignores displays: the bench reads only the JSON line.
struct Quiet;

impl Output for Quiet {
    fn stream(&mut self, _: Stream, text: &str) {
        eprint!("{text}");
    }
    fn display(&mut self, _: MimeBundle, _: Option<&str>, _: bool) {}
    fn clear_output(&mut self, _: bool) {}
    fn page(&mut self, _: MimeBundle) {}
}
fn main() -> Res<()> {
    let (mut code, mut threads, mut budget) = (None::<PathBuf>, None::<usize>, None::<u64>);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| format!("{arg} needs a value\n{USAGE}"))
        };
        match arg.as_str() {
            "--code" => code = Some(PathBuf::from(value()?)),
            "--threads" => threads = Some(value()?.parse()?),
            "--budget-mb" => budget = Some(value()?.parse::<u64>()? << 20),
            "--bench" => {}
            other => return Err(format!("unknown argument {other:?}\n{USAGE}").into()),
        }
    }
    let code = std::fs::read_to_string(code.ok_or(USAGE)?)?;
    let mut interp = Interpreter::new();
    let default = ExecConfig::default();
    interp.set_config(ExecConfig {
        threads: threads.unwrap_or(default.threads),
        memory_budget: budget.unwrap_or(default.memory_budget),
        ..default
    });
    let start = Instant::now();
    if let Err(e) = interp.execute(&code, &mut Quiet, &CancelToken::new()) {
        eprintln!("{}", e.traceback.join("\n"));
        std::process::exit(1);
    }
    let wall = start.elapsed().as_secs_f64();
    println!(
        "{}",
        serde_json::json!({"wall_s": wall, "peak_rss_mb": peak_rss_mb()?})
    );
    Ok(())
}
