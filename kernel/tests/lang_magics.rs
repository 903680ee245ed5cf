//! Magics (`%time`, `%config`, ...) through the public interpreter API with a recording output.

mod common;
use common::{plain, Recorder};

use std::time::{Duration, Instant};

use nereus::lang::LangError;
use nereus::lang::{is_complete, Completeness, Interpreter, PlotFormat, ProgressMode};
use nereus::sample::{generate, SampleOptions, Size};
use nereus_engine::CancelToken;

/// Runs a cell: (stdout, result text, error).
fn run(i: &mut Interpreter, code: &str) -> (String, Option<String>, Option<LangError>) {
    let mut rec = Recorder::default();
    match i.execute(code, &mut rec, &CancelToken::new()) {
        Ok(v) => (rec.stdout, v.as_ref().map(plain), None),
        Err(e) => (rec.stdout, None, Some(e)),
    }
}

fn err(i: &mut Interpreter, code: &str) -> LangError {
    run(i, code)
        .2
        .unwrap_or_else(|| panic!("expected an error from {code:?}"))
}

#[test]
fn time_prints_cpu_and_wall_and_keeps_the_value() {
    let mut i = Interpreter::new();
    let (out, value, e) = run(&mut i, "%time 1 + 2");
    assert!(e.is_none());
    assert_eq!(value.as_deref(), Some("3"));
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines[0].starts_with("CPU times: user "), "{out}");
    assert!(lines[0].contains(", sys: ") && lines[0].contains(", total: "));
    assert!(lines[1].starts_with("Wall time: "), "{out}");

    let (out, value, _) = run(&mut i, "%%time\nx = 0\nfor k in range(5):\n    x += k\nx");
    assert_eq!(value.as_deref(), Some("10"));
    assert!(out.starts_with("CPU times:") && out.contains("Wall time:"));

    let (_, _, e) = run(&mut i, "import time\n%time time.sleep(0.05)");
    assert!(e.is_none());

    // Errors in the statement keep their line in the cell.
    let e = err(&mut i, "y = 1\n%time undefined_name");
    assert_eq!(e.ename, "NameError");
    assert!(e.traceback.iter().any(|l| l == "  Cell line 2"), "{e:?}");
    assert_eq!(err(&mut i, "%time").ename, "UsageError");
}

#[test]
fn line_magics_mix_with_code() {
    let mut i = Interpreter::new();
    let (out, value, e) = run(&mut i, "a = 2\n%who\nb = a * 3\nb");
    assert!(e.is_none(), "{e:?}");
    assert_eq!(out, "a\n");
    assert_eq!(value.as_deref(), Some("6"));
    // `%` inside an open bracket is the modulo operator.
    let (_, value, _) = run(&mut i, "x = (10\n% 3)\nx");
    assert_eq!(value.as_deref(), Some("1"));
    let e = err(&mut i, "x = 1\n%%time\nx");
    assert!(e.evalue.contains("first line"), "{e:?}");
}

#[test]
fn timeit_reports_mean_and_std() {
    let mut i = Interpreter::new();
    let (out, _, e) = run(&mut i, "%timeit -n 3 -r 2 x = 1 + 1");
    assert!(e.is_none(), "{e:?}");
    assert!(
        out.trim_end()
            .ends_with("per loop (mean ± std. dev. of 2 runs, 3 loops each)"),
        "{out}"
    );
    assert!(out.contains(" ± "));

    // Auto-ranging: a run takes >= 0.2 s, so 20 ms statements need 10 loops.
    let t0 = Instant::now();
    let (out, _, e) = run(&mut i, "import time\n%timeit -r 1 time.sleep(0.02)");
    assert!(e.is_none(), "{e:?}");
    assert!(
        out.trim_end()
            .ends_with("per loop (mean ± std. dev. of 1 run, 10 loops each)"),
        "{out}"
    );
    assert!(t0.elapsed() >= Duration::from_millis(400));

    let (out, _, _) = run(&mut i, "%%timeit -n 2 -r 3\ny = 2\ny * 2");
    assert!(out.contains("of 3 runs, 2 loops each"), "{out}");

    let e = err(&mut i, "%timeit -n 0 x");
    assert!(e.evalue.contains("-n needs a whole number >= 1"), "{e:?}");
}

