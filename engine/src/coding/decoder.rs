//! The CF decoder of one variable: xarray's default `decode_cf` (mask and scale, `_Unsigned`,
//! times) as a per-element function, built once from the attributes.

use super::decode_times::{decode_times, TimeNumbers};
use super::mask::{collect_fills, in_storage};
use super::scale_offset::{masked_dtype, ScaleOffset};
use super::time::{is_time_units, TimeUnits};
use super::{Calendar, CodingError, TimeScale};
use crate::model::{Attrs, Block, DType, ToF64};
use ndarray::ArrayD;
use serde_json::Value;

/// A variable's CF decoding: storage value (as f64) -> decoded value.
#[derive(Debug, Clone, PartialEq)]
pub struct CfDecoder {
    storage: DType,
    out: DType,
    /// `_Unsigned`: values below `lo` get `wrap` added (2^bits or -2^bits).
    unsigned: Option<(f64, f64)>,
    masked: Vec<f64>,
    scale: f64,
    offset: f64,
    /// Whether `scale_factor` or `add_offset` is present (xarray then decodes to floats).
    packed: bool,
    identity: bool,
    time: Option<TimeUnits>,
}

/// What [`CfDecoder::new`] returns: the decoder and xarray's split of attrs and encoding.
#[derive(Debug, Clone)]
pub struct CfDecoded {
    /// The decoder.
    pub decoder: CfDecoder,
    /// User attributes, with the CF keys removed.
    pub attrs: Attrs,
    /// The CF keys moved out of the attributes (`_FillValue`, `missing_value`, `scale_factor`,
    /// `add_offset`, `_Unsigned`, `units` and `calendar` for times), plus
    pub encoding: Attrs,
}

impl CfDecoder {
    /// xarray's `decode_cf` (mask, scale, times) of variable `name` from its stored `attrs` and storage dtype.
    ///
    /// `zarr_fill` is the Zarr fill value when it acts as `_FillValue` (format 2, as xarray's
    /// default `use_zarr_fill_value_as_mask` does), `None` otherwise.
    pub fn decode_cf(
        name: &str,
        attrs: &Attrs,
        storage: DType,
        zarr_fill: Option<f64>,
    ) -> Result<CfDecoded, CodingError> {
        Self::build(name, attrs, storage, zarr_fill, true)
    }

    /// Mask and scale only (`decode_times=False`): `units`/`calendar` stay in the attributes
    /// and [`CfDecoder::decode`] gives numbers in the time units. Returns
    /// `(decoder, attrs, encoding)`.
    pub fn from_attrs(
        name: &str,
        attrs: &Attrs,
        storage: DType,
        zarr_fill: Option<f64>,
    ) -> Result<(Self, Attrs, Attrs), CodingError> {
        let d = Self::build(name, attrs, storage, zarr_fill, false)?;
        Ok((d.decoder, d.attrs, d.encoding))
    }

    /// A decoder that changes nothing (`mask_and_scale=False`).
    pub fn identity(storage: DType) -> Self {
        CfDecoder {
            storage,
            out: storage,
            unsigned: None,
            masked: Vec::new(),
            scale: 1.0,
            offset: 0.0,
            packed: false,
            identity: true,
            time: None,
        }
    }

    #[allow(clippy::float_cmp)] // numpy compares fill values exactly
    fn build(
        name: &str,
        attrs: &Attrs,
        storage: DType,
        zarr_fill: Option<f64>,
        decode_times: bool,
    ) -> Result<CfDecoded, CodingError> {
        let mut attrs = attrs.clone();
        let mut encoding = Attrs::new();
        let fills = collect_fills(name, &mut attrs, storage, zarr_fill)?;
        let mut masked = fills.masked;
        encoding.extend(fills.raw);

        let mut effective = storage;
        let mut unsigned = None;
        if let Some(flag) = attrs.get("_Unsigned").cloned() {
            let want = match &flag {
                Value::String(s) => s.eq_ignore_ascii_case("true"),
                Value::Bool(b) => *b,
                _ => false,
            };
            if let Some((flipped, lo, wrap)) = unsigned_flip(storage, want) {
                attrs.shift_remove("_Unsigned");
                encoding.insert("_Unsigned".into(), flag);
                effective = flipped;
                unsigned = Some((lo, wrap));
                // xarray reinterprets the `_FillValue` (only) in the new signedness.
                if let Some(fv) = fills.fill_value.map(|v| in_storage(v, storage)) {
                    if let Some(m) = masked.iter_mut().find(|m| **m == fv) {
                        *m = flip(fv, lo, wrap);
                    }
                }
            }
        }

        let (packing, raw) = ScaleOffset::collect(name, &mut attrs)?;
        encoding.extend(raw);

        let time = match attrs.get("units").and_then(Value::as_str) {
            Some(units) if decode_times && is_time_units(units) => {
                let calendar = match attrs.get("calendar") {
                    Some(Value::String(c)) => Calendar::parse(c, name)?,
                    _ => Calendar::Standard,
                };
                let t = TimeUnits::parse_for(name, units, calendar)?;
                for key in ["units", "calendar"] {
                    if let Some(v) = attrs.shift_remove(key) {
                        encoding.insert(key.into(), v);
                    }
                }
                Some(t)
            }
            _ => None,
        };

        let out = if time.is_some() {
            DType::I64
        } else if packing.is_present() {
            packing.decoded_dtype(!masked.is_empty())
        } else if !masked.is_empty() {
            masked_dtype(effective)
        } else {
            effective
        };
        let identity =
            unsigned.is_none() && masked.is_empty() && !packing.is_present() && time.is_none();
        masked.shrink_to_fit();
        let decoder = CfDecoder {
            storage,
            out,
            unsigned,
            masked,
            scale: packing.scale_value(),
            offset: packing.offset_value(),
            packed: packing.is_present(),
            identity,
            time,
        };
        Ok(CfDecoded {
            decoder,
            attrs,
            encoding,
        })
    }

