//! The byte form of what a distributed scan carries between processes (issue 19): a part of
//! stage 1 ([`crate::parts`]) and a task of stage 6 and its verdicts ([`crate::tasks`]).
//! Each is framed the same way ([`frame`]): an 8-byte magic naming the kind, a format
//! version (u32), the payload's length (u64) and its xxh3 checksum (u64), then the payload;
//! integers little-endian.
//!
//! Invariants:
//!
//! - [`unframe`] refuses bytes of another kind or version, damaged, truncated or padded,
//!   with a message saying which, never a panic
//! - [`Reader`] never reads past its payload, and refuses a count its remaining bytes cannot
//!   hold before anything is allocated for it

/// Magic, version, payload length (u64) and checksum (u64), in bytes.
pub(crate) const HEADER_BYTES: usize = 8 + 4 + 8 + 8;

/// `payload` framed: `magic`, `version`, its length and its checksum, then the payload.
#[cfg(test)]
pub(crate) fn frame(magic: &[u8; 8], version: u32, payload: &[u8]) -> Vec<u8> {
    let mut w = Writer::framed(payload.len());
    w.0.extend_from_slice(payload);
    w.into_frame(magic, version)
}

/// The payload of `bytes` framed by [`frame`] with `magic` and `version`; `what` names the
/// kind in messages ("a part").
pub(crate) fn unframe<'a>(
    bytes: &'a [u8],
    magic: &[u8; 8],
    version: u32,
    what: &str,
) -> std::result::Result<&'a [u8], String> {
    if bytes.len() < HEADER_BYTES {
        return Err(format!(
            "{} bytes, shorter than the {HEADER_BYTES}-byte header of {what}",
            bytes.len()
        ));
    }
    if bytes[..8] != *magic {
        return Err(format!(
            "not {what} (no {} magic)",
            String::from_utf8_lossy(magic)
        ));
    }
    let got_version = u32::from_le_bytes(bytes[8..12].try_into().unwrap_or_default());
    if got_version != version {
        return Err(format!(
            "format version {got_version}, this build reads version {version}"
        ));
    }
    let len = u64::from_le_bytes(bytes[12..20].try_into().unwrap_or_default());
    let sum = u64::from_le_bytes(bytes[20..28].try_into().unwrap_or_default());
    let payload = &bytes[HEADER_BYTES..];
    if payload.len() as u64 != len {
        return Err(format!(
            "payload of {} bytes, the header says {len} (truncated or padded)",
            payload.len()
        ));
    }
    let got = crate::hash::bytes(payload);
    if got != sum {
        return Err(format!(
            "checksum mismatch: header {sum:#018x}, payload {got:#018x} (damaged)"
        ));
    }
    Ok(payload)
}

/// Where a [`Writer`] puts its bytes: a vector that grows, or a buffer of a size known
/// beforehand ([`Fixed`]).
pub(crate) trait Out {
    fn put(&mut self, b: &[u8]);
    /// Bytes put so far (the header's room first).
    fn count(&self) -> usize;
    /// The bytes put, as held.
    fn held(&mut self) -> &mut [u8];
    fn reserve(&mut self, _n: usize) {}
    fn put_each(&mut self, bytes: impl Iterator<Item = u8>) {
        for b in bytes {
            self.put(&[b]);
        }
    }
}

impl Out for Vec<u8> {
    fn put(&mut self, b: &[u8]) {
        self.extend_from_slice(b);
    }
    fn count(&self) -> usize {
        self.len()
    }
    fn held(&mut self) -> &mut [u8] {
        self
    }
    fn reserve(&mut self, n: usize) {
        Vec::reserve(self, n);
    }
    fn put_each(&mut self, bytes: impl Iterator<Item = u8>) {
        self.extend(bytes);
    }
}

/// A buffer of the frame's size, filled from its start (such as a Python `bytes` object an
/// engine keeps, so the reducer holds no copy). Bytes past its end are counted, not
/// written, and a frame written into a buffer of the wrong size reads as truncated or
/// padded ([`unframe`]).
pub(crate) struct Fixed<'a> {
    buf: &'a mut [u8],
    at: usize,
}

impl Out for Fixed<'_> {
    fn put(&mut self, b: &[u8]) {
        let start = self.at.min(self.buf.len());
        let end = (self.at + b.len()).min(self.buf.len());
        self.buf[start..end].copy_from_slice(&b[..end - start]);
        self.at += b.len();
    }
    fn count(&self) -> usize {
        self.at
    }
    fn held(&mut self) -> &mut [u8] {
        self.buf
    }
}

