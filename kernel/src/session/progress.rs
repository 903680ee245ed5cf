//! Progress bars for a cell's computations: when to show one, what it says, how often it
//! changes. Shared by the kernel and `nereus run` (both run cells through the session).
//!
//! This is pure state: it turns progress events and their times into the display_data and
//! update_display_data contents to publish, and never publishes or reads the clock itself
//! (`session::outputs` does both).

use crate::lang::ProgressMode;
use jupyter_protocol::{
    DisplayData, JupyterMessageContent, Media, MediaType, Transient, UpdateDisplayData,
};
use nereus_engine::exec::Progress;
use nereus_engine::model::nbytes;
use std::fmt::Write as _;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// Computations that end sooner show nothing: a bar that flashes by is noise.
const DELAY: Duration = Duration::from_millis(300);

/// Least time between two updates of a bar: ~10 a second, as dask's bars, so neither the
/// iopub queue nor the browser's re-rendering is flooded.
const INTERVAL: Duration = Duration::from_millis(100);

/// Characters in the text/plain bar.
const TEXT_BAR_WIDTH: usize = 24;

/// What to do with the current state of a computation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// Nothing now.
    Wait,
    /// Publish it as a new display.
    Show,
    /// Replace the display shown earlier.
    Update,
}

/// When a bar is shown and updated: a pure function of the times events arrive at, measured
/// from the start of the computation.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Throttle {
    /// When the bar was last published, if it was.
    last: Option<Duration>,
}

impl Throttle {
    /// An event arrived at `elapsed`: the first after the delay shows the bar, later ones
    /// update it at most once an interval (the ones in between are dropped; the next one
    /// published carries the latest state).
    fn on_update(&mut self, elapsed: Duration) -> Step {
        if elapsed < DELAY {
            return Step::Wait;
        }
        let step = match self.last {
            None => Step::Show,
            Some(t) if elapsed.saturating_sub(t) >= INTERVAL => Step::Update,
            Some(_) => return Step::Wait,
        };
        self.last = Some(elapsed);
        step
    }

    /// The computation ended at `elapsed`: the final state always replaces a shown bar, and is
    /// shown new when the computation took longer than the delay without a bar (one slow
    /// chunk, or no live bar wanted).
    fn on_end(self, elapsed: Duration) -> Step {
        match self.last {
            Some(_) => Step::Update,
            None if elapsed >= DELAY => Step::Show,
            None => Step::Wait,
        }
    }
}

/// Chunks and bytes over every stage of one computation: the executor restarts its counts
/// for each stage (an inner reduction, then the outer one), and the bar keeps rising.
#[derive(Debug, Clone, Copy, Default)]
struct Tally {
    /// Stages already finished.
    before: Progress,
    /// The stage running now.
    stage: Progress,
}

impl Tally {
    fn add(&mut self, p: Progress) {
        let s = self.stage;
        let new_stage = s.chunks_total > 0
            && (s.chunks_done >= s.chunks_total
                || p.chunks_done <= s.chunks_done
                || p.chunks_total != s.chunks_total);
        if new_stage {
            self.before = sum(self.before, s);
        }
        self.stage = p;
    }

    fn total(&self) -> Progress {
        sum(self.before, self.stage)
    }
}

fn sum(a: Progress, b: Progress) -> Progress {
    Progress {
        chunks_done: a.chunks_done + b.chunks_done,
        chunks_total: a.chunks_total + b.chunks_total,
        bytes_done: a.bytes_done + b.bytes_done,
        bytes_total: a.bytes_total + b.bytes_total,
    }
}

/// One computation being reported.
#[derive(Debug)]
struct Run {
    mode: ProgressMode,
    began: Instant,
    throttle: Throttle,
    tally: Tally,
    display_id: String,
}

impl Run {
    fn message(&self, step: Step, data: Media) -> Option<JupyterMessageContent> {
        let transient = Transient {
            display_id: Some(self.display_id.clone()),
        };
        match step {
            Step::Wait => None,
            Step::Show => Some(
                DisplayData {
                    data,
                    metadata: serde_json::Map::new(),
                    transient: Some(transient),
                }
                .into(),
            ),
            Step::Update => Some(
                UpdateDisplayData {
                    data,
                    metadata: serde_json::Map::new(),
                    transient,
                }
                .into(),
            ),
        }
    }
}

/// Reports the computations of one cell, one at a time; shared by reference with the
/// executor's callback, hence the lock (never contended: one thread runs the cell).
#[derive(Debug, Default)]
pub struct Reporter {
    run: Mutex<Option<Run>>,
}

