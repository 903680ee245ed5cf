//! Input history kept in a file: appended by every kernel, read by history requests.
//!
//! The file holds JSON lines, one per session start and one per stored cell. Several kernels may
//! share it: every write and every read holds an OS file lock, a session number is taken under
//! the lock, and a torn or foreign line is skipped when reading, never fatal.

use serde::{Deserialize, Serialize};
use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

/// Environment variable that overrides the history file's location.
pub const HISTORY_ENV: &str = "NEREUS_HISTORY";

/// Errors reading or writing the history file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum HistoryError {
    /// The file could not be opened, locked, read or written.
    #[error("history file {path}: {source}")]
    Io {
        /// The history file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
}

/// One stored cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    /// Session number (1-based, shared across kernels).
    pub session: usize,
    /// Execution count within the session.
    pub line: usize,
    /// The cell's source.
    pub source: String,
}

/// A line of the file: a session start or a stored cell.
#[derive(Debug, Serialize, Deserialize)]
struct Record {
    session: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    start: Option<String>,
}

/// This kernel's handle on the history file, with its own session number.
#[derive(Debug, Clone)]
pub struct History {
    path: PathBuf,
    session: usize,
}

impl History {
    /// Where history lives: `$NEREUS_HISTORY`, else the user data dir.
    pub fn default_path() -> Option<PathBuf> {
        match std::env::var_os(HISTORY_ENV) {
            Some(p) if !p.is_empty() => Some(PathBuf::from(p)),
            _ => dirs::data_dir().map(|d| d.join("nereus").join("history.jsonl")),
        }
    }

    /// Opens (creating) the file and starts a new session numbered after all earlier ones.
    pub fn open(path: &Path) -> Result<Self, HistoryError> {
        let io = |source| HistoryError::Io {
            path: path.display().to_string(),
            source,
        };
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let mut file = OpenOptions::new()
            .create(true)
            .read(true)
            .append(true)
            .open(path)
            .map_err(io)?;
        // The exclusive lock makes "read the last session, write the next" atomic across kernels.
        file.lock().map_err(io)?;
        let session = records(&file).map(|r| r.session).max().unwrap_or(0) + 1;
        let start = Record {
            session,
            line: None,
            source: None,
            start: Some(chrono::Utc::now().to_rfc3339()),
        };
        write_record(&mut file, &start).map_err(io)?;
        file.unlock().map_err(io)?;
        Ok(Self {
            path: path.to_owned(),
            session,
        })
    }

    /// This kernel's session number.
    pub fn session(&self) -> usize {
        self.session
    }

    /// Stores one cell.
    pub fn append(&self, line: usize, source: &str) -> Result<(), HistoryError> {
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .open(&self.path)
            .map_err(|e| self.io(e))?;
        file.lock().map_err(|e| self.io(e))?;
        let record = Record {
            session: self.session,
            line: Some(line),
            source: Some(source.to_owned()),
            start: None,
        };
        write_record(&mut file, &record).map_err(|e| self.io(e))
    }

    /// Every stored cell, oldest first.
    pub fn entries(&self) -> Result<Vec<Entry>, HistoryError> {
        let file = File::open(&self.path).map_err(|e| self.io(e))?;
        file.lock_shared().map_err(|e| self.io(e))?;
        Ok(records(&file)
            .filter_map(|r| {
                Some(Entry {
                    session: r.session,
                    line: r.line?,
                    source: r.source?,
                })
            })
            .collect())
    }

    /// The last `n` cells of all sessions.
    pub fn tail(&self, n: usize) -> Result<Vec<Entry>, HistoryError> {
        let all = self.entries()?;
        let skip = all.len().saturating_sub(n);
        Ok(all.into_iter().skip(skip).collect())
    }

    /// Cells `start <= line < stop` of a session: 0 is this one, negative counts back from it.
    /// A `stop` of 0 or less means "to the end".
    pub fn range(&self, session: i64, start: i64, stop: i64) -> Result<Vec<Entry>, HistoryError> {
        let current = i64::try_from(self.session).unwrap_or(i64::MAX);
        let wanted = if session <= 0 {
            current + session
        } else {
            session
        };
        Ok(self
            .entries()?
            .into_iter()
            .filter(|e| {
                let line = i64::try_from(e.line).unwrap_or(i64::MAX);
                i64::try_from(e.session).ok() == Some(wanted)
                    && line >= start
                    && (stop <= 0 || line < stop)
            })
            .collect())
    }

    /// The last `n` cells (all if `n` is 0) whose source matches a glob (`*`, `?`), as
    /// SQLite's GLOB in IPython does; with `unique`, each source once (its latest run).
    pub fn search(
        &self,
        pattern: &str,
        n: usize,
        unique: bool,
    ) -> Result<Vec<Entry>, HistoryError> {
        let pattern: Vec<char> = pattern.chars().collect();
        let mut hits: Vec<Entry> = self
            .entries()?
            .into_iter()
            .filter(|e| glob_match(&pattern, &e.source.chars().collect::<Vec<_>>()))
            .collect();
        if unique {
            let mut seen = std::collections::HashSet::new();
            let mut kept: Vec<Entry> = hits
                .into_iter()
                .rev()
                .filter(|e| seen.insert(e.source.clone()))
                .collect();
            kept.reverse();
            hits = kept;
        }
        if n > 0 {
            let skip = hits.len().saturating_sub(n);
            hits.drain(..skip);
        }
        Ok(hits)
    }