/// Little-endian writer of a payload, framed in place: the header's room comes first
/// ([`Writer::framed`], [`Writer::framed_into`]), so the payload is never copied (a stage-4
/// signature is 0.7 GB at 1M articles).
pub(crate) struct Writer<O: Out = Vec<u8>>(pub(crate) O);

impl Writer {
    /// A writer into a vector of its own; `capacity` is the payload's expected size, if known.
    pub(crate) fn framed(capacity: usize) -> Writer {
        let mut out = Vec::with_capacity(HEADER_BYTES + capacity);
        out.resize(HEADER_BYTES, 0);
        Writer(out)
    }
}

impl<'a> Writer<Fixed<'a>> {
    /// A writer into `buf`, which is to hold the whole frame.
    pub(crate) fn framed_into(buf: &'a mut [u8]) -> Writer<Fixed<'a>> {
        Writer(Fixed {
            buf,
            at: HEADER_BYTES,
        })
    }
}

impl<O: Out> Writer<O> {
    /// The payload written, framed: `magic`, `version`, its length and its checksum, then
    /// the payload.
    pub(crate) fn into_frame(mut self, magic: &[u8; 8], version: u32) -> O {
        let len = self.0.count().saturating_sub(HEADER_BYTES) as u64;
        let held = self.0.held();
        if held.len() >= HEADER_BYTES {
            let sum = crate::hash::bytes(&held[HEADER_BYTES..]);
            held[..8].copy_from_slice(magic);
            held[8..12].copy_from_slice(&version.to_le_bytes());
            held[12..20].copy_from_slice(&len.to_le_bytes());
            held[20..28].copy_from_slice(&sum.to_le_bytes());
        }
        self.0
    }

    pub(crate) fn u8(&mut self, v: u8) {
        self.0.put(&[v]);
    }
    pub(crate) fn u32(&mut self, v: u32) {
        self.0.put(&v.to_le_bytes());
    }
    pub(crate) fn u64(&mut self, v: u64) {
        self.0.put(&v.to_le_bytes());
    }
    pub(crate) fn str(&mut self, s: &str) {
        self.u64(s.len() as u64);
        self.0.put(s.as_bytes());
    }
    pub(crate) fn u32s(&mut self, v: &[u32]) {
        self.words_of(v.len(), v.iter().copied());
    }
    /// A list of the `n` values of `v`, with no slice of them made first, as
    /// [`Reader::words_in_place`] reads it: its count, then each value little-endian.
    pub(crate) fn words_of<T: Word>(&mut self, n: usize, v: impl Iterator<Item = T>) {
        self.u64(n as u64);
        self.0.reserve(n * T::BYTES);
        let start = self.0.count();
        for x in v {
            x.put_le(&mut self.0);
        }
        debug_assert_eq!(self.0.count() - start, n * T::BYTES);
    }
    pub(crate) fn bools(&mut self, v: &[bool]) {
        self.u64(v.len() as u64);
        self.0.put_each(v.iter().map(|&b| u8::from(b)));
    }
}

/// A number a payload lists at a fixed width, little-endian, that a reader can take where
/// the payload is ([`in_place`]): implemented only for `u16` and `u32`, whose every bit
/// pattern is a value.
pub(crate) trait Word: Copy + 'static {
    const BYTES: usize;
    fn from_le(b: &[u8]) -> Self;
    fn put_le(self, out: &mut impl Out);
}

impl Word for u16 {
    const BYTES: usize = 2;
    fn from_le(b: &[u8]) -> u16 {
        u16::from_le_bytes([b[0], b[1]])
    }
    fn put_le(self, out: &mut impl Out) {
        out.put(&self.to_le_bytes());
    }
}

impl Word for u32 {
    const BYTES: usize = 4;
    fn from_le(b: &[u8]) -> u32 {
        u32::from_le_bytes([b[0], b[1], b[2], b[3]])
    }
    fn put_le(self, out: &mut impl Out) {
        out.put(&self.to_le_bytes());
    }
}

/// `raw`'s little-endian values as a slice of them, without a copy, when the machine is
/// little-endian and `raw` starts at an address aligned for `T` and holds whole values (a
/// signature's lists of keys start four bytes apart from its frame's start, and allocators,
/// Python's `bytes` and Ray's object store align a buffer's start to 8 bytes or more);
/// `None` otherwise, for the caller to copy them.
pub(crate) fn in_place<T: Word>(raw: &[u8]) -> Option<&[T]> {
    if cfg!(target_endian = "big") {
        return None;
    }
    // SAFETY: `T` is `u16` or `u32` (`Word`), for which every bit pattern is a value, and
    // `align_to` gives in `body` only bytes aligned for `T`; `body` is used only when it is
    // the whole of `raw`, and on a little-endian machine each value reads as `T::from_le`.
    let (head, body, tail) = unsafe { raw.align_to::<T>() };
    (head.is_empty() && tail.is_empty()).then_some(body)
}

