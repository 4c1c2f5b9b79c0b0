//! Per-article shingle keys that wait in an unnamed temporary file instead of memory.
//!
//! Stage 1 makes about one 32-bit key per word, and stage 5 needs every article's
//! boilerplate-free key set: on a million-article feed that is 1.4 GB, half the input. When
//! the keys of a run pass [`Config::key_memory_bytes`](crate::config::Config::key_memory_bytes) bytes, the
//! pipeline moves them here: each article's keys are written once at their own offset, read
//! back by stage 3, which writes the article's set over them (a set is never longer than the
//! keys it is made of), and read again by verification, pair by pair. Reads and writes are
//! positioned (`pread`/`pwrite` on Unix; elsewhere seek and read under a lock), so threads
//! share the file, and the bytes a stage gets are the bytes it would have had in memory: the
//! report does not change.
//!
//! The file is made with `tempfile::tempfile()` in the system's temporary directory (`TMPDIR`
//! on Unix) and is deleted by the operating system when the run ends, even after a crash.

use std::fs::File;

use crate::error::{Error, Result};

/// An unnamed temporary file of per-article `u32` vectors.
#[derive(Debug)]
pub struct Spill {
    file: File,
    /// Byte offset of each article's region.
    offsets: Vec<u64>,
    /// Length (in keys) of what each article's region holds now.
    lens: Vec<u32>,
    /// End of the last region.
    end: u64,
}

impl Spill {
    /// A new, empty temporary file.
    pub fn new() -> Result<Spill> {
        let file = tempfile::tempfile().map_err(spill_error)?;
        Ok(Spill {
            file,
            offsets: Vec::new(),
            lens: Vec::new(),
            end: 0,
        })
    }

    /// Number of articles appended.
    pub fn len(&self) -> usize {
        self.offsets.len()
    }

    /// True when nothing was appended.
    pub fn is_empty(&self) -> bool {
        self.offsets.is_empty()
    }

    /// Appends the keys of the next articles, one region each. The regions are laid out in
    /// one buffer in parallel and written with one call: a write per article, from several
    /// threads, queued on the file's lock, and the file system zeroed the rest of each new
    /// block it began (at a million articles that was half of the run's system time).
    pub fn push_all(&mut self, keys: &[&[u32]]) -> Result<()> {
        let start = self.end;
        for k in keys {
            let len = u32::try_from(k.len()).map_err(|_| spill_error(too_long()))?;
            self.offsets.push(self.end);
            self.lens.push(len);
            self.end += k.len() as u64 * 4;
        }
        let regions: Vec<(usize, &[u32])> = keys.iter().map(|k| (k.len() * 4, *k)).collect();
        self.write_regions(start, &regions)
    }

    /// Lays `regions` (each its size in bytes and the keys written at its start) out one
    /// after the other in one buffer, in parallel, and writes it at `start` with one call.
    fn write_regions(&self, start: u64, regions: &[(usize, &[u32])]) -> Result<()> {
        use rayon::prelude::*;
        let total = regions.iter().map(|r| r.0).sum();
        let mut bytes = vec![0u8; total];
        let mut parts: Vec<(&[u32], &mut [u8])> = Vec::with_capacity(regions.len());
        let mut rest = &mut bytes[..];
        for &(size, keys) in regions {
            let (part, tail) = rest.split_at_mut(size);
            parts.push((keys, part));
            rest = tail;
        }
        parts.into_par_iter().for_each(|(keys, part)| {
            for (b, key) in part.chunks_exact_mut(4).zip(keys) {
                b.copy_from_slice(&key.to_le_bytes());
            }
        });
        positioned::write_all_at(&self.file, &bytes, start).map_err(spill_error)
    }

    /// Reads article `i`'s keys into `buf` (replacing its contents).
    pub fn read(&self, i: usize, buf: &mut Vec<u32>) -> Result<()> {
        buf.clear();
        buf.resize(self.lens[i] as usize, 0);
        read_at(&self.file, self.offsets[i], buf)
    }

    /// Writes `keys[k]` over the region of article `first + k`, for consecutive articles,
    /// with one call (see [`Spill::push_all`]), and records their lengths; none may be
    /// longer than its region holds.
    pub fn rewrite_all(&mut self, first: usize, keys: &[Vec<u32>]) -> Result<()> {
        let Some(&start) = self.offsets.get(first) else {
            return Ok(());
        };
        let regions: Vec<(usize, &[u32])> = keys
            .iter()
            .enumerate()
            .map(|(k, set)| {
                let i = first + k;
                let next = self.offsets.get(i + 1).copied().unwrap_or(self.end);
                let size = (next - self.offsets[i]) as usize;
                assert!(set.len() * 4 <= size, "a spilled region only shrinks");
                (size, &set[..])
            })
            .collect();
        self.write_regions(start, &regions)?;
        for (len, set) in self.lens[first..].iter_mut().zip(keys) {
            *len = set.len() as u32;
        }
        Ok(())
    }
}

