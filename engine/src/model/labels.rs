//! Text values (season names, `strftime` output, string coordinates): int64 codes into a
//! table of strings, marked in the variable's encoding as dates are.
//!
//! xarray holds these as numpy `object` arrays of `str` or fixed-width `<U3` arrays. Nereus keeps
//! the codes in an ordinary `I64` block, so selection, transposition and the repr machinery
//! work unchanged; every operation that would compute on the codes as numbers checks
//! [`Labels::of`] first and refuses.

use super::{Attrs, Variable};
use serde_json::Value as Json;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// Encoding key holding a text variable's table and numpy dtype.
pub const LABELS_KEY: &str = "nereus_labels";

/// The strings a text variable's codes stand for, and the numpy dtype xarray gives them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labels {
    table: Arc<[String]>,
    /// `Some(n)` for numpy's fixed-width `<Un`, `None` for `object` arrays of `str`.
    width: Option<usize>,
}

impl Labels {
    /// An `object` table.
    pub fn object(table: Vec<String>) -> Self {
        Self {
            table: table.into(),
            width: None,
        }
    }

    /// A fixed-width `<Un` table, `n` the longest string (numpy's choice for a list of str).
    pub fn unicode(table: Vec<String>) -> Self {
        let width = table
            .iter()
            .map(|s| s.chars().count())
            .max()
            .unwrap_or(1)
            .max(1);
        Self {
            table: table.into(),
            width: Some(width),
        }
    }

    /// Dictionary-encodes `values`: the distinct strings in first-seen order, and each value's
    /// code. `unicode` picks `<Un` over `object`.
    pub fn encode<S: AsRef<str>>(values: &[S], unicode: bool) -> (Self, Vec<i64>) {
        let mut table: Vec<String> = Vec::new();
        let mut seen: HashMap<&str, i64> = HashMap::new();
        let mut codes = Vec::with_capacity(values.len());
        for v in values {
            let v = v.as_ref();
            let code = *seen.entry(v).or_insert_with(|| {
                table.push(v.to_owned());
                i64::try_from(table.len() - 1).unwrap_or(i64::MAX)
            });
            codes.push(code);
        }
        let labels = if unicode {
            Self::unicode(table)
        } else {
            Self::object(table)
        };
        (labels, codes)
    }

    /// The labels of a variable, if its values are text.
    pub fn of(var: &Variable) -> Option<Self> {
        Self::from_encoding(&var.encoding)
    }

    /// The labels recorded in an encoding by [`Labels::mark`].
    pub fn from_encoding(encoding: &Attrs) -> Option<Self> {
        let entry = encoding.get(LABELS_KEY)?;
        let table = entry
            .get("table")?
            .as_array()?
            .iter()
            .map(|s| s.as_str().map(str::to_owned))
            .collect::<Option<Vec<String>>>()?;
        let width = entry
            .get("width")
            .and_then(Json::as_u64)
            .and_then(|w| usize::try_from(w).ok());
        Some(Self {
            table: table.into(),
            width,
        })
    }

    /// Records these labels in an encoding (the int64 values are codes into the table).
    pub fn mark(&self, encoding: &mut Attrs) {
        let mut entry = serde_json::Map::new();
        entry.insert("table".to_owned(), Json::from(self.table.to_vec()));
        if let Some(w) = self.width {
            entry.insert("width".to_owned(), Json::from(w));
        }
        encoding.insert(LABELS_KEY.to_owned(), Json::Object(entry));
    }

    /// Removes recorded labels from an encoding.
    pub fn unmark(encoding: &mut Attrs) {
        encoding.shift_remove(LABELS_KEY);
    }

    /// The string of one code (`None` for a code outside the table).
    pub fn text(&self, code: i64) -> Option<&str> {
        usize::try_from(code)
            .ok()
            .and_then(|i| self.table.get(i))
            .map(String::as_str)
    }

    /// The code of a string, if the table holds it.
    pub fn code(&self, text: &str) -> Option<i64> {
        self.table
            .iter()
            .position(|s| s == text)
            .and_then(|i| i64::try_from(i).ok())
    }

    /// The table, in code order.
    pub fn table(&self) -> &[String] {
        &self.table
    }

    /// The same strings as a fixed-width `<Un` array of `width` characters (what a scalar taken
    /// from an `object` index becomes in xarray).
    #[must_use]
    pub fn with_width(&self, width: usize) -> Self {
        Self {
            table: Arc::clone(&self.table),
            width: Some(width.max(1)),
        }
    }

    /// Whether numpy holds these as `object` (else as fixed-width `<Un`).
    pub fn is_object(&self) -> bool {
        self.width.is_none()
    }

    /// Bytes per element in numpy: a pointer for `object`, four per character for `<Un`.
    pub fn itemsize(&self) -> usize {
        self.width.map_or(8, |w| 4 * w)
    }

    /// numpy's dtype name: `object` or `<U3`.
    pub fn dtype_name(&self) -> &'static str {
        match self.width {
            None => "object",
            Some(w) => unicode_name(w),
        }
    }
}

/// `<Un` as a `&'static str`, as every other dtype name is: each width is made once and kept
/// (a session sees a handful).
fn unicode_name(width: usize) -> &'static str {
    static NAMES: OnceLock<Mutex<HashMap<usize, &'static str>>> = OnceLock::new();
    let names = NAMES.get_or_init(|| Mutex::new(HashMap::new()));
    let mut names = names
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    names
        .entry(width)
        .or_insert_with(|| Box::leak(format!("<U{width}").into_boxed_str()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encoding_keeps_first_seen_order_and_round_trips() {
        let (labels, codes) = Labels::encode(&["JJA", "DJF", "JJA"], true);
        assert_eq!(codes, [0, 1, 0]);
        assert_eq!(labels.table(), ["JJA", "DJF"]);
        assert_eq!(labels.dtype_name(), "<U3");
        assert_eq!(labels.itemsize(), 12);
        let mut enc = Attrs::new();
        labels.mark(&mut enc);
        assert_eq!(Labels::from_encoding(&enc), Some(labels));
        Labels::unmark(&mut enc);
        assert_eq!(Labels::from_encoding(&enc), None);
    }

    #[test]
    fn object_tables_are_pointers() {
        let labels = Labels::object(vec!["a".into(), "longer".into()]);
        assert_eq!(labels.dtype_name(), "object");
        assert_eq!(labels.itemsize(), 8);
        assert_eq!(labels.code("longer"), Some(1));
        assert_eq!(labels.text(2), None);
        assert_eq!(labels.with_width(6).dtype_name(), "<U6");
    }
}
