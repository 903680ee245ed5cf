//! Thousands of random and mutated cells through is_complete, complete, inspect and execute:
//! none may panic, and none may hang (a watchdog interrupts each run; it must stop promptly).
#![allow(missing_docs, clippy::unwrap_used)]

mod common;
use common::Recorder;

use nereus::lang::{is_complete, Interpreter};
use nereus_engine::CancelToken;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::cell::RefCell;
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// Pieces of the language, including the unsupported and the malformed.
const TOKENS: &[&str] = &[
    "x",
    "y",
    "ds",
    "sst",
    "time",
    "print",
    "display",
    "len",
    "range",
    "abs",
    "xr",
    "np",
    "import",
    "as",
    "from",
    "for",
    "in",
    "if",
    "elif",
    "else",
    "def",
    "while",
    "lambda",
    "del",
    "pass",
    "break",
    "True",
    "None",
    "0",
    "1",
    "2.5",
    "1e3",
    "-",
    "+",
    "*",
    "/",
    "//",
    "%",
    "**",
    "==",
    "<",
    ">=",
    "&",
    "|",
    "~",
    "not",
    "and",
    "=",
    "+=",
    ",",
    ":",
    ";",
    ".",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "'a'",
    "\"b\"",
    "f\"{x}\"",
    "f'{",
    "'''",
    "\\",
    "?",
    "%time",
    "%%timeit",
    "%who",
    "%config",
    "threads=2",
    "mean",
    "sel",
    "isel",
    "slice",
    "\n",
    "\n    ",
    "    ",
    "\t",
    "#c",
    "é",
    "xarray",
    "numpy",
    "sys",
    "sleep",
    "open_zarr",
];

/// Cells users really write, to mutate.
const SEEDS: &[&str] = &[
    "import xarray as xr\nds = xr.open_zarr(\"nowhere.zarr\")\nds",
    "x = 1\nfor i in range(3):\n    x += i\nprint(f\"{x=}\")",
    "import numpy as np\nv = np.sqrt(2) * (3 + 4) ** 0.5\nv",
    "d = {\"a\": 1, \"b\": [1, 2, (3, 4)]}\nfor k in d:\n    print(k, d[k])",
    "%time y = sum(range(100))\n%whos",
    "if 1 < 2:\n    print('yes')\nelif False:\n    pass\nelse:\n    print('no')",
    "import time\ntime.sleep(0.001)\nprint(len('abc'), abs(-3), round(2.5))",
];

/// Runs one cell with a watchdog that interrupts it after a second; returns how long it took.
fn run_guarded(interp: &mut Interpreter, code: &str) -> Duration {
    let cancel = CancelToken::new();
    let (done, wait) = mpsc::channel::<()>();
    let watchdog = {
        let cancel = cancel.clone();
        std::thread::spawn(move || {
            if wait.recv_timeout(Duration::from_secs(1)).is_err() {
                cancel.cancel();
            }
        })
    };
    let start = Instant::now();
    let _ = interp.execute(code, &mut Recorder::default(), &cancel);
    let took = start.elapsed();
    let _ = done.send(());
    watchdog.join().unwrap();
    took
}

/// Every entry point on one cell; the cursor is a code-point position inside it.
fn exercise(interp: &mut Interpreter, code: &str, cursor: usize) -> Result<(), TestCaseError> {
    let _ = is_complete(code);
    let cursor = cursor % (code.chars().count() + 1);
    let _ = interp.complete(code, cursor);
    let _ = interp.inspect(code, cursor, 0);
    let took = run_guarded(interp, code);
    prop_assert!(
        took < Duration::from_secs(5),
        "cell took {took:?} despite the interrupt: {code:?}"
    );
    Ok(())
}

fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

#[test]
fn random_token_soup_never_panics_or_hangs() {
    let interp = RefCell::new(Interpreter::new());
    let cells = (
        prop::collection::vec(prop::sample::select(TOKENS), 0..40),
        any::<usize>(),
    );
    TestRunner::new(config(1500))
        .run(&cells, |(tokens, cursor)| {
            exercise(&mut interp.borrow_mut(), &tokens.join(" "), cursor)
        })
        .unwrap();
}

#[test]
fn mutated_real_cells_never_panic_or_hang() {
    let interp = RefCell::new(Interpreter::new());
    // (seed, edits of (position, kind, character)).
    let cells = (
        prop::sample::select(SEEDS),
        prop::collection::vec((any::<usize>(), 0u8..3, prop::char::any()), 1..8),
        any::<usize>(),
    );
    TestRunner::new(config(1500))
        .run(&cells, |(seed, edits, cursor)| {
            let mut chars: Vec<char> = seed.chars().collect();
            for (at, kind, c) in edits {
                let at = at % (chars.len() + 1);
                match kind {
                    0 => chars.insert(at, c),
                    1 if at < chars.len() => {
                        chars.remove(at);
                    }
                    _ if at < chars.len() => chars[at] = c,
                    _ => chars.push(c),
                }
            }
            let code: String = chars.into_iter().collect();
            exercise(&mut interp.borrow_mut(), &code, cursor)
        })
        .unwrap();
}
