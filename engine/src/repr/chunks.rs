//! The chunk layout of a lazy array and how the HTML shows it: dask's Array | Chunk table (bytes,
//! shape, chunk shape, number of chunks, dtype) beside a small SVG sketch of the chunk grid.
//!
//! Built from the plan's chunk sizes alone; no chunk is read.

use std::fmt::Write as _;

use super::style;
use super::summary::tuple_text;
use crate::model::nbytes;
use crate::model::{Data, Variable};

/// Axis lines drawn in the sketch before a dense grid is shown as a darker fill instead.
const MAX_LINES: usize = 40;
/// The longer side of the sketch, in pixels.
const SIDE: f64 = 120.0;
/// The shorter side never gets thinner than this, so extreme aspect ratios stay visible.
const MIN_SIDE: f64 = 12.0;

/// How a lazy array is split into chunks (dask-style sizes per axis).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChunkLayout {
    /// The array's shape.
    pub shape: Vec<usize>,
    /// Chunk sizes along each axis, in order (the last may be shorter).
    pub chunks: Vec<Vec<usize>>,
    /// Bytes per element.
    pub itemsize: usize,
}

impl ChunkLayout {
    /// The layout of a lazy variable; `None` for values in memory.
    pub fn of(var: &Variable) -> Option<Self> {
        match &var.data {
            Data::Lazy(l) => Some(Self {
                shape: l.shape().to_vec(),
                chunks: l.chunks(),
                itemsize: l.dtype().size(),
            }),
            Data::Memory(_) => None,
        }
    }

    /// The largest chunk along each axis (dask's `chunksize`).
    pub fn chunk_shape(&self) -> Vec<usize> {
        self.chunks
            .iter()
            .map(|c| c.iter().copied().max().unwrap_or(0))
            .collect()
    }

    /// How many chunks the array has.
    pub fn count(&self) -> usize {
        self.chunks.iter().map(Vec::len).product()
    }

    /// Bytes of the whole array.
    pub fn nbytes(&self) -> usize {
        self.shape.iter().product::<usize>() * self.itemsize
    }

    /// Bytes of the largest chunk.
    pub fn chunk_nbytes(&self) -> usize {
        self.chunk_shape().iter().product::<usize>() * self.itemsize
    }

    /// The table and the sketch, side by side; `dtype` is numpy's name for the values.
    pub(crate) fn html(&self, dtype: &str) -> String {
        let n = self.count();
        let plural = if n == 1 { "chunk" } else { "chunks" };
        let mut out = format!(
            "<div class='nr-chunks' style='display:flex;align-items:center;flex-wrap:wrap'>\
             <table style='{}'><thead><tr><th style='{th}'></th><th style='{th}'>Array</th>\
             <th style='{th}'>Chunk</th></tr></thead><tbody>",
            style::TABLE,
            th = style::TH
        );
        let rows = [
            (
                "Bytes",
                nbytes::dask(self.nbytes() as u128),
                Some(nbytes::dask(self.chunk_nbytes() as u128)),
            ),
            (
                "Shape",
                tuple_text(&self.shape),
                Some(tuple_text(&self.chunk_shape())),
            ),
            ("Count", format!("{n} {plural}"), None),
            ("Data type", format!("{dtype} numpy.ndarray"), None),
        ];
        for (head, array, chunk) in rows {
            let _ = write!(out, "<tr><th style='{}'>{head}</th>", style::TH);
            match chunk {
                Some(c) => {
                    let _ = write!(
                        out,
                        "<td style='{td}'>{array}</td><td style='{td}'>{c}</td></tr>",
                        td = style::TD
                    );
                }
                None => {
                    let _ = write!(
                        out,
                        "<td colspan='2' style='{}'>{array}</td></tr>",
                        style::TD
                    );
                }
            }
        }
        out.push_str("</tbody></table>");
        out.push_str(&self.svg());
        out.push_str("</div>");
        out
    }

