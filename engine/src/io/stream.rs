//! Streams one stored chunk in slabs along its first axis, so a reduction over a chunk holds one
//! slab's compressed blocks and one decoded slab instead of the whole chunk.
//!
//! zarrs's codec chain reads a whole chunk and puts a full-chunk cache in front of blosc's
//! partial decoder (blosc decodes whole blocks, so zarrs decodes everything once rather than risk
//! many small reads). A slab that spans the chunk's trailing axes is one contiguous range of
//! whole blocks, which is what blosc decodes well. So for `bytes` + `blosc` chunks we read the
//! blosc header and block-offset table, read only the slab's blocks, and hand zarrs's own blosc
//! partial decoder a compact blosc buffer holding just those blocks.

use std::borrow::Cow;
use std::fs::File;
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::sync::Arc;
use zarrs::array::codec::{BloscCodec, BytesCodec};
use zarrs::array::{
    Array, ArrayBytes, ArrayBytesRaw, ArrayError, BytesPartialDecoderTraits, BytesRepresentation,
    BytesToBytesCodecTraits, CodecError, CodecMetadataOptions, CodecOptions,
};
use zarrs::filesystem::FilesystemStore;
use zarrs::storage::byte_range::{ByteRange, ByteRangeIterator};
use zarrs::storage::StorageError;

/// An encoded buffer in memory, handed to partial decoders by reference (zarrs's own `Vec<u8>`
/// input copies every range it serves, here the whole buffer once per slab).
struct Encoded(Vec<u8>);

impl BytesPartialDecoderTraits for Encoded {
    fn exists(&self) -> Result<bool, StorageError> {
        Ok(true)
    }

    fn size_held(&self) -> usize {
        self.0.len()
    }

    fn partial_decode_many(
        &self,
        decoded_regions: ByteRangeIterator,
        _options: &CodecOptions,
    ) -> Result<Option<Vec<ArrayBytesRaw<'_>>>, CodecError> {
        let len = self.0.len() as u64;
        decoded_regions
            .map(|range| {
                let (start, end) = (range.start(len), range.end(len));
                if start > end || end > len {
                    return Err(CodecError::from(format!(
                        "byte range {start}..{end} outside an encoded chunk of {len} bytes"
                    )));
                }
                Ok(Cow::Borrowed(&self.0[to_usize(start)..to_usize(end)]))
            })
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    fn supports_partial_decode(&self) -> bool {
        true
    }
}

fn to_usize(v: u64) -> usize {
    usize::try_from(v).unwrap_or(usize::MAX)
}

/// The blosc codec of `array` when its chunks can be read slab by slab: `bytes` in this
/// machine's byte order under one blosc codec, with no array-to-array codec (a transpose would
/// scatter a slab over the chunk) and no storage transformer (we read the stored file directly).
pub(super) fn stream_codec(
    array: &Array<FilesystemStore>,
) -> Option<Arc<dyn BytesToBytesCodecTraits>> {
    let codecs = array.codecs();
    let bytes = codecs.array_to_bytes_codec();
    let [blosc] = codecs.bytes_to_bytes_codecs() else {
        return None;
    };
    let native = bytes
        .configuration_v3(&CodecMetadataOptions::default())
        .and_then(|c| c.to_typed::<serde_json::Value>().ok())
        .is_some_and(|c| match c.get("endian").and_then(|e| e.as_str()) {
            None => true, // one-byte types have no byte order
            Some(endian) => {
                endian
                    == if cfg!(target_endian = "little") {
                        "little"
                    } else {
                        "big"
                    }
            }
        });
    let plain = codecs.array_to_array_codecs().is_empty()
        && bytes.as_any().is::<BytesCodec>()
        && native
        && blosc.as_any().is::<BloscCodec>()
        && array.storage_transformers().create_metadatas().is_empty();
    plain.then(|| Arc::clone(blosc))
}

/// Storage values viewed in decoded bytes (this machine's byte order), without a copy when
/// the bytes are aligned for the type, as allocations are.
pub(super) trait Decoded: Sized + Clone {
    /// The values in `bytes`.
    fn view(bytes: &[u8]) -> Cow<'_, [Self]>;
}

macro_rules! decoded_pod {
    ($($t:ty),*) => {$(
        impl Decoded for $t {
            fn view(bytes: &[u8]) -> Cow<'_, [Self]> {
                bytemuck::try_cast_slice(bytes).map_or_else(
                    |_| Cow::Owned(bytemuck::pod_collect_to_vec(bytes)),
                    Cow::Borrowed,
                )
            }
        }
    )*};
}

decoded_pod!(i8, i16, i32, i64, u8, u16, u32, u64, f32, f64);

impl Decoded for bool {
    fn view(bytes: &[u8]) -> Cow<'_, [Self]> {
        Cow::Owned(bytes.iter().map(|&b| b != 0).collect())
    }
}

/// The blosc container format this reader knows (blosc 1, what zarr writes).
const BLOSC_FORMAT: u8 = 2;
/// Blosc's header: version, codec version, flags, typesize, then three little-endian `u32`s:
/// decoded bytes, block size, compressed bytes.
const HEADER: usize = 16;
/// Header flag: the data is stored uncompressed after the header, without a block table.
const MEMCPYED: u8 = 0x02;