#[test]
fn timeit_stops_on_cancel() {
    let mut i = Interpreter::new();
    let cancel = CancelToken::new();
    let c2 = cancel.clone();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(150));
        c2.cancel();
    });
    let t0 = Instant::now();
    let mut rec = Recorder::default();
    let r = i.execute("x = 0\n%timeit x + 1", &mut rec, &cancel);
    let _ = t.join();
    assert!(r.is_err_and(|e| e.ename == "KeyboardInterrupt"));
    assert!(t0.elapsed() < Duration::from_secs(1));
}

#[test]
fn who_and_whos() {
    let mut i = Interpreter::new();
    assert_eq!(run(&mut i, "%who").0, "Interactive namespace is empty.\n");
    run(&mut i, "n = 3\nname = 'sst'\nxs = [1, 2]");
    assert_eq!(run(&mut i, "%who").0, "n\tname\txs\n");
    assert_eq!(run(&mut i, "%who int").0, "n\n");
    let (out, _, _) = run(&mut i, "%whos");
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "Variable   Type   Data/Info");
    assert!(lines[1].chars().all(|c| c == '-'));
    assert_eq!(lines[2], "n          int    3");
    assert_eq!(lines[3], "name       str    'sst'");
    assert_eq!(lines[4], "xs         list   [1, 2]");
}

#[test]
fn whos_summarises_arrays_without_computing() {
    let mut i = Interpreter::new();
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("lang-magics-samples");
    let made = generate(&SampleOptions {
        size: Size::Small,
        out: dir.clone(),
        force: false,
        threads: 2,
    });
    assert!(made.is_ok(), "{made:?}");
    let (_, _, e) = run(
        &mut i,
        &format!(
            "import xarray as xr\nds = xr.open_zarr(\"{}/ssh.zarr\")\nssh = ds[\"sossheig\"]",
            dir.display()
        ),
    );
    assert!(e.is_none(), "{e:?}");
    let (out, _, _) = run(&mut i, "%whos DataArray");
    assert!(out.contains("ssh        DataArray   ("), "{out}");
    assert!(out.contains("lazy") && out.contains("shape ["), "{out}");
    let (out, _, e) = run(&mut i, "%whos Dataset");
    assert!(e.is_none());
    assert!(
        out.contains("Dataset") && out.contains("data vars"),
        "{out}"
    );
}

#[test]
fn config_lists_sets_and_validates() {
    let mut i = Interpreter::new();
    let (out, _, _) = run(&mut i, "%config");
    for key in ["threads", "memory", "progress", "plot_format"] {
        assert!(
            out.lines().any(|l| l.starts_with(key) && l.contains("= ")),
            "{out}"
        );
    }
    let (_, _, e) = run(
        &mut i,
        "%config threads=2 memory=2GB progress=summary plot_format=svg",
    );
    assert!(e.is_none(), "{e:?}");
    assert_eq!(i.config().threads, 2);
    assert_eq!(i.config().memory_budget, 2 << 30);
    assert_eq!(i.progress(), ProgressMode::Summary);
    assert_eq!(i.plot_format(), PlotFormat::Svg);
    let (out, _, _) = run(&mut i, "%config memory");
    assert!(out.starts_with("memory      = 2GB"), "{out}");
    run(&mut i, "%config memory=512MB threads = 3");
    assert_eq!(i.config().memory_budget, 512 << 20);
    assert_eq!(i.config().threads, 3);

    let e = err(&mut i, "%config thread=4");
    assert_eq!(e.ename, "UsageError");
    assert!(e.evalue.contains("'thread'") && e.evalue.contains("Did you mean: 'threads'?"));
    let e = err(&mut i, "%config threads=0");
    assert!(
        e.evalue.contains("threads") && e.evalue.contains("'0'"),
        "{e:?}"
    );
    let e = err(&mut i, "%config memory=lots");
    assert!(e.evalue.contains("memory") && e.evalue.contains("'lots'"));
    let e = err(&mut i, "%config progress=transiant");
    assert!(e.evalue.contains("Did you mean: 'transient'?"), "{e:?}");
    run(&mut i, "%config progress=off");
    assert_eq!(i.progress(), ProgressMode::None);
    let (out, _, _) = run(&mut i, "%config progress");
    assert!(out.starts_with("progress    = none"), "{out}");
    err(&mut i, "%config plot_format=jpeg");
    // A failed %config changes nothing.
    err(&mut i, "%config threads=5 memory=bad");
    assert_eq!(i.config().threads, 3);
}

