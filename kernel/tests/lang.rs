//! Runs cells through the public interpreter API with a recording output.

mod common;
use common::plain;

use std::time::{Duration, Instant};

use nereus::lang::{is_complete, Completeness, Interpreter, MimeBundle, Output, Stream};
use nereus_engine::CancelToken;

/// One thing a cell sent to its output.
#[derive(Debug, Clone, PartialEq)]
enum Event {
    Stream(Stream, String),
    Display(String, Option<String>, bool),
    Clear(bool),
    Page(String),
}

#[derive(Default)]
struct Recorder(Vec<Event>);

impl Output for Recorder {
    fn stream(&mut self, stream: Stream, text: &str) {
        self.0.push(Event::Stream(stream, text.to_string()));
    }
    fn display(&mut self, data: MimeBundle, display_id: Option<&str>, update: bool) {
        self.0.push(Event::Display(
            plain(&data),
            display_id.map(str::to_string),
            update,
        ));
    }
    fn clear_output(&mut self, wait: bool) {
        self.0.push(Event::Clear(wait));
    }
    fn page(&mut self, data: MimeBundle) {
        self.0.push(Event::Page(plain(&data)));
    }
}

/// Runs a cell; returns the displayed result (or "ename: evalue") and the events.
fn run(interp: &mut Interpreter, code: &str) -> (String, Vec<Event>) {
    let mut out = Recorder::default();
    let r = interp.execute(code, &mut out, &CancelToken::new());
    let shown = match r {
        Ok(Some(b)) => plain(&b),
        Ok(None) => String::new(),
        Err(e) => format!("{}: {}", e.ename, e.evalue),
    };
    (shown, out.0)
}

fn value(code: &str) -> String {
    run(&mut Interpreter::new(), code).0
}

fn stdout(text: &str) -> Event {
    Event::Stream(Stream::Stdout, text.to_string())
}

#[test]
fn trailing_expression_reprs_match_python() {
    for (code, want) in [
        ("1 + 2", "3"),
        ("7 / 2", "3.5"),
        ("-7 // 2, -7 % 2, 7 % -2", "(-4, 1, -1)"),
        ("2 ** 10", "1024"),
        ("2 ** -1", "0.5"),
        ("0.1 + 0.2", "0.30000000000000004"),
        ("1e16, 1e-5, 1.0, 1e22", "(1e+16, 1e-05, 1.0, 1e+22)"),
        ("float('nan'), float('-inf')", "(nan, -inf)"),
        ("'hello'", "'hello'"),
        ("\"it's\"", "\"it's\""),
        ("'a' 'b' \"c\"", "'abc'"),
        ("'ab' * 3 + 'c'", "'abababc'"),
        ("'''x\ny'''", "'x\\ny'"),
        ("True and 3", "3"),
        ("0 or 'x'", "'x'"),
        ("not 1 < 2 < 3", "False"),
        ("[1, 'a', None, (1,)]", "[1, 'a', None, (1,)]"),
        (
            "len([1, 2, 3]), len('héllo'), len(range(0, 10, 3))",
            "(3, 5, 4)",
        ),
        (
            "[1, 2, 3][-1], 'abc'[1:], (1, 2, 3)[::-1]",
            "(3, 'bc', (3, 2, 1))",
        ),
        ("range(5)", "range(0, 5)"),
        ("x = 3\nf'{x} and {x+1}'", "'3 and 4'"),
        (
            "f'{3.14159:.2f}|{42:>5}|{1234567:,}|{\"s\"!r}'",
            "\"3.14|   42|1,234,567|'s'\"",
        ),
        ("x = 5\nf'{x=}'", "'x=5'"),
        (
            "int('12'), int(2.7), float('1e3'), str(1.5), abs(-3), round(2.5), round(2.675, 2)",
            "(12, 2, 1000.0, '1.5', 3, 2, 2.67)",
        ),
        (
            "min(3, 1, 2), max([1, 5, 2]), sum(range(5)), sorted([3, 1, 2])",
            "(1, 5, 10, [1, 2, 3])",
        ),
        (
            "type(1), type('a'), repr('a')",
            "(<class 'int'>, <class 'str'>, \"'a'\")",
        ),
        ("1 if 0 else 2", "2"),
        (
            "3 in [1, 2, 3], 'b' in 'abc', 4 not in range(4)",
            "(True, True, True)",
        ),
        ("None", ""),
        ("1;", ""),
        ("x = 1", ""),
        ("len", "<built-in function len>"),
    ] {
        assert_eq!(value(code), want, "cell: {code}");
    }
}