/// One stored chunk, opened for reading slabs of its decoded bytes.
pub(super) struct ChunkReader(Reader);

/// How a chunk's slabs are decoded.
enum Reader {
    /// A blosc chunk, decoded a slab at a time.
    Blosc {
        /// The array's blosc codec.
        codec: Arc<dyn BytesToBytesCodecTraits>,
        /// Where each slab's encoded input comes from.
        source: Layout,
    },
    /// Any other chunk, decoded whole by zarrs once; slabs are lent from it without a copy.
    Decoded(Vec<u8>),
}

/// Where a blosc slab's encoded input comes from.
enum Layout {
    /// Block by block from the file: only each slab's compressed blocks are read.
    Blocks(BlockTable),
    /// The whole encoded chunk, read once (a blosc buffer without a block table, or a header
    /// this reader does not know, which zarrs's decoder then validates).
    Whole(Arc<Encoded>),
}

/// Where the compressed blocks of one blosc chunk lie in its file.
struct BlockTable {
    file: File,
    header: [u8; HEADER],
    blocksize: u64,
    /// Each block's compressed bytes, as a range of the file.
    extents: Vec<Range<u64>>,
}

fn le32(bytes: &[u8], at: usize) -> u64 {
    let mut word = [0; 4];
    word.copy_from_slice(&bytes[at..at + 4]);
    u64::from(u32::from_le_bytes(word))
}

fn read_at(file: &File, offset: u64, len: usize) -> std::io::Result<Vec<u8>> {
    let mut buf = vec![0; len];
    file.read_exact_at(&mut buf, offset)?;
    Ok(buf)
}