    /// Whether decoding changes nothing (values and dtype pass through).
    #[inline]
    pub fn is_identity(&self) -> bool {
        self.identity
    }

    /// Whether each decoded value is the stored one (or NaN where masked): no `_Unsigned`,
    /// scale, offset or time units.
    #[allow(clippy::float_cmp)] // the exact defaults 1 and 0 mean "no scaling"
    pub fn keeps_values(&self) -> bool {
        self.unsigned.is_none() && self.scale == 1.0 && self.offset == 0.0 && self.time.is_none()
    }

    /// What decoding does, in one line for plan explanations (e.g. `mask [1e20] -> float32`).
    #[allow(clippy::float_cmp)] // the exact defaults 1 and 0 mean "no scaling"
    pub fn describe(&self) -> String {
        if self.identity {
            return "no decoding".to_owned();
        }
        let mut steps = Vec::new();
        if self.unsigned.is_some() {
            steps.push("unsigned".to_owned());
        }
        if !self.masked.is_empty() {
            let fills: Vec<String> = self.masked.iter().map(|f| format!("{f:e}")).collect();
            steps.push(format!("mask [{}]", fills.join(", ")));
        }
        if self.scale != 1.0 || self.offset != 0.0 {
            steps.push(format!("scale {} offset {}", self.scale, self.offset));
        }
        format!("{} {} -> {}", self.storage, steps.join(", "), self.out).replace("  ", " ")
    }

    /// The storage dtype.
    pub fn storage_dtype(&self) -> DType {
        self.storage
    }

    /// The decoded dtype (`int64` ticks for times).
    pub fn dtype(&self) -> DType {
        self.out
    }

    /// The time units, if the variable holds CF times.
    pub fn time(&self) -> Option<&TimeUnits> {
        self.time.as_ref()
    }

    /// Decodes one stored value: `_Unsigned`, mask to NaN, then `x * scale + offset`. For times
    /// this is the number in the time units; see [`CfDecoder::decode_time`].
    #[inline]
    pub fn decode(&self, x: f64) -> f64 {
        let x = match self.unsigned {
            Some((lo, wrap)) => flip(x, lo, wrap),
            None => x,
        };
        if self.masked.contains(&x) {
            return f64::NAN;
        }
        x * self.scale + self.offset
    }

    /// Decodes a run of stored values into `out` (as long as `xs`): the batch form of
    /// [`CfDecoder::decode`], with the common cases (no `_Unsigned`, at most two masked
    /// values) written branch-free so the loop vectorises.
    #[allow(clippy::float_cmp)] // masking compares exactly, as xarray does
    pub fn decode_run<T: ToF64>(&self, xs: &[T], out: &mut [f64]) {
        let pairs = out.iter_mut().zip(xs);
        let (scale, offset) = (self.scale, self.offset);
        match (self.identity, self.unsigned, self.masked.as_slice()) {
            (true, ..) => pairs.for_each(|(y, &x)| *y = x.to_f64()),
            (false, None, []) => pairs.for_each(|(y, &x)| *y = x.to_f64() * scale + offset),
            (false, None, &[m]) => pairs.for_each(|(y, &x)| {
                let x = x.to_f64();
                let v = x * scale + offset;
                *y = if x == m { f64::NAN } else { v };
            }),
            (false, None, &[m1, m2]) => pairs.for_each(|(y, &x)| {
                let x = x.to_f64();
                let v = x * scale + offset;
                *y = if x == m1 || x == m2 { f64::NAN } else { v };
            }),
            _ => pairs.for_each(|(y, &x)| *y = self.decode(x.to_f64())),
        }
    }