#[test]
fn statements_blocks_and_namespace() {
    let mut i = Interpreter::new();
    assert_eq!(run(&mut i, "a = b = 2\na += 3\nx, y = 1, 2").0, "");
    assert_eq!(run(&mut i, "a, b, x, y").0, "(5, 2, 1, 2)");
    let code = "total = 0\nfor k in range(10):\n    if k % 2 == 0:\n        continue\n    elif k > 7:\n        break\n    else:\n        total += k\ntotal";
    assert_eq!(run(&mut i, code).0, "16");
    assert_eq!(
        run(&mut i, "for c in 'ab': print(c, end='')").1,
        vec![stdout("a"), stdout("b")]
    );
    assert_eq!(
        run(&mut i, "del a\na").0,
        "NameError: name 'a' is not defined"
    );
    assert_eq!(run(&mut i, "x = (1 +\n     2)  # joined\nx").0, "3");
}

#[test]
fn print_goes_to_streams_in_order() {
    let (_, ev) = run(&mut Interpreter::new(), "import sys\nprint('a', 1, sep='-')\nprint('err', file=sys.stderr)\nprint(*[1, 2], end='!\\n')");
    assert_eq!(
        ev,
        vec![
            stdout("a-1\n"),
            Event::Stream(Stream::Stderr, "err\n".into()),
            stdout("1 2!\n")
        ]
    );
}

#[test]
fn display_update_and_clear() {
    let (_, ev) = run(
        &mut Interpreter::new(),
        "display(1, 'x')\ndisplay(2, display_id='d')\nupdate_display(3, display_id='d')\nclear_output(wait=True)",
    );
    assert_eq!(
        ev,
        vec![
            Event::Display("1".into(), None, false),
            Event::Display("'x'".into(), None, false),
            Event::Display("2".into(), Some("d".into()), false),
            Event::Display("3".into(), Some("d".into()), true),
            Event::Clear(true),
        ]
    );
}

#[test]
fn errors_are_pythonic_with_line_numbers() {
    let mut i = Interpreter::new();
    run(&mut i, "foo1 = 1");
    let mut out = Recorder::default();
    let e = i
        .execute("x = 1\nprint(foo)", &mut out, &CancelToken::new())
        .err();
    let e = e.as_ref();
    assert_eq!(e.map(|e| e.ename.as_str()), Some("NameError"));
    assert_eq!(
        e.map(|e| e.evalue.as_str()),
        Some("name 'foo' is not defined. Did you mean: 'foo1'?")
    );
    assert!(e.is_some_and(|e| e.traceback.iter().any(|l| l.contains("line 2"))));
    for (code, want) in [
        ("1 / 0", "ZeroDivisionError: division by zero"),
        ("1 // 0", "ZeroDivisionError: integer division or modulo by zero"),
        ("2 ** 100", "OverflowError: integer result does not fit in 64 bits"),
        ("9223372036854775807 + 1", "OverflowError: integer result does not fit in 64 bits"),
        ("'a' + 1", "TypeError: can only concatenate str (not \"int\") to str"),
        ("[1][3]", "IndexError: list index out of range"),
        ("print(1, sepp=' ')", "TypeError: 'sepp' is an invalid keyword argument for print(). Did you mean: 'sep'?"),
        ("len(1, 2)", "TypeError: len() takes exactly one argument (2 given)"),
        ("int('x')", "ValueError: invalid literal for int() with base 10: 'x'"),
        ("import numpyy", "ModuleNotFoundError: No module named 'numpyy' (Nereus cells accept: time, xarray, numpy, numpy.testing, numpy.random, pandas, warnings, sys, matplotlib, matplotlib.pyplot, matplotlib.colors, cartopy, cartopy.crs, cartopy.feature, IPython.display)"),
        ("import time\ntime.slep(1)", "AttributeError: module 'time' has no attribute 'slep'. Did you mean: 'sleep'?"),
        ("a, b = 1, 2, 3", "ValueError: too many values to unpack (expected 2)"),
        ("x = 1\nx(2)", "TypeError: 'int' object is not callable"),
        ("class A:\n    x = 1", "NotImplementedError: 'class' is not supported in Nereus cells; use a %%rust cell for general code"),
        ("return 1", "SyntaxError: 'return' outside function"),
        ("break", "SyntaxError: 'break' outside loop"),
    ] {
        assert_eq!(value(code), want, "cell: {code}");
    }
}