impl Reporter {
    /// A computation starts at `now`, shown per `mode`.
    pub fn begin(&self, mode: ProgressMode, now: Instant) {
        *self.lock() = (mode != ProgressMode::None).then(|| Run {
            mode,
            began: now,
            throttle: Throttle::default(),
            tally: Tally::default(),
            display_id: uuid::Uuid::new_v4().to_string(),
        });
    }

    /// Progress arrived at `now`; returns what to publish, if anything. Cheap when throttled.
    pub fn update(&self, progress: Progress, now: Instant) -> Option<JupyterMessageContent> {
        let mut guard = self.lock();
        let run = guard.as_mut()?;
        run.tally.add(progress);
        if !matches!(run.mode, ProgressMode::Bar | ProgressMode::Transient) {
            return None;
        }
        let elapsed = now.saturating_duration_since(run.began);
        match run.throttle.on_update(elapsed) {
            Step::Wait => None,
            step => run.message(step, bar(run.tally.total(), elapsed)),
        }
    }

    /// The computation ended at `now` (`completed` false: failed or interrupted); returns the
    /// final message: the summary, or an empty display where the bar was (transient). Does
    /// nothing when no computation is open, so it can also close one a panic left open.
    pub fn end(&self, completed: bool, now: Instant) -> Option<JupyterMessageContent> {
        let run = self.lock().take()?;
        let elapsed = now.saturating_duration_since(run.began);
        let step = run.throttle.on_end(elapsed);
        let data = match run.mode {
            ProgressMode::Transient if step == Step::Update => Media::default(),
            ProgressMode::Transient | ProgressMode::None => return None,
            ProgressMode::Bar | ProgressMode::Summary => {
                summary(run.tally.total(), elapsed, completed)
            }
        };
        run.message(step, data)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<Run>> {
        // A panic mid-update leaves plain counters behind: still fine to read.
        self.run.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The live bar: done/total chunks and bytes, throughput and time left.
fn bar(p: Progress, elapsed: Duration) -> Media {
    let fraction = fraction(p);
    let mut parts = vec![
        format!("{:.0}%", fraction * 100.0),
        format!("{}/{} chunks", p.chunks_done, p.chunks_total),
    ];
    if p.bytes_total > 0 {
        parts.push(format!(
            "{} / {}",
            nbytes::decimal(p.bytes_done),
            nbytes::decimal(p.bytes_total)
        ));
    }
    if let Some(rate) = rate(p.bytes_done, elapsed) {
        parts.push(format!("{}/s", nbytes::decimal(rate)));
    }
    if let Some(left) = time_left(p, elapsed) {
        parts.push(format!("{} left", human_duration(left)));
    }
    let line = parts.join(" · ");
    #[allow(
        clippy::cast_possible_truncation,
        clippy::cast_sign_loss,
        clippy::cast_precision_loss,
        reason = "a fraction in 0..=1 times a small width"
    )]
    let filled = ((fraction * TEXT_BAR_WIDTH as f64).floor() as usize).min(TEXT_BAR_WIDTH);
    let text = format!(
        "[{}{}] {line}",
        "#".repeat(filled),
        "-".repeat(TEXT_BAR_WIDTH - filled)
    );
    let mut html = String::new();
    let _ = write!(
        html,
        "<div style=\"display:flex;align-items:center;gap:0.75em;{FONT}\">\
         <div role=\"progressbar\" aria-valuemin=\"0\" aria-valuemax=\"100\" \
         aria-valuenow=\"{pct:.0}\" style=\"flex:none;width:16em;height:0.8em;\
         background:var(--jp-layout-color3,#d5d5d5);border-radius:3px;overflow:hidden\">\
         <div style=\"width:{pct:.1}%;height:100%;background:var(--jp-brand-color1,#1976d2)\">\
         </div></div><span>{line}</span></div>",
        pct = fraction * 100.0,
    );
    Media::new(vec![MediaType::Html(html), MediaType::Plain(text)])
}

/// The one line a finished computation leaves.
fn summary(p: Progress, elapsed: Duration, completed: bool) -> Media {
    let bytes = if p.bytes_total > 0 {
        format!(", {}", nbytes::decimal(p.bytes_done))
    } else {
        String::new()
    };
    let time = human_duration(elapsed);
    let text = if completed {
        let rate = rate(p.bytes_done, elapsed)
            .filter(|_| p.bytes_total > 0)
            .map(|r| format!(" ({}/s)", nbytes::decimal(r)))
            .unwrap_or_default();
        format!("Computed {} chunks{bytes} in {time}{rate}", p.chunks_done)
    } else if p.chunks_total == 0 {
        // Interrupted while planning, before any chunk was counted.
        format!("Stopped before computing any chunk, after {time}")
    } else {
        format!(
            "Stopped after {} of {} chunks{bytes} in {time}",
            p.chunks_done, p.chunks_total
        )
    };
    let html =
        format!("<div style=\"{FONT};color:var(--jp-content-font-color2,#616161)\">{text}</div>");
    Media::new(vec![MediaType::Html(html), MediaType::Plain(text)])
}

/// The font of both displays, from JupyterLab's theme with fallbacks for other frontends.
const FONT: &str = "font-family:var(--jp-code-font-family,monospace);\
                    font-size:var(--jp-code-font-size,13px)";

/// Share done, by bytes when known, else by chunks.
#[allow(clippy::cast_precision_loss, reason = "a ratio for display")]
fn fraction(p: Progress) -> f64 {
    let (done, total) = if p.bytes_total > 0 {
        (p.bytes_done as f64, p.bytes_total as f64)
    } else {
        (p.chunks_done as f64, p.chunks_total as f64)
    };
    if total > 0.0 {
        (done / total).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// Bytes a second, once there is something to measure.
#[allow(
    clippy::cast_precision_loss,
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    reason = "a rate for display"
)]
fn rate(bytes: u64, elapsed: Duration) -> Option<u64> {
    let secs = elapsed.as_secs_f64();
    (bytes > 0 && secs > 0.0).then(|| (bytes as f64 / secs) as u64)
}

/// The rest at the pace so far.
fn time_left(p: Progress, elapsed: Duration) -> Option<Duration> {
    let f = fraction(p);
    (f > 0.0 && f < 1.0).then(|| elapsed.mul_f64((1.0 - f) / f))
}

/// A duration as people read it: `850 ms`, `2.1 s`, `42 s`, `3 min 05 s`, `1 h 02 min`.
fn human_duration(d: Duration) -> String {
    let secs = d.as_secs_f64();
    let whole = d.as_secs();
    if secs < 1.0 {
        format!("{} ms", d.as_millis())
    } else if secs < 9.95 {
        format!("{secs:.1} s")
    } else if secs < 59.5 {
        format!("{secs:.0} s")
    } else if whole < 3600 {
        format!("{} min {:02} s", whole / 60, whole % 60)
    } else {
        format!("{} h {:02} min", whole / 3600, whole % 3600 / 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn progress(done: usize, total: usize) -> Progress {
        Progress {
            chunks_done: done,
            chunks_total: total,
            bytes_done: done as u64 * 8_000_000,
            bytes_total: total as u64 * 8_000_000,
        }
    }

    /// The steps a throttle takes for events at these times (ms), then the end.
    fn steps(events: &[u64], end: u64) -> Vec<Step> {
        let mut t = Throttle::default();
        let mut out: Vec<Step> = events.iter().map(|&e| t.on_update(ms(e))).collect();
        out.push(t.on_end(ms(end)));
        out
    }

    #[test]
    fn quick_computations_show_nothing() {
        use Step::{Show, Update, Wait};
        assert_eq!(steps(&[10, 100, 250], 290), [Wait, Wait, Wait, Wait]);
        assert_eq!(steps(&[], 100), [Wait]);
        // No event after the delay, yet slow: the final state is shown new.
        assert_eq!(steps(&[100], 900), [Wait, Show]);
        assert_eq!(steps(&[400], 410), [Show, Update]);
    }

    #[test]
    fn updates_come_at_most_once_an_interval_and_the_end_always() {
        let events: Vec<u64> = (0..100).map(|i| i * 13).collect();
        let all = steps(&events, 1300);
        let shown: Vec<u64> = events
            .iter()
            .zip(&all)
            .filter(|(_, s)| **s != Step::Wait)
            .map(|(e, _)| *e)
            .collect();
        assert_eq!(shown[0], 312, "first event after the delay");
        assert!(shown.windows(2).all(|w| w[1] - w[0] >= 100), "{shown:?}");
        assert_eq!(shown.len(), 10, "{shown:?}");
        assert_eq!(all.last(), Some(&Step::Update));
        // A burst of events at one instant publishes once.
        assert_eq!(
            steps(&[500, 500, 500, 550], 560),
            [Step::Show, Step::Wait, Step::Wait, Step::Wait, Step::Update]
        );
    }

    #[test]
    fn stages_add_up_and_counts_keep_rising() {
        let mut t = Tally::default();
        let mut seen = Vec::new();
        for p in [
            progress(2, 4),
            progress(4, 4),
            progress(3, 6),
            progress(6, 6),
            progress(1, 6),
        ] {
            t.add(p);
            seen.push((t.total().chunks_done, t.total().chunks_total));
        }
        assert_eq!(seen, [(2, 4), (4, 4), (7, 10), (10, 10), (11, 16)]);
    }

    fn kind(msg: &JupyterMessageContent) -> (&'static str, String, String) {
        let (kind, data, id) = match msg {
            JupyterMessageContent::DisplayData(d) => (
                "display",
                &d.data,
                d.transient.as_ref().and_then(|t| t.display_id.clone()),
            ),
            JupyterMessageContent::UpdateDisplayData(u) => {
                ("update", &u.data, u.transient.display_id.clone())
            }
            _ => ("other", &Media::default(), None),
        };
        (kind, plain(data), id.unwrap_or_default())
    }

    fn plain(data: &Media) -> String {
        data.content
            .iter()
            .find_map(|m| match m {
                MediaType::Plain(t) => Some(t.clone()),
                _ => None,
            })
            .unwrap_or_default()
    }

    /// Drives a reporter through 40 chunks over 2 s; returns what it published.
    fn drive(mode: ProgressMode, completed: bool) -> Vec<(&'static str, String, String)> {
        let r = Reporter::default();
        let t0 = Instant::now();
        r.begin(mode, t0);
        let mut out: Vec<_> = (1..=40)
            .filter_map(|i| r.update(progress(i, 40), t0 + ms(i as u64 * 50)))
            .collect();
        out.extend(r.end(completed, t0 + ms(2000)));
        out.iter().map(kind).collect()
    }

    #[test]
    fn an_interrupt_before_any_chunk_says_so() {
        let none = Progress {
            chunks_done: 0,
            chunks_total: 0,
            bytes_done: 0,
            bytes_total: 0,
        };
        let text = plain(&summary(none, ms(300), false));
        assert!(
            text.starts_with("Stopped before computing any chunk"),
            "{text}"
        );
    }

    #[test]
    fn a_bar_is_shown_updated_in_place_and_ends_as_a_summary() {
        let got = drive(ProgressMode::Bar, true);
        assert_eq!(got[0].0, "display");
        assert!(got[1..]
            .iter()
            .all(|(k, _, id)| *k == "update" && *id == got[0].2));
        assert!(got.len() >= 10, "{got:?}");
        assert!(got[0].1.contains("6/40 chunks"), "{}", got[0].1);
        assert!(got[0].1.contains("48.0 MB / 320 MB"), "{}", got[0].1);
        assert!(got[0].1.contains("left"), "{}", got[0].1);
        let last = &got[got.len() - 1].1;
        assert_eq!(last, "Computed 40 chunks, 320 MB in 2.0 s (160 MB/s)");
    }

    #[test]
    fn modes_change_what_is_left_at_the_end() {
        let transient = drive(ProgressMode::Transient, true);
        assert_eq!(
            transient.last().map(|t| (t.0, t.1.as_str())),
            Some(("update", ""))
        );
        let summary = drive(ProgressMode::Summary, true);
        assert_eq!(summary.len(), 1);
        assert_eq!(summary[0].0, "display");
        assert!(summary[0].1.starts_with("Computed 40 chunks"));
        assert!(drive(ProgressMode::None, true).is_empty());
        let stopped = drive(ProgressMode::Bar, false);
        let last = &stopped[stopped.len() - 1].1;
        assert!(last.starts_with("Stopped after 40 of 40 chunks"), "{last}");
    }

    #[test]
    fn end_without_a_computation_does_nothing() {
        let r = Reporter::default();
        assert!(r.end(false, Instant::now()).is_none());
        assert!(r.update(progress(1, 2), Instant::now()).is_none());
    }

    #[test]
    fn units_read_like_dask() {
        assert_eq!(human_duration(ms(850)), "850 ms");
        assert_eq!(human_duration(ms(2100)), "2.1 s");
        assert_eq!(human_duration(ms(42_000)), "42 s");
        assert_eq!(human_duration(ms(185_000)), "3 min 05 s");
        assert_eq!(human_duration(ms(3_720_000)), "1 h 02 min");
    }
}
