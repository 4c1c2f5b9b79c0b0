//! gzip and zstd inputs, decompressed into memory before parsing.
//!
//! The magic bytes decide whether an input is compressed (gzip `1f 8b`, zstd `28 b5 2f fd`),
//! so stdin and misnamed files work; the extension (`.gz`, `.zst`, `.zstd`) only tells which
//! part of the name to drop before the inner format is chosen (`feed.jsonl.gz` is JSONL).
//!
//! A corrupt or truncated stream is not an error: everything decoded before the fault is
//! returned together with a message, so the caller can keep the records that were complete
//! and warn once. gzip is decoded in pure Rust (miniz_oxide); zstd by the reference C library, built from
//! source by the `zstd` crate.

use std::io::Read;

/// A compression format reprint can read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Compression {
    Gzip,
    Zstd,
}

impl Compression {
    /// The format's usual name, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Compression::Gzip => "gzip",
            Compression::Zstd => "zstd",
        }
    }
}

const GZIP_MAGIC: &[u8] = b"\x1f\x8b";
const ZSTD_MAGIC: &[u8] = b"\x28\xb5\x2f\xfd";

/// Bytes decompressed per read call. Small enough that a fault loses little of what the
/// decoder had already produced, large enough that the call overhead does not show.
const CHUNK_BYTES: usize = 64 * 1024;

/// The compression the content starts with, if any.
pub(super) fn from_magic(bytes: &[u8]) -> Option<Compression> {
    if bytes.starts_with(GZIP_MAGIC) {
        Some(Compression::Gzip)
    } else if bytes.starts_with(ZSTD_MAGIC) {
        Some(Compression::Zstd)
    } else {
        None
    }
}

/// The compression a file name claims (`.gz`, `.zst`, `.zstd`, any case), and the name
/// without that extension.
pub(super) fn from_name(file_name: &str) -> Option<(Compression, &str)> {
    let (stem, ext) = file_name.rsplit_once('.')?;
    let c = match ext.to_ascii_lowercase().as_str() {
        "gz" => Compression::Gzip,
        "zst" | "zstd" => Compression::Zstd,
        _ => return None,
    };
    Some((c, stem))
}

/// What decompression produced.
#[derive(Debug)]
pub(super) struct Decompressed {
    /// Every byte decoded, up to the fault if there was one.
    pub bytes: Vec<u8>,
    /// Why decoding stopped early (`None` when the stream was read to its end).
    pub fault: Option<String>,
}

/// Decompresses `bytes` as `c`. Concatenated members (gzip) and frames (zstd), as written by
/// `cat a.gz b.gz` or parallel compressors, are all read.
pub(super) fn decompress(c: Compression, bytes: &[u8]) -> Decompressed {
    let mut out = Vec::with_capacity(bytes.len().saturating_mul(4));
    let fault = match c {
        Compression::Gzip => drain(flate2::read::MultiGzDecoder::new(bytes), &mut out).err(),
        Compression::Zstd => zstd_frames(bytes, &mut out).err(),
    };
    Decompressed { bytes: out, fault }
}

/// Reads `r` to its end into `out`, keeping what was read before an error.
fn drain(mut r: impl Read, out: &mut Vec<u8>) -> Result<(), String> {
    let mut chunk = vec![0u8; CHUNK_BYTES];
    loop {
        match r.read(&mut chunk) {
            Ok(0) => return Ok(()),
            Ok(n) => out.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.to_string()),
        }
    }
}