#[test]
fn positional_parameters_bind_by_keyword_as_in_python() {
    for (code, want) in [
        ("round(number=2.5)", "2"),
        ("round(number=2.25, ndigits=1)", "2.2"),
        ("str(object=5)", "'5'"),
        ("import xarray as xr\nxr.where(cond=True, x=1, y=0)", "1"),
        ("import xarray as xr\nxr.where(False, 1, y=0)", "0"),
        (
            "import xarray as xr\nxr.where(True, 1, 0, cond=1)",
            "TypeError: where() got multiple values for argument 'cond'",
        ),
        (
            "import xarray as xr\nxr.where(True, y=0)",
            "TypeError: where() missing 1 required positional argument: 'x'",
        ),
    ] {
        assert_eq!(value(code), want, "cell: {code}");
    }
}

#[test]
fn syntax_errors_have_caret_and_expectation() {
    let mut out = Recorder::default();
    let e = Interpreter::new()
        .execute("x = 1\nprint(1 2)", &mut out, &CancelToken::new())
        .err();
    let e = e.as_ref();
    assert_eq!(e.map(|e| e.ename.as_str()), Some("SyntaxError"));
    assert!(
        e.is_some_and(|e| e.evalue.contains("expected ')'")),
        "{e:?}"
    );
    assert!(e.is_some_and(|e| e.traceback.contains(&"    print(1 2)".to_string())));
    assert!(e.is_some_and(|e| e.traceback.contains(&"            ^".to_string())));
    assert!(
        out.0.is_empty(),
        "nothing runs when the cell does not parse"
    );
}

#[test]
fn hostile_input_gives_errors_not_panics() {
    for code in [
        "(".repeat(10_000),
        "(".repeat(10_000) + &")".repeat(10_000),
        "-".repeat(10_000) + "1",
        vec!["1"; 10_000].join("+"),
        "[".repeat(5_000) + &"]".repeat(5_000),
        "f'{".repeat(200) + "1",
        "x = 'abc\n".into(),
        "\u{0}\u{7f}é∑".into(),
        "x = 99999999999999999999999".into(),
        "'a' * 10**12".into(),
        "list(range(10**12))".into(),
        "range(10**18)[::2][5]".into(),
        "round(1e308, -400), round(5, -30), int(1e300)".into(),
        "9223372036854775807 << 70".into(),
        "-9223372036854775807 - 1 // -1".into(),
        "1 << 1 << 70".into(),
        "f'{1:{2}{3}}'".into(),
        "f'{1:999999999999}'".into(),
    ] {
        let _ = value(&code);
        let _ = is_complete(&code);
        let i = Interpreter::new();
        let n = code.chars().count();
        let _ = i.complete(&code, n);
        let _ = i.complete(&code, n + 5);
        let _ = i.inspect(&code, n / 2, 1);
    }
    assert_eq!(value("'a' * 10**12").split(':').next(), Some("MemoryError"));
}