    /// The sketch: the last two axes as a grid of chunks (one axis: a bar), leading axes as a
    /// stack of offset layers; sizes label the sides.
    fn svg(&self) -> String {
        let ndim = self.shape.len();
        if ndim == 0 {
            return String::new();
        }
        // Axes drawn: columns along the last axis, rows along the one before (if any).
        let cols = ndim - 1;
        let rows = cols.checked_sub(1);
        #[allow(clippy::cast_precision_loss, reason = "pixel geometry")]
        let extent = |axis: usize| self.shape[axis].max(1) as f64;
        let (width, height) = match rows {
            None => (SIDE, MIN_SIDE * 1.5),
            Some(r) => {
                let scale = SIDE / extent(cols).max(extent(r));
                (
                    (extent(cols) * scale).max(MIN_SIDE),
                    (extent(r) * scale).max(MIN_SIDE),
                )
            }
        };
        let layers: u8 = if ndim > 2 { 3 } else { 1 };
        let shift = 5.0;
        let depth = shift * f64::from(layers - 1);
        let (left, top) = (2.0 + depth, 2.0);
        let mut svg = format!(
            "<svg width='{:.0}' height='{:.0}' role='img' style='margin:4px 8px;overflow:visible'>\
             <title>chunk grid</title>",
            left + width + 44.0,
            top + depth + height + 18.0
        );
        let dense = self.chunks[cols].len() > MAX_LINES
            || rows.is_some_and(|r| self.chunks[r].len() > MAX_LINES);
        // A grid too fine to draw line by line is a darker fill, as dask draws it.
        let fill = if dense {
            "fill:#8B4903A0;stroke:none"
        } else {
            style::SVG_FILL
        };
        for layer in (0..layers).rev() {
            let off = shift * f64::from(layer);
            let rect = Rect {
                x: left - off,
                y: top + depth - off,
                width,
                height,
            };
            let _ = write!(svg, "<rect {} style='{fill}'/>", rect.attrs());
            // Lines and outline share one style, set once on a group.
            let _ = write!(svg, "<g style='fill:none;{}'>", style::SVG_LINE);
            if layer == 0 {
                self.grid_lines(&mut svg, cols, &rect, true);
                if let Some(r) = rows {
                    self.grid_lines(&mut svg, r, &rect, false);
                }
            }
            let _ = write!(svg, "<rect {}/></g>", rect.attrs());
        }
        let _ = write!(svg, "<g style='{}'>", style::SVG_TEXT);
        let (front_left, bottom) = (left - depth, top + depth + height);
        let _ = write!(
            svg,
            "<text x='{:.1}' y='{:.1}' text-anchor='middle'>{}</text>",
            front_left + width / 2.0,
            bottom + 14.0,
            self.shape[cols]
        );
        if let Some(r) = rows {
            let _ = write!(
                svg,
                "<text x='{:.1}' y='{:.1}'>{}</text>",
                front_left + width + 4.0,
                bottom - height / 2.0 + 4.0,
                self.shape[r]
            );
        }
        if ndim > 2 {
            let lead: Vec<String> = self.shape[..ndim - 2]
                .iter()
                .map(usize::to_string)
                .collect();
            let _ = write!(
                svg,
                "<text x='{:.1}' y='{:.1}'>{} &#215;</text>",
                left + width + 4.0,
                top + 10.0,
                lead.join(" &#215; ")
            );
        }
        svg.push_str("</g></svg>");
        svg
    }

    /// Lines at the chunk boundaries of `axis` across `rect`: vertical ones, or horizontal.
    fn grid_lines(&self, svg: &mut String, axis: usize, rect: &Rect, vertical: bool) {
        let sizes = &self.chunks[axis];
        if sizes.len() > MAX_LINES || sizes.len() < 2 {
            return;
        }
        #[allow(clippy::cast_precision_loss, reason = "pixel geometry")]
        let total = self.shape[axis].max(1) as f64;
        let mut at = 0usize;
        for len in &sizes[..sizes.len() - 1] {
            at += len;
            #[allow(clippy::cast_precision_loss, reason = "pixel geometry")]
            let frac = at as f64 / total;
            let (x1, y1, x2, y2) = if vertical {
                let x = rect.x + frac * rect.width;
                (x, rect.y, x, rect.y + rect.height)
            } else {
                let y = rect.y + frac * rect.height;
                (rect.x, y, rect.x + rect.width, y)
            };
            let _ = write!(
                svg,
                "<line x1='{x1:.1}' y1='{y1:.1}' x2='{x2:.1}' y2='{y2:.1}'/>"
            );
        }
    }
}

/// A rectangle of the sketch, in pixels.
struct Rect {
    x: f64,
    y: f64,
    width: f64,
    height: f64,
}

impl Rect {
    /// `x='..' y='..' width='..' height='..'`.
    fn attrs(&self) -> String {
        format!(
            "x='{:.1}' y='{:.1}' width='{:.1}' height='{:.1}'",
            self.x, self.y, self.width, self.height
        )
    }
}