#[derive(Debug)]
pub enum Sets {
    /// `sets[i]` is article `i`'s set.
    Memory(Vec<Vec<u32>>),
    /// Article `i`'s set is region `i` of the file.
    Spilled(Spill),
}

/// Article `i`'s set: borrowed from memory, or read into `buf`.
impl crate::verify::SetSource for Sets {
    fn set<'a>(&'a self, i: usize, buf: &'a mut Vec<u32>) -> Result<&'a [u32]> {
        match self {
            Sets::Memory(sets) => Ok(&sets[i]),
            Sets::Spilled(spill) => {
                spill.read(i, buf)?;
                Ok(buf)
            }
        }
    }
}

fn too_long() -> std::io::Error {
    std::io::Error::other("an article has more than 2^32 shingles")
}

fn spill_error(source: std::io::Error) -> Error {
    Error::Spill {
        dir: std::env::temp_dir(),
        source,
    }
}

thread_local! {
    /// Each thread's byte buffer for file I/O, so reads and writes allocate nothing.
    static BYTES: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Keys as little-endian bytes, whatever the machine.
fn read_at(file: &File, offset: u64, keys: &mut [u32]) -> Result<()> {
    BYTES.with_borrow_mut(|bytes| {
        bytes.clear();
        bytes.resize(keys.len() * 4, 0);
        positioned::read_exact_at(file, bytes, offset).map_err(spill_error)?;
        for (k, b) in keys.iter_mut().zip(bytes.chunks_exact(4)) {
            *k = u32::from_le_bytes([b[0], b[1], b[2], b[3]]);
        }
        Ok(())
    })
}

#[cfg(unix)]
mod positioned {
    use std::fs::File;
    use std::os::unix::fs::FileExt;

    pub fn write_all_at(file: &File, buf: &[u8], offset: u64) -> std::io::Result<()> {
        file.write_all_at(buf, offset)
    }

    pub fn read_exact_at(file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
        file.read_exact_at(buf, offset)
    }
}

/// Elsewhere, seek then read or write, one thread at a time: a plain, portable fallback.
#[cfg(not(unix))]
mod positioned {
    use std::fs::File;
    use std::io::{Read, Seek, SeekFrom, Write};
    use std::sync::Mutex;

    static LOCK: Mutex<()> = Mutex::new(());

    pub fn write_all_at(mut file: &File, buf: &[u8], offset: u64) -> std::io::Result<()> {
        let _one_at_a_time = LOCK.lock().unwrap_or_else(|e| e.into_inner());
        file.seek(SeekFrom::Start(offset))?;
        file.write_all(buf)
    }

    pub fn read_exact_at(mut file: &File, buf: &mut [u8], offset: u64) -> std::io::Result<()> {
        let _one_at_a_time = LOCK.lock().unwrap_or_else(|e| e.into_inner());
        file.seek(SeekFrom::Start(offset))?;
        file.read_exact(buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions_read_back_what_was_written_and_shrink_in_place() {
        let mut s = Spill::new().unwrap();
        let a: Vec<u32> = (0..1000).map(|x| x * 7919).collect();
        let b: Vec<u32> = vec![];
        let c: Vec<u32> = vec![u32::MAX, 0, 1];
        s.push_all(&[&a, &b, &c]).unwrap();
        assert_eq!(s.len(), 3);
        let mut buf = vec![42];
        for (i, v) in [&a, &b, &c].into_iter().enumerate() {
            s.read(i, &mut buf).unwrap();
            assert_eq!(&buf, v);
        }
        // Rewriting a shorter vector leaves the next region alone.
        let shorter: Vec<u32> = a.iter().step_by(3).copied().collect();
        s.rewrite_all(0, &[shorter.clone(), vec![], vec![5]])
            .unwrap();
        s.read(0, &mut buf).unwrap();
        assert_eq!(buf, shorter);
        s.read(2, &mut buf).unwrap();
        assert_eq!(buf, [5]);
        s.read(1, &mut buf).unwrap();
        assert!(buf.is_empty());
    }

    #[test]
    #[should_panic(expected = "only shrinks")]
    fn a_region_never_grows() {
        let mut s = Spill::new().unwrap();
        s.push_all(&[&[1, 2]]).unwrap();
        let _ = s.rewrite_all(0, &[vec![1, 2, 3]]);
    }
}