#[test]
fn time_sleep_is_interruptible_from_another_thread() {
    let cancel = CancelToken::new();
    let other = cancel.clone();
    let canceller = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(100));
        other.cancel();
    });
    let mut out = Recorder::default();
    let start = Instant::now();
    let r = Interpreter::new().execute(
        "from time import sleep\nprint('start')\nsleep(60)\nprint('never')",
        &mut out,
        &cancel,
    );
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "took {:?}",
        start.elapsed()
    );
    let e = r.err();
    assert_eq!(
        e.as_ref().map(|e| e.ename.as_str()),
        Some("KeyboardInterrupt")
    );
    assert_eq!(out.0, vec![stdout("start\n")]);
    assert!(canceller.join().is_ok());
}

#[test]
fn time_functions_and_aliases() {
    let mut i = Interpreter::new();
    assert_eq!(
        run(
            &mut i,
            "import time as t\na = t.perf_counter()\nt.sleep(0.01)\nt.perf_counter() - a > 0.005"
        )
        .0,
        "True"
    );
    assert_eq!(run(&mut i, "t.time() > 1.6e9").0, "True");
    assert_eq!(
        run(&mut i, "import sys\nsys.stdout").0,
        "<_io.TextIOWrapper name='<stdout>' mode='w' encoding='utf-8'>"
    );
}

#[test]
fn help_pages_come_from_the_registry() {
    let mut i = Interpreter::new();
    let (_, ev) = run(&mut i, "import time\ntime.sleep?");
    assert!(
        matches!(&ev[..], [Event::Page(t)] if t.contains("time.sleep(secs, /)") && t.contains("KeyboardInterrupt"))
    );
    let (_, ev) = run(&mut i, "?len");
    assert!(matches!(&ev[..], [Event::Page(t)] if t.starts_with("Signature: len(obj, /)")));
    let (_, ev) = run(&mut i, "x = [1, 2]\nx?");
    assert!(
        matches!(&ev[..], [Event::Page(t)] if t.contains("Type:        list") && t.contains("[1, 2]"))
    );
    assert_eq!(
        run(&mut i, "nope?").0,
        "NameError: name 'nope' is not defined"
    );
}

#[test]
fn is_complete_follows_ipython() {
    let inc = |n: usize| Completeness::Incomplete {
        indent: " ".repeat(n),
    };
    assert_eq!(is_complete("print(1)"), Completeness::Complete);
    assert_eq!(is_complete("for i in range(3):"), inc(4));
    assert_eq!(is_complete("for i in range(3):\n    print(i)"), inc(4));
    assert_eq!(
        is_complete("for i in range(3):\n    print(i)\n"),
        Completeness::Complete
    );
    assert_eq!(is_complete("x = [1,\n"), inc(0));
    assert_eq!(is_complete("s = '''abc"), inc(0));
    assert_eq!(is_complete("x = 1 + \\"), inc(0));
    assert_eq!(is_complete("1 +)"), Completeness::Invalid);
    assert_eq!(is_complete("a = = 1"), Completeness::Invalid);
    assert_eq!(is_complete("s = 'abc"), Completeness::Invalid);
}

#[test]
fn completion_and_inspect_use_code_points() {
    let mut i = Interpreter::new();
    run(&mut i, "import time\nvalue_é = 1");
    let code = "s = 'ñandú'; time.sl";
    let n = code.chars().count();
    let c = i.complete(code, n);
    assert_eq!(c.matches, vec!["sleep".to_string()]);
    assert_eq!((c.cursor_start, c.cursor_end), (n - 2, n));
    let c = i.complete("print(val", 9);
    assert_eq!(c.matches, vec!["value_é".to_string()]);
    assert_eq!(c.cursor_start, 6);
    let c = i.complete("pr", 2);
    assert!(c.matches.contains(&"print".to_string()));
    let doc = i
        .inspect("x = 'é'; time.sleep(", 20, 0)
        .map(|b| plain(&b))
        .unwrap_or_default();
    assert!(doc.contains("sleep(secs, /)"), "{doc}");
    let doc = i
        .inspect("value_é + 1", 3, 0)
        .map(|b| plain(&b))
        .unwrap_or_default();
    assert!(
        doc.contains("Type:        int") && doc.contains("String form: 1"),
        "{doc}"
    );
}