#[test]
fn unknown_magics_list_known_ones_and_suggest() {
    let mut i = Interpreter::new();
    let e = err(&mut i, "%tme x");
    assert_eq!(e.ename, "UsageError");
    assert!(e
        .evalue
        .starts_with("Line magic function `%tme` not found."));
    assert!(e.evalue.contains("Did you mean: '%time'?"));
    assert!(e.evalue.contains("%lsmagic") && e.evalue.contains("%whos"));
    let e = err(&mut i, "%%whos\nx");
    assert!(e
        .evalue
        .starts_with("Cell magic function `%%whos` not found."));
    assert!(e.evalue.contains("%%time"));
}

#[test]
fn lsmagic_and_help() {
    let mut i = Interpreter::new();
    let (out, _, _) = run(&mut i, "%lsmagic");
    assert!(out.starts_with("Available line magics:\n%cd  %config  %env  %history"));
    assert!(out.contains("Available cell magics:\n%%time  %%timeit\n"));
    let mut rec = Recorder::default();
    let r = i.execute("%timeit?", &mut rec, &CancelToken::new());
    assert!(r.is_ok_and(|v| v.is_none()));
    assert!(rec.pages[0].starts_with("Usage:\n%timeit [-n N] [-r R] STATEMENT"));
    assert!(rec.pages[0].contains("0.2 s"));
}

#[test]
fn env_pwd_and_cd() {
    let mut i = Interpreter::new();
    let (out, _, _) = run(&mut i, "%env NEREUS_MAGIC_TEST=hello world");
    assert_eq!(out, "env: NEREUS_MAGIC_TEST=hello world\n");
    assert_eq!(
        run(&mut i, "%env NEREUS_MAGIC_TEST").1.as_deref(),
        Some("'hello world'")
    );
    assert!(run(&mut i, "%env")
        .0
        .lines()
        .any(|l| l == "NEREUS_MAGIC_TEST=hello world"));
    assert_eq!(err(&mut i, "%env NEREUS_NO_SUCH_VAR").ename, "KeyError");

    let before = std::env::current_dir().unwrap_or_default();
    let tmp = std::env::temp_dir().canonicalize().unwrap_or_default();
    let (out, _, e) = run(&mut i, &format!("%cd {}", tmp.display()));
    assert!(e.is_none(), "{e:?}");
    assert_eq!(out, format!("{}\n", tmp.display()));
    assert_eq!(run(&mut i, "%pwd").1, Some(format!("'{}'", tmp.display())));
    let e = err(&mut i, "%cd /no/such/dir");
    assert_eq!(e.ename, "FileNotFoundError");
    assert!(e
        .evalue
        .contains("No such file or directory: '/no/such/dir'"));
    let _ = std::env::set_current_dir(before);
}

#[test]
fn history_lists_the_outputs_history() {
    let mut i = Interpreter::new();
    let mut rec = Recorder {
        history: vec![(1, "x = 1".into()), (2, "for k in x:\n    k".into())],
        ..Recorder::default()
    };
    let r = i.execute("%history -n", &mut rec, &CancelToken::new());
    assert!(r.is_ok());
    assert_eq!(rec.stdout, "1: x = 1\n2:\nfor k in x:\n    k\n");
    let mut rec = Recorder {
        history: vec![(1, "x = 1".into())],
        ..Recorder::default()
    };
    let _ = i.execute("%history", &mut rec, &CancelToken::new());
    assert_eq!(rec.stdout, "x = 1\n");
    assert_eq!(err(&mut i, "%history -z").ename, "UsageError");
}

#[test]
fn completion_after_percent() {
    let i = Interpreter::new();
    let c = i.complete("%ti", 3);
    assert_eq!(c.matches, vec!["%time", "%timeit"]);
    assert_eq!((c.cursor_start, c.cursor_end), (0, 3));
    let c = i.complete("%%t", 3);
    assert_eq!(c.matches, vec!["%%time", "%%timeit"]);
    let c = i.complete("x = 1\n%wh", 9);
    assert_eq!(c.matches, vec!["%who", "%whos"]);
    assert_eq!(c.cursor_start, 6);
    let c = i.complete("%", 1);
    assert!(
        c.matches.contains(&"%lsmagic".to_string()) && c.matches.contains(&"%%time".to_string())
    );
    // `%` as an operator is not a magic.
    assert!(!i
        .complete("x = 10 %ti", 10)
        .matches
        .iter()
        .any(|m| m.starts_with('%')));
    let help = i.inspect("%timeit x", 3, 0).map(|b| plain(&b));
    assert!(help.is_some_and(|h| h.contains("%timeit [-n N]")));
}