/// Bounds-checked reader of a payload: running out of bytes is an error message.
pub(crate) struct Reader<'a> {
    pub(crate) at: usize,
    pub(crate) b: &'a [u8],
}

impl<'a> Reader<'a> {
    /// Nothing is left of the payload after `what` (the last item read), or an error saying
    /// how much is.
    pub(crate) fn end(&self, what: &str) -> std::result::Result<(), String> {
        match self.b.len() - self.at {
            0 => Ok(()),
            left => Err(format!("{left} bytes left after {what}")),
        }
    }

    pub(crate) fn take(&mut self, n: usize) -> std::result::Result<&'a [u8], String> {
        if self.b.len() - self.at < n {
            return Err(format!(
                "ends at byte {} of its payload, {n} more were due",
                self.b.len()
            ));
        }
        let s = &self.b[self.at..self.at + n];
        self.at += n;
        Ok(s)
    }
    pub(crate) fn u64(&mut self) -> std::result::Result<u64, String> {
        Ok(u64::from_le_bytes(
            self.take(8)?.try_into().unwrap_or_default(),
        ))
    }
    pub(crate) fn u32(&mut self) -> std::result::Result<u32, String> {
        Ok(u32::from_le_bytes(
            self.take(4)?.try_into().unwrap_or_default(),
        ))
    }
    pub(crate) fn bool(&mut self) -> std::result::Result<bool, String> {
        match self.take(1)?[0] {
            0 => Ok(false),
            1 => Ok(true),
            v => Err(format!("byte {} is {v}, not a boolean", self.at - 1)),
        }
    }
    /// `N` booleans packed in one byte, the first in its lowest bit.
    pub(crate) fn flags<const N: usize>(&mut self) -> std::result::Result<[bool; N], String> {
        let v = self.take(1)?[0];
        if u32::from(v) >> N != 0 {
            return Err(format!("byte {} is {v}, not {N} flags", self.at - 1));
        }
        Ok(std::array::from_fn(|i| v >> i & 1 == 1))
    }
    /// A count of items of at least `min_bytes` each, refused when the bytes left cannot
    /// hold them (so a damaged count does not ask for a huge allocation).
    pub(crate) fn count(&mut self, min_bytes: usize) -> std::result::Result<usize, String> {
        let n = self.u64()?;
        let left = (self.b.len() - self.at) as u64;
        if n.saturating_mul(min_bytes.max(1) as u64) > left {
            return Err(format!(
                "a count of {n} items at byte {}, beyond the payload",
                self.at - 8
            ));
        }
        Ok(n as usize)
    }
    pub(crate) fn string(&mut self) -> std::result::Result<String, String> {
        self.str_in_place().map(str::to_owned)
    }
    /// [`Reader::string`], read where the payload is.
    pub(crate) fn str_in_place(&mut self) -> std::result::Result<&'a str, String> {
        let n = self.count(1)?;
        let at = self.at;
        std::str::from_utf8(self.take(n)?)
            .map_err(|e| format!("text at byte {at} is not UTF-8: {e}"))
    }
    pub(crate) fn u32s(&mut self) -> std::result::Result<Vec<u32>, String> {
        self.words_in_place().map(std::borrow::Cow::into_owned)
    }
    /// A list of `T` ([`Writer::words_of`]), borrowed from the payload where
    /// it can be read in place ([`in_place`]), else copied: a stage-4 task reads its
    /// signature's keys (half a gigabyte at 1M articles) where the engine holds them.
    pub(crate) fn words_in_place<T: Word>(
        &mut self,
    ) -> std::result::Result<std::borrow::Cow<'a, [T]>, String> {
        let n = self.count(T::BYTES)?;
        let raw = self.take(n * T::BYTES)?;
        Ok(match in_place(raw) {
            Some(v) => std::borrow::Cow::Borrowed(v),
            None => std::borrow::Cow::Owned(raw.chunks_exact(T::BYTES).map(T::from_le).collect()),
        })
    }
    pub(crate) fn bools(&mut self) -> std::result::Result<Vec<bool>, String> {
        let n = self.count(1)?;
        let at = self.at;
        self.take(n)?
            .iter()
            .enumerate()
            .map(|(i, &v)| match v {
                0 | 1 => Ok(v == 1),
                _ => Err(format!("byte {} is {v}, not a boolean", at + i)),
            })
            .collect()
    }
}