#[test]
fn eval_expression_returns_a_bundle_and_hides_output() {
    let mut i = Interpreter::new();
    run(&mut i, "x = 20");
    let b = i
        .eval_expression("x * 2 + 2", &CancelToken::new())
        .map(|b| plain(&b))
        .ok();
    assert_eq!(b.as_deref(), Some("42"));
    let e = i.eval_expression("y", &CancelToken::new()).err();
    assert_eq!(e.map(|e| e.ename), Some("NameError".into()));
}

#[test]
fn list_and_dict_comprehensions() {
    // Expected values from CPython 3.
    for (code, want) in [
        ("xs = [1, 2, 3]\n[x * 2 for x in xs]", "[2, 4, 6]"),
        ("[x * x for x in range(5) if x > 0 if x != 3]", "[1, 4, 16]"),
        (
            "[(i, j) for i in range(3) for j in range(i)]",
            "[(1, 0), (2, 0), (2, 1)]",
        ),
        (
            "[[j for j in range(i)] for i in range(3)]",
            "[[], [0], [0, 1]]",
        ),
        (
            "d = {'a': 1, 'b': 2}\n{k: v * 10 for k, v in d.items()}",
            "{'a': 10, 'b': 20}",
        ),
        ("{x % 3: x for x in range(6)}", "{0: 3, 1: 4, 2: 5}"),
        ("[c.upper() if False else c for c in 'ab']", "['a', 'b']"),
        ("[x for x in []]", "[]"),
        ("[a + b for a, b in [(1, 2), (3, 4)]]", "[3, 7]"),
        ("[\n    x\n    for x in range(2)\n]", "[0, 1]"),
        ("len([0 for _ in range(100000)])", "100000"),
        ("sum([x for x in range(10) if x % 2])", "25"),
    ] {
        assert_eq!(value(code), want, "cell: {code}");
    }
    // The loop variable is local to the comprehension: it neither leaks nor clobbers.
    let mut i = Interpreter::new();
    assert_eq!(
        run(&mut i, "[x for x in range(3)]\nx").0,
        "NameError: name 'x' is not defined"
    );
    assert_eq!(
        run(&mut i, "x = 'kept'\ny = [x for x in range(3)]\nx, y").0,
        "('kept', [0, 1, 2])"
    );
    assert_eq!(run(&mut i, "x = [1, 2]\n[x * 2 for x in x]").0, "[2, 4]");
    assert_eq!(
        run(&mut i, "[1 / k for k in [1, 0]]").0,
        "ZeroDivisionError: division by zero"
    );
    assert_eq!(run(&mut i, "k").0, "NameError: name 'k' is not defined");
    for (code, want) in [
        ("[x for x in 3]", "TypeError: 'int' object is not iterable"),
        ("{[x]: 1 for x in range(2)}", "TypeError: unhashable type: 'list'"),
        ("(x for x in range(3))", "NotImplementedError: generator expressions are only supported as a call's argument in Nereus cells (sum(x for x in ...)); use a list comprehension [x for x in ...]"),
        ("{x for x in range(3)}", "NotImplementedError: set comprehensions are not supported in Nereus cells yet; use a dict {key: value} or a list"),
        ("[x for x in]", "SyntaxError: invalid syntax: expected an expression, found ']'"),
    ] {
        assert_eq!(value(code), want, "cell: {code}");
    }
    assert_eq!(is_complete("[x for x in xs]"), Completeness::Complete);
    assert_eq!(
        is_complete("[x for x in"),
        Completeness::Incomplete {
            indent: String::new()
        }
    );
    assert_eq!(is_complete("[x for x in xs]]"), Completeness::Invalid);
}