#[test]
fn is_complete_with_magics() {
    let inc = |n: usize| Completeness::Incomplete {
        indent: " ".repeat(n),
    };
    assert_eq!(is_complete("%time x = 1"), Completeness::Complete);
    assert_eq!(is_complete("%config"), Completeness::Complete);
    assert_eq!(is_complete("%%time\nfor i in range(3):"), inc(4));
    assert_eq!(
        is_complete("%%time\nfor i in range(3):\n    print(i)\n"),
        Completeness::Complete
    );
    assert_eq!(is_complete("%%time\nx = 1"), Completeness::Complete);
    assert_eq!(is_complete("x = 1\n%who"), Completeness::Complete);
    assert_eq!(is_complete("%who\nif x:"), inc(4));
}

#[test]
fn line_magics_run_inside_blocks_and_after_an_indent() {
    let mut i = Interpreter::new();
    // A magic in a loop body runs on every pass; its value is not shown there.
    let (out, value, e) = run(&mut i, "for k in range(3):\n    %time x = k * 2\nx");
    assert!(e.is_none(), "{e:?}");
    assert_eq!(out.matches("CPU times: user ").count(), 3, "{out}");
    assert_eq!(out.matches("Wall time: ").count(), 3, "{out}");
    assert_eq!(value.as_deref(), Some("4"));
    let (out, value, _) = run(&mut i, "for k in range(1):\n    %time 7");
    assert!(out.starts_with("CPU times:"), "{out}");
    assert_eq!(value, None);
    let (out, _, e) = run(&mut i, "if x > 1:\n    %who int\nelse:\n    %pwd");
    assert!(e.is_none(), "{e:?}");
    assert_eq!(out, "k\tx\n");
    // IPython strips the first line's indent from the whole cell.
    let (_, value, e) = run(&mut i, "  %time 1 + 1");
    assert!(e.is_none(), "{e:?}");
    assert_eq!(value.as_deref(), Some("2"));
    assert_eq!(run(&mut i, "    y = 3\n    y * 2").1.as_deref(), Some("6"));
    // Settings changed by a magic apply to the statements after it.
    run(&mut i, "for k in range(2):\n    %config threads=3");
    assert_eq!(i.config().threads, 3);
    // Errors keep the cell line of the magic.
    let e = err(&mut i, "for k in range(1):\n    %time undefined_name");
    assert_eq!(e.ename, "NameError");
    assert!(e.traceback.iter().any(|l| l == "  Cell line 2"), "{e:?}");
    let e = err(&mut i, "if True:\n    %%time\n    x");
    assert!(e.evalue.contains("first line"), "{e:?}");
    assert_eq!(err(&mut i, "x = 1\n  %time x").ename, "IndentationError");
    assert_eq!(err(&mut i, "x = 1; %time x").ename, "SyntaxError");
}

#[test]
fn indented_magics_complete_and_inspect() {
    let i = Interpreter::new();
    let code = "for k in range(2):\n    %ti";
    let c = i.complete(code, code.chars().count());
    assert_eq!(c.matches, vec!["%time", "%timeit"]);
    assert_eq!(c.cursor_start, code.chars().count() - 3);
    let code = "if x:\n  %%ti";
    assert!(i.complete(code, code.chars().count()).matches.is_empty());
    let help = i
        .inspect("for k in r:\n    %timeit x", 18, 0)
        .map(|b| plain(&b));
    assert!(help.is_some_and(|h| h.contains("%timeit [-n N]")));
    let inc = |n: usize| Completeness::Incomplete {
        indent: " ".repeat(n),
    };
    assert_eq!(is_complete("for k in range(3):\n    %time x"), inc(4));
    assert_eq!(
        is_complete("for k in range(3):\n    %time x\n"),
        Completeness::Complete
    );
    assert_eq!(is_complete("  %time x"), Completeness::Complete);
    assert_eq!(is_complete("if x:\n    %who\n  y"), Completeness::Invalid);
}
