//! What a variable's stored numbers stand for: numbers, dates (ticks of a [`TimeScale`]) or
//! text (codes into [`Labels`]). Printing and the checks that refuse number-only operations
//! read it.

use super::TimeScale;
use crate::model::{Attrs, Labels, Variable};

/// What an array's values stand for.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum Meaning {
    /// Plain numbers (and bools).
    #[default]
    Numbers,
    /// int64 ticks of datetimes.
    Dates(TimeScale),
    /// int64 codes of strings.
    Text(Labels),
}

impl Meaning {
    /// The meaning a variable's encoding records.
    pub fn of(var: &Variable) -> Self {
        if let Some(labels) = Labels::of(var) {
            return Self::Text(labels);
        }
        TimeScale::of(var).into()
    }

    /// Records this meaning in an encoding (numbers need no mark).
    pub fn mark(&self, encoding: &mut Attrs) {
        match self {
            Self::Numbers => {}
            Self::Dates(scale) => scale.mark(encoding),
            Self::Text(labels) => labels.mark(encoding),
        }
    }

    /// The scale, for dates.
    pub fn time(&self) -> Option<TimeScale> {
        match self {
            Self::Dates(scale) => Some(*scale),
            _ => None,
        }
    }

    /// numpy's dtype name, when it is not the block's own (`datetime64[ns]`, `object`, `<U3`).
    pub fn dtype_name(&self) -> Option<&'static str> {
        match self {
            Self::Numbers => None,
            Self::Dates(scale) => Some(scale.dtype_name()),
            Self::Text(labels) => Some(labels.dtype_name()),
        }
    }
}

impl From<Option<TimeScale>> for Meaning {
    fn from(time: Option<TimeScale>) -> Self {
        time.map_or(Self::Numbers, Self::Dates)
    }
}