    fn io(&self, source: std::io::Error) -> HistoryError {
        HistoryError::Io {
            path: self.path.display().to_string(),
            source,
        }
    }
}

/// The parsable records of the file; torn or foreign lines are skipped.
fn records(file: &File) -> impl Iterator<Item = Record> + '_ {
    BufReader::new(file)
        .lines()
        .map_while(Result::ok)
        .filter_map(|l| serde_json::from_str::<Record>(&l).ok())
}

/// Writes one record as a single `write` so concurrent appenders never interleave inside a line.
/// If a crash left a torn last line, a newline first keeps this record whole.
fn write_record(file: &mut File, record: &Record) -> std::io::Result<()> {
    let mut line = Vec::new();
    if file.seek(SeekFrom::End(0))? > 0 {
        let mut last = [0u8; 1];
        file.seek(SeekFrom::End(-1))?;
        file.read_exact(&mut last)?;
        if last[0] != b'\n' {
            line.push(b'\n');
        }
    }
    serde_json::to_writer(&mut line, record).map_err(std::io::Error::other)?;
    line.push(b'\n');
    file.write_all(&line)?;
    file.flush()
}

/// Whole-string glob match with `*` (any run) and `?` (one character).
fn glob_match(pattern: &[char], text: &[char]) -> bool {
    let (mut p, mut t) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while t < text.len() {
        match pattern.get(p) {
            Some('*') => {
                star = Some((p, t));
                p += 1;
            }
            Some(&c) if c == '?' || c == text[t] => {
                p += 1;
                t += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    p = sp + 1;
                    t = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    pattern[p..].iter().all(|&c| c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_path(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("nereus-hist-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        dir.join("sub").join("history.jsonl")
    }

    #[test]
    fn sessions_are_numbered_and_queries_answer() -> Result<(), HistoryError> {
        let path = temp_path("queries");
        let first = History::open(&path)?;
        first.append(1, "a = 1")?;
        first.append(2, "print(a)")?;
        let second = History::open(&path)?;
        assert_eq!((first.session(), second.session()), (1, 2));
        second.append(1, "print(a)")?;
        second.append(2, "b = 2")?;
        assert_eq!(second.tail(2)?.len(), 2);
        assert_eq!(second.tail(2)?[1].source, "b = 2");
        let prev = second.range(-1, 1, 0)?;
        assert_eq!(prev.len(), 2);
        assert_eq!(prev[0].source, "a = 1");
        assert_eq!(second.range(0, 1, 2)?.len(), 1);
        assert_eq!(second.search("print*", 0, false)?.len(), 2);
        assert_eq!(second.search("print*", 0, true)?.len(), 1);
        assert_eq!(second.search("?=*", 0, false)?.len(), 0);
        assert_eq!(second.search("b*", 1, false)?[0].line, 2);
        Ok(())
    }

    #[test]
    fn torn_lines_are_skipped() -> Result<(), HistoryError> {
        let path = temp_path("torn");
        let h = History::open(&path)?;
        h.append(1, "x")?;
        let mut f = OpenOptions::new()
            .append(true)
            .open(&path)
            .map_err(|e| h.io(e))?;
        f.write_all(b"{\"session\": 1, \"li").map_err(|e| h.io(e))?;
        drop(f);
        let h2 = History::open(&path)?;
        h2.append(1, "y")?;
        let sources: Vec<String> = h2.entries()?.into_iter().map(|e| e.source).collect();
        assert_eq!(sources, ["x", "y"]);
        assert_eq!(h2.session(), 2);
        Ok(())
    }

    #[test]
    fn concurrent_appenders_do_not_corrupt() -> Result<(), HistoryError> {
        let path = temp_path("concurrent");
        let handles: Vec<_> = (0..4)
            .map(|_| {
                let path = path.clone();
                std::thread::spawn(move || -> Result<(), HistoryError> {
                    let h = History::open(&path)?;
                    for i in 0..200 {
                        h.append(i + 1, &format!("cell {i} {}", "x".repeat(500)))?;
                    }
                    Ok(())
                })
            })
            .collect();
        for h in handles {
            h.join().map_err(|_| HistoryError::Io {
                path: String::new(),
                source: std::io::Error::other("thread panicked"),
            })??;
        }
        let h = History::open(&path)?;
        assert_eq!(h.entries()?.len(), 800);
        assert_eq!(h.session(), 5);
        Ok(())
    }

    #[test]
    fn glob_semantics() {
        let m = |p: &str, t: &str| {
            glob_match(
                &p.chars().collect::<Vec<_>>(),
                &t.chars().collect::<Vec<_>>(),
            )
        };
        assert!(m("*", ""));
        assert!(m("a*c", "abbbc"));
        assert!(m("a?c", "abc"));
        assert!(!m("a?c", "abbc"));
        assert!(!m("abc", "abcd"));
        assert!(m("*é*", "café au lait"));
    }
}