/// The stored file of chunk `chunk`, `None` when absent (all fill value).
pub(super) fn open_chunk(
    array: &Array<FilesystemStore>,
    chunk: &[u64],
) -> Result<Option<File>, StorageError> {
    let path = array.storage().key_to_fspath(&array.chunk_key(chunk));
    match File::open(&path) {
        Ok(file) => Ok(Some(file)),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// A chunk whose decoded size is not its shape's: zarrs's own words for the whole-chunk case.
pub(super) fn wrong_size(len: u64, expected: u64) -> ArrayError {
    ArrayError::Other(format!(
        "the size of a decoded chunk is {len}, expected {expected}"
    ))
}

/// Opens chunk `chunk`'s blosc file and its size, after checking that its header declares
/// `expected` decoded bytes; `None` when the chunk is absent.
pub(super) fn open_blosc_chunk(
    array: &Array<FilesystemStore>,
    chunk: &[u64],
    expected: u64,
) -> Result<Option<(File, u64)>, ArrayError> {
    let Some(file) = open_chunk(array, chunk)? else {
        return Ok(None);
    };
    let size = file.metadata().map_err(StorageError::from)?.len();
    check_blosc_size(&file, size, expected)?;
    Ok(Some((file, size)))
}

/// Checks that a blosc file of `size` bytes declares `expected` decoded bytes. A file too
/// short for a header is left to the decoder, which rejects it.
fn check_blosc_size(file: &File, size: u64, expected: u64) -> Result<(), ArrayError> {
    if size < HEADER as u64 {
        return Ok(());
    }
    let head = read_at(file, 0, HEADER).map_err(StorageError::from)?;
    let nbytes = le32(&head, 4);
    if nbytes == expected {
        Ok(())
    } else {
        Err(wrong_size(nbytes, expected))
    }
}

impl ChunkReader {
    /// Opens chunk `chunk` of `array` (whose blosc codec [`stream_codec`] returned), reading
    /// its header and block table only; `None` when the chunk is absent.
    /// Fails when the header declares a decoded size other than `expected` bytes (blosc's
    /// partial decoder would serve the ranges asked for and never notice).
    pub(super) fn open(
        array: &Array<FilesystemStore>,
        codec: Arc<dyn BytesToBytesCodecTraits>,
        chunk: &[u64],
        expected: u64,
    ) -> Result<Option<Self>, ArrayError> {
        let Some((file, size)) = open_blosc_chunk(array, chunk, expected)? else {
            return Ok(None);
        };
        let source = match BlockTable::read(file, size).map_err(StorageError::from)? {
            Ok(table) => Layout::Blocks(table),
            Err(file) => Layout::Whole(Arc::new(Encoded(
                read_at(&file, 0, to_usize(size)).map_err(StorageError::from)?,
            ))),
        };
        Ok(Some(Self(Reader::Blosc { codec, source })))
    }

    /// Decodes chunk `chunk` of `array` whole through its codec chain; `None` when absent.
    pub(super) fn decoded(
        array: &Array<FilesystemStore>,
        chunk: &[u64],
        options: &CodecOptions,
    ) -> Result<Option<Self>, ArrayError> {
        let Some(bytes) =
            array.retrieve_chunk_if_exists_opt::<ArrayBytes<'static>>(chunk, options)?
        else {
            return Ok(None);
        };
        let bytes = bytes
            .into_fixed()
            .map_err(|e| ArrayError::Other(e.to_string()))?;
        Ok(Some(Self(Reader::Decoded(bytes.into_owned()))))
    }

    /// Decodes bytes `bytes` of the chunk (whole rows of it, in this machine's byte order).
    pub(super) fn decode(
        &self,
        bytes: &Range<u64>,
        options: &CodecOptions,
    ) -> Result<Cow<'_, [u8]>, ArrayError> {
        let (codec, source) = match &self.0 {
            Reader::Decoded(all) => {
                let range = to_usize(bytes.start)..to_usize(bytes.end);
                return all.get(range).map(Cow::Borrowed).ok_or_else(|| {
                    ArrayError::Other(format!(
                        "bytes {}..{} outside a decoded chunk of {} bytes",
                        bytes.start,
                        bytes.end,
                        all.len()
                    ))
                });
            }
            Reader::Blosc { codec, source } => (codec, source),
        };
        let input: Arc<dyn BytesPartialDecoderTraits> = match source {
            Layout::Whole(encoded) => Arc::clone(encoded) as _,
            Layout::Blocks(table) => Arc::new(table.compact(bytes).map_err(StorageError::from)?),
        };
        // Blosc's partial decoder ignores the representation; the decoded size is what it is.
        let decoder = Arc::clone(codec).partial_decoder(
            input,
            &BytesRepresentation::UnboundedSize,
            options,
        )?;
        let range = ByteRange::FromStart(bytes.start, Some(bytes.end - bytes.start));
        decoder
            .partial_decode(range, options)?
            .map(|b| Cow::Owned(b.into_owned()))
            .ok_or_else(|| ArrayError::Other("a blosc chunk vanished while read".into()))
    }
}

impl BlockTable {
    /// Reads the header and block table of a blosc file of `size` bytes; gives the file back
    /// when it has no block table or a header this reader does not know.
    fn read(file: File, size: u64) -> std::io::Result<Result<Self, File>> {
        if size < HEADER as u64 {
            return Ok(Err(file));
        }
        let head = read_at(&file, 0, HEADER)?;
        let (nbytes, blocksize, cbytes) = (le32(&head, 4), le32(&head, 8), le32(&head, 12));
        let known = head[0] == BLOSC_FORMAT
            && head[2] & MEMCPYED == 0
            && blocksize > 0
            && blocksize <= nbytes
            && cbytes == size;
        let nblocks = if known { nbytes.div_ceil(blocksize) } else { 0 };
        let table_end = HEADER as u64 + 4 * nblocks;
        if !known || table_end > size {
            return Ok(Err(file));
        }
        let table = read_at(&file, HEADER as u64, to_usize(4 * nblocks))?;
        let starts: Vec<u64> = (0..to_usize(nblocks))
            .map(|j| le32(&table, 4 * j))
            .collect();
        // Blocks may be stored out of order (blosc compresses them in parallel): a block ends
        // where the next stored block starts.
        let mut sorted = starts.clone();
        sorted.sort_unstable();
        let mut extents = Vec::with_capacity(starts.len());
        for &start in &starts {
            let next = sorted.partition_point(|&s| s <= start);
            let end = sorted.get(next).copied().unwrap_or(size);
            if start < table_end || start >= end {
                return Ok(Err(file));
            }
            extents.push(start..end);
        }
        let mut header = [0; HEADER];
        header.copy_from_slice(&head);
        Ok(Ok(Self {
            file,
            header,
            blocksize,
            extents,
        }))
    }

    /// A blosc buffer holding only the blocks that cover `bytes`: the original header with the
    /// compressed size patched, the block table pointing the wanted blocks into the compact
    /// data (blosc reads no other entry), and those blocks' compressed bytes, read straight
    /// into place.
    fn compact(&self, bytes: &Range<u64>) -> std::io::Result<Encoded> {
        let too_big = || std::io::Error::other("a blosc slab over 4 GiB");
        let first = to_usize(bytes.start / self.blocksize);
        let last = to_usize((bytes.end.max(bytes.start + 1) - 1) / self.blocksize);
        let wanted =
            &self.extents[first.min(self.extents.len())..(last + 1).min(self.extents.len())];
        let table_len = 4 * self.extents.len();
        let data_len: u64 = wanted.iter().map(|r| r.end - r.start).sum();
        let mut out = vec![0; HEADER + table_len + to_usize(data_len)];
        out[..HEADER].copy_from_slice(&self.header);
        let mut at = HEADER + table_len;
        for (j, extent) in (first..).zip(wanted) {
            let offset = u32::try_from(at).map_err(|_| too_big())?;
            out[HEADER + 4 * j..HEADER + 4 * j + 4].copy_from_slice(&offset.to_le_bytes());
            let len = to_usize(extent.end - extent.start);
            self.file
                .read_exact_at(&mut out[at..at + len], extent.start)?;
            at += len;
        }
        let total = u32::try_from(out.len()).map_err(|_| too_big())?;
        out[12..16].copy_from_slice(&total.to_le_bytes());
        Ok(Encoded(out))
    }
}