    /// The encoded numbers of a time variable's stored block, masked and unpacked as xarray
    /// does before decoding times: integers stay exact unless packed.
    #[allow(
        clippy::float_cmp,
        reason = "flip returns its argument exactly when it keeps it"
    )]
    pub fn time_numbers(&self, block: &Block) -> TimeNumbers {
        if let Some(ints) = block.to_i128().filter(|_| !self.packed) {
            let exact = |x: i128| {
                #[allow(clippy::cast_precision_loss, reason = "fill values are f64 already")]
                let as_f64 = x as f64;
                let x = match self.unsigned {
                    Some((lo, wrap)) if flip(as_f64, lo, wrap) != as_f64 => {
                        #[allow(clippy::cast_possible_truncation, reason = "wrap is +-2^bits")]
                        let wrap = wrap as i128;
                        x + wrap
                    }
                    _ => x,
                };
                #[allow(clippy::cast_precision_loss, reason = "fill values are f64 already")]
                let masked = self.masked.contains(&(x as f64));
                (!masked).then_some(x)
            };
            return TimeNumbers::Int(ints.into_iter().map(exact).collect());
        }
        TimeNumbers::Float(
            crate::model::with_block!(block, a => a.iter().map(|v| self.decode(v.to_f64())).collect()),
        )
    }

    /// Decodes a time variable's stored block: xarray's scale (datetime64[ns] or cftime) and
    /// the ticks, `NaT` where missing. `None` if this decoder does not decode times.
    ///
    /// # Errors
    /// [`CodingError`] for values xarray cannot decode either.
    pub fn decode_times(
        &self,
        name: &str,
        block: &Block,
    ) -> Option<Result<(TimeScale, ArrayD<i64>), CodingError>> {
        let units = self.time.as_ref()?;
        let numbers = self.time_numbers(block);
        Some(decode_times(name, units, &numbers).map(|(scale, ticks)| {
            let shape = block.shape().to_vec();
            let ticks = ArrayD::from_shape_vec(shape, ticks).unwrap_or_default();
            (scale, ticks)
        }))
    }

    /// Encodes a decoded value back to storage units (NaN stays NaN; the inverse of `decode`
    /// up to rounding, before `_Unsigned` and the fill value are applied).
    #[inline]
    pub fn encode(&self, y: f64) -> f64 {
        (y - self.offset) / self.scale
    }

    /// Decodes a block of storage values into a block of [`CfDecoder::dtype`]; times are
    /// decoded whole by [`CfDecoder::decode_times`], here they are numbers in their units.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    pub fn decode_block(&self, block: &Block) -> Block {
        if self.identity {
            return block.clone();
        }
        if self.time.is_some() {
            return Block::F64(map(block, |x| self.decode(x)));
        }
        match self.out {
            DType::F32 => Block::F32(map(block, |x| self.decode(x) as f32)),
            DType::I64 => Block::I64(map(block, |x| self.decode(x) as i64)),
            DType::I8 => Block::I8(map(block, |x| self.decode(x) as i8)),
            DType::I16 => Block::I16(map(block, |x| self.decode(x) as i16)),
            DType::I32 => Block::I32(map(block, |x| self.decode(x) as i32)),
            DType::U8 => Block::U8(map(block, |x| self.decode(x) as u8)),
            DType::U16 => Block::U16(map(block, |x| self.decode(x) as u16)),
            DType::U32 => Block::U32(map(block, |x| self.decode(x) as u32)),
            DType::U64 => Block::U64(map(block, |x| self.decode(x) as u64)),
            DType::Bool => Block::Bool(map(block, |x| self.decode(x) != 0.0)),
            DType::F64 => Block::F64(map(block, |x| self.decode(x))),
        }
    }
}

fn map<T>(block: &Block, f: impl Fn(f64) -> T) -> ArrayD<T> {
    crate::model::with_block!(block, a => a.mapv(|v| f(v.to_f64())))
}

#[inline]
fn flip(x: f64, lo: f64, wrap: f64) -> f64 {
    if (wrap > 0.0 && x < lo) || (wrap < 0.0 && x >= lo) {
        x + wrap
    } else {
        x
    }
}

/// For `_Unsigned`: the reinterpreted dtype, the threshold and the amount added across it.
fn unsigned_flip(storage: DType, want_unsigned: bool) -> Option<(DType, f64, f64)> {
    let (to, bits) = match (storage, want_unsigned) {
        (DType::I8, true) => (DType::U8, 8),
        (DType::I16, true) => (DType::U16, 16),
        (DType::I32, true) => (DType::U32, 32),
        (DType::I64, true) => (DType::U64, 64),
        (DType::U8, false) => (DType::I8, 8),
        (DType::U16, false) => (DType::I16, 16),
        (DType::U32, false) => (DType::I32, 32),
        (DType::U64, false) => (DType::I64, 64),
        _ => return None,
    };
    let span = 2f64.powi(bits);
    Some(if want_unsigned {
        (to, 0.0, span)
    } else {
        (to, span / 2.0, -span)
    })
}