fn zstd_frames(input: &[u8], out: &mut Vec<u8>) -> Result<(), String> {
    // The decoder goes on across concatenated and skippable frames, checks each frame's
    // checksum, and hands out every byte as soon as it is decoded (so a fault loses only the
    // block it is in).
    let frames = zstd::stream::read::Decoder::with_buffer(input).map_err(|e| e.to_string())?;
    drain(frames, out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gzip(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    fn zstd(data: &[u8]) -> Vec<u8> {
        zstd::stream::encode_all(data, 3).unwrap()
    }

    /// Lines that do not compress to nothing, so a truncated stream really loses some.
    fn sample() -> Vec<u8> {
        (0..20_000u64)
            .map(|i| {
                format!(
                    "{{\"id\":\"{i}\",\"text\":\"{}\"}}\n",
                    i.wrapping_mul(0x9E37_79B9)
                )
            })
            .collect::<String>()
            .into_bytes()
    }

    #[test]
    fn detects_by_magic_and_by_name() {
        assert_eq!(from_magic(&gzip(b"x")), Some(Compression::Gzip));
        assert_eq!(from_magic(&zstd(b"x")), Some(Compression::Zstd));
        assert_eq!(from_magic(b"{\"id\":1}"), None);
        assert_eq!(from_magic(b""), None);
        assert_eq!(
            from_name("feed.jsonl.gz"),
            Some((Compression::Gzip, "feed.jsonl"))
        );
        assert_eq!(from_name("a.ZST"), Some((Compression::Zstd, "a")));
        assert_eq!(from_name("a.rss.zstd"), Some((Compression::Zstd, "a.rss")));
        assert_eq!(from_name("feed.jsonl"), None);
        assert_eq!(from_name("gz"), None);
    }

    #[test]
    fn round_trips_and_concatenations() {
        let data = sample();
        for c in [Compression::Gzip, Compression::Zstd] {
            let packed = if c == Compression::Gzip {
                gzip(&data)
            } else {
                zstd(&data)
            };
            let d = decompress(c, &packed);
            assert!(d.fault.is_none(), "{c:?}: {:?}", d.fault);
            assert_eq!(d.bytes, data, "{c:?}");
            // Two members / frames back to back decode to both halves.
            let mut twice = packed.clone();
            twice.extend_from_slice(&packed);
            let d = decompress(c, &twice);
            assert!(d.fault.is_none(), "{c:?}: {:?}", d.fault);
            assert_eq!(d.bytes.len(), 2 * data.len(), "{c:?}");
        }
    }

    #[test]
    fn truncation_keeps_a_prefix_and_says_why() {
        let data = sample();
        for (c, packed) in [
            (Compression::Gzip, gzip(&data)),
            (Compression::Zstd, zstd(&data)),
        ] {
            for keep in [packed.len() / 2, packed.len() - 3, 5] {
                let d = decompress(c, &packed[..keep]);
                assert!(d.fault.is_some(), "{c:?} cut at {keep}");
                // A cut in the trailer loses no data, only the check of it.
                assert!(d.bytes.len() <= data.len(), "{c:?} cut at {keep}");
                assert!(data.starts_with(&d.bytes), "{c:?}: output is a prefix");
            }
            // Half the stream gives a good part of the data back, not nothing.
            let d = decompress(c, &packed[..packed.len() / 2]);
            assert!(d.bytes.len() > data.len() / 4, "{c:?}: {}", d.bytes.len());
            assert!(d.bytes.len() < data.len(), "{c:?}: {}", d.bytes.len());
        }
    }

    #[test]
    fn garbage_after_the_magic_is_a_fault_not_a_panic() {
        for seed in 0..64u8 {
            let mut junk: Vec<u8> = (0..512u32)
                .map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed))
                .collect();
            junk[..2].copy_from_slice(GZIP_MAGIC);
            assert!(decompress(Compression::Gzip, &junk).fault.is_some());
            junk[..4].copy_from_slice(ZSTD_MAGIC);
            assert!(decompress(Compression::Zstd, &junk).fault.is_some());
        }
    }

    #[test]
    fn flipped_bytes_are_reported() {
        let data = sample();
        let mut packed = gzip(&data);
        let n = packed.len();
        packed[n - 6] ^= 0xff; // inside the CRC32 trailer
        assert!(decompress(Compression::Gzip, &packed).fault.is_some());
    }
}
