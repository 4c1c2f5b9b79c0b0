//! Parquet (issue 19): one article per row, read with the `parquet` crate's column readers
//! (no Arrow), with the same field names (`--text-field`, `--id-field` …) and the same rules
//! as a JSONL line: row `k` (1-based, counted across row groups) gives the article that line
//! `k` of the equivalent JSONL file gives, with the same id, and a row that gives none is a
//! warning naming the file and row, as a JSONL line's names the line.
//!
//! Only the five configured columns are decoded, each a top-level column of one value per
//! row. Strings are `BYTE_ARRAY` columns (UTF-8 strings, and binary read as UTF-8: Arrow's
//! `Utf8`, `LargeUtf8` and `Binary` all land there), checked as UTF-8 here rather than by the
//! crate, so a bad value costs its row only. Numbers and booleans are written as JSONL's
//! reader writes a JSON number or boolean (ids may be numbers); dates and timestamps as
//! ISO 8601 text, so dates still compare as text. A problem with a column (the text column
//! missing, or not a string column) skips the file's rows with one warning that says how many;
//! a row group that cannot be decoded skips its rows from the batch that failed with one
//! warning, and the next row group is read.
//!
//! Texts are kept in memory ([`Body::Text`]): a row cannot be read again cheaply by its
//! position, as a JSONL line can. The crate's decoders run under `catch_unwind`, so a file
//! that makes them panic is a warning, not a crash of the run.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Arc;

use ::parquet::basic::{Compression, ConvertedType, LogicalType, TimeUnit, Type as PhysicalType};
use ::parquet::column::reader::{ColumnReader, ColumnReaderImpl};
use ::parquet::data_type::{ByteArray, DataType};
use ::parquet::file::metadata::RowGroupMetaData;
use ::parquet::file::reader::{ChunkReader, FileReader, SerializedFileReader};
use ::parquet::schema::types::ColumnDescriptor;

use super::{analyse_new, Analyser, Reading, Severity};
use crate::config::FieldNames;
use crate::corpus::{Article, Body, Origin};
use crate::error::Result;

/// Rows read from every column in step before their articles are built: bounds the values
/// held besides the articles' texts (a row group can hold a whole file).
const BATCH_ROWS: usize = 8192;

/// One cell of a column the reader uses.
#[derive(Debug)]
enum Value {
    Null,
    /// A `BYTE_ARRAY` value, string or binary, not yet checked as UTF-8.
    Bytes(ByteArray),
    /// A number, boolean, date or timestamp, as text.
    Text(String),
}

/// How a column's physical values become [`Value`]s; `None` from [`kind_of`] for a column
/// reprint does not read (fixed-length bytes, INT96, decimals, times of day, nested).
#[derive(Clone, Copy, Debug)]
enum Kind {
    Bytes,
    Int { signed: bool },
    Bool,
    Float,
    Double,
    Date,
    Timestamp { unit: Unit, utc: bool },
}

#[derive(Clone, Copy, Debug)]
enum Unit {
    Millis,
    Micros,
    Nanos,
}

/// What a column's values are read as, from its physical and logical types.
fn kind_of(c: &ColumnDescriptor) -> Option<Kind> {
    let logical = c.logical_type_ref();
    let converted = c.converted_type();
    match c.physical_type() {
        PhysicalType::BYTE_ARRAY => match (logical, converted) {
            (Some(LogicalType::Decimal(_)), _) | (_, ConvertedType::DECIMAL) => None,
            _ => Some(Kind::Bytes),
        },
        PhysicalType::BOOLEAN => Some(Kind::Bool),
        PhysicalType::FLOAT => Some(Kind::Float),
        PhysicalType::DOUBLE => Some(Kind::Double),
        PhysicalType::INT32 | PhysicalType::INT64 => match (logical, converted) {
            (Some(LogicalType::Date), _) | (_, ConvertedType::DATE) => Some(Kind::Date),
            (Some(LogicalType::Timestamp(t)), _) => Some(Kind::Timestamp {
                unit: match t.unit {
                    TimeUnit::MILLIS => Unit::Millis,
                    TimeUnit::MICROS => Unit::Micros,
                    TimeUnit::NANOS => Unit::Nanos,
                },
                utc: t.is_adjusted_to_u_t_c,
            }),
            (_, ConvertedType::TIMESTAMP_MILLIS) => Some(Kind::Timestamp {
                unit: Unit::Millis,
                utc: true,
            }),
            (_, ConvertedType::TIMESTAMP_MICROS) => Some(Kind::Timestamp {
                unit: Unit::Micros,
                utc: true,
            }),
            (Some(LogicalType::Integer(i)), _) => Some(Kind::Int {
                signed: i.is_signed,
            }),
            (
                _,
                ConvertedType::UINT_8
                | ConvertedType::UINT_16
                | ConvertedType::UINT_32
                | ConvertedType::UINT_64,
            ) => Some(Kind::Int { signed: false }),
            (None, ConvertedType::NONE) => Some(Kind::Int { signed: true }),
            (
                _,
                ConvertedType::INT_8
                | ConvertedType::INT_16
                | ConvertedType::INT_32
                | ConvertedType::INT_64,
            ) => Some(Kind::Int { signed: true }),
            _ => None,
        },
        _ => None,
    }
}

/// A column's type as a warning names it.
fn type_name(c: &ColumnDescriptor) -> String {
    match c.logical_type_ref() {
        Some(l) => format!("{} ({l:?})", c.physical_type()),
        None => c.physical_type().to_string(),
    }
}

/// The configured field a column is read for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Field {
    Text,
    Id,
    Title,
    Source,
    Date,
}

const FIELDS: [Field; 5] = [
    Field::Text,
    Field::Id,
    Field::Title,
    Field::Source,
    Field::Date,
];

fn field_name(f: &FieldNames, field: Field) -> &str {
    match field {
        Field::Text => &f.text,
        Field::Id => &f.id,
        Field::Title => &f.title,
        Field::Source => &f.source,
        Field::Date => &f.date,
    }
}

/// Where a configured field is in the file: the leaf column and how to read it.
#[derive(Clone, Copy, Debug)]
struct Column {
    index: usize,
    kind: Kind,
    optional: bool,
}

/// Rows of each row group of the Parquet file `reader` (what [`parse`] numbers rows by), or
/// `None` when its footer cannot be read.
pub(super) fn row_groups<R: ChunkReader + 'static>(reader: R) -> Option<Vec<u64>> {
    let opened = catch_unwind(AssertUnwindSafe(|| SerializedFileReader::new(reader)));
    Some(group_rows(opened.ok()?.ok()?.metadata()))
}

/// Rows of each row group, from a footer, which a damaged file can make anything.
fn group_rows(meta: &::parquet::file::metadata::ParquetMetaData) -> Vec<u64> {
    meta.row_groups()
        .iter()
        .map(|g| g.num_rows().max(0) as u64)
        .collect()
}

/// Reads the Parquet file `reader` (a file on disk, or bytes in memory) as input `to.name`:
/// the whole file, or with `groups` only those row groups (0-based), their rows numbered as in
/// the whole file. What is said of the whole file (a footer that cannot be read, an empty
/// file, a column that cannot be used) is said by the range that starts at row group 0 only,
/// so that ranges tiling a file give what the whole file gives. Returns the rows of each row
/// group of the file ([`row_groups`]; none when its footer cannot be read), where a range's
/// rows are numbered from.
pub(super) fn parse<R: ChunkReader + 'static, A: Analyser>(
    reader: R,
    to: &mut Reading<'_, '_, A>,
    groups: Option<std::ops::Range<usize>>,
) -> Result<Vec<u64>> {
    let name = to.name;
    let whole = groups.as_ref().is_none_or(|g| g.start == 0);
    let opened = catch_unwind(AssertUnwindSafe(|| SerializedFileReader::new(reader)));
    let file = match opened {
        Ok(Ok(f)) => f,
        Ok(Err(_)) | Err(_) if !whole => return Ok(Vec::new()),
        Ok(Err(e)) => {
            to.sink.warn(
                name,
                1,
                format!("not a readable Parquet file ({e}): file skipped"),
            )?;
            return Ok(Vec::new());
        }
        Err(_) => {
            to.sink.warn(
                name,
                1,
                "not a readable Parquet file (the Parquet reader failed on its footer): \
                 file skipped"
                    .into(),
            )?;
            return Ok(Vec::new());
        }
    };
    let meta = file.metadata();
    let counts = group_rows(meta);
    let total_rows = counts
        .iter()
        .fold(0i64, |sum, &n| sum.saturating_add(n as i64));
    if total_rows <= 0 {
        if whole {
            to.sink
                .note(name, 1, "empty file: no article read".into())?;
        }
        return Ok(counts);
    }
    let Some(columns) = find_columns(&file, to, total_rows, whole)? else {
        return Ok(counts);
    };
    let groups = groups.unwrap_or(0..meta.num_row_groups());
    let mut first_row = 1u64;
    for g in 0..meta.num_row_groups().min(groups.end) {
        let rows = meta.row_group(g).num_rows().max(0) as usize;
        if rows == 0 {
            continue;
        }
        if g < groups.start {
            first_row = first_row.saturating_add(rows as u64);
            continue;
        }
        let last_row = first_row.saturating_add(rows as u64 - 1);
        if let Some(codec) = unsupported_codec(meta.row_group(g), &columns) {
            to.sink.warn(
                name,
                first_row,
                format!(
                    "row group {} is compressed with {codec}, which this reprint does not \
                     read (it reads Snappy, gzip and Zstandard): rows {first_row} to \
                     {last_row} skipped",
                    g + 1
                ),
            )?;
            first_row = last_row.saturating_add(1);
            continue;
        }
        // The columns are read in step, a batch of rows at a time, so a row group's texts are
        // not decoded whole before its articles are built; a failure skips the rest of it.
        let mut readers = match catch_unwind(AssertUnwindSafe(|| open_group(&file, g, &columns))) {
            Ok(Ok(readers)) => Some(readers),
            Ok(Err(why)) => {
                corrupt(to, g, first_row, last_row, &why)?;
                None
            }
            Err(_) => {
                corrupt(to, g, first_row, last_row, "the Parquet reader failed")?;
                None
            }
        };
        let mut done = 0;
        while let Some(open) = readers.as_mut().filter(|_| done < rows) {
            let n = BATCH_ROWS.min(rows - done);
            let from = first_row + done as u64;
            match catch_unwind(AssertUnwindSafe(|| read_batch(open, n))) {
                Ok(Ok(values)) => {
                    let before = to.out.len();
                    articles(&values, from, n, to)?;
                    analyse_new(to.out, before, None, to.analyser)?;
                    done += n;
                }
                Ok(Err(why)) => {
                    corrupt(to, g, from, last_row, &why)?;
                    readers = None;
                }
                Err(_) => {
                    corrupt(to, g, from, last_row, "the Parquet reader failed")?;
                    readers = None;
                }
            }
        }
        first_row = last_row.saturating_add(1);
    }
    Ok(counts)
}

/// The warning for rows `from..=last_row` of row group `g` (0-based), which cannot be decoded.
fn corrupt<A: Analyser>(
    to: &mut Reading<'_, '_, A>,
    g: usize,
    from: u64,
    last_row: u64,
    why: &str,
) -> Result<()> {
    to.sink.warn(
        to.name,
        from,
        format!(
            "corrupt Parquet data in row group {} ({why}): rows {from} to {last_row} skipped",
            g + 1
        ),
    )
}

/// The codec of a used column of a row group that this build cannot decompress, named.
fn unsupported_codec(group: &RowGroupMetaData, columns: &[Option<Column>; 5]) -> Option<String> {
    columns.iter().flatten().find_map(|c| {
        match group
            .columns()
            .get(c.index)
            .map(|chunk| chunk.compression())
        {
            Some(
                Compression::UNCOMPRESSED
                | Compression::SNAPPY
                | Compression::GZIP(_)
                | Compression::ZSTD(_),
            )
            | None => None,
            Some(Compression::BROTLI(_)) => Some("Brotli".into()),
            Some(other) => Some(other.to_string()),
        }
    })
}

/// The leaf column of each configured field, in [`FIELDS`] order; `None` (after one warning)
/// when the text column is missing or unusable, so no row gives an article. The warnings and
/// notes about columns are given only when `speak`.
fn find_columns<R: ChunkReader + 'static, A: Analyser>(
    file: &SerializedFileReader<R>,
    to: &mut Reading<'_, '_, A>,
    total_rows: i64,
    speak: bool,
) -> Result<Option<[Option<Column>; 5]>> {
    let (name, f) = (to.name, &to.cfg.fields);
    let schema = file.metadata().file_metadata().schema_descr();
    let mut found = [None; 5];
    for (slot, field) in found.iter_mut().zip(FIELDS) {
        let wanted = field_name(f, field);
        let top = schema
            .root_schema()
            .get_fields()
            .iter()
            .find(|t| t.name() == wanted);
        let problem = match top {
            None => None,
            Some(t) if !t.is_primitive() => Some("a group or list, not one value per row".into()),
            Some(_) => {
                let leaf = (0..schema.num_columns()).find(|&i| {
                    let column = schema.column(i);
                    let parts = column.path().parts();
                    parts.len() == 1 && parts[0] == wanted
                });
                match leaf.map(|i| (i, schema.column(i))) {
                    Some((_, c)) if c.max_rep_level() > 0 => {
                        Some("a repeated column, not one value per row".into())
                    }
                    Some((i, c)) => match kind_of(&c) {
                        // The text must be a string; the other fields take any scalar.
                        Some(kind) if field != Field::Text || matches!(kind, Kind::Bytes) => {
                            *slot = Some(Column {
                                index: i,
                                kind,
                                optional: c.max_def_level() > 0,
                            });
                            None
                        }
                        Some(_) => Some(format!("of type {}, not a string column", type_name(&c))),
                        None => Some(format!(
                            "of type {}, which reprint does not read",
                            type_name(&c)
                        )),
                    },
                    None => Some("not a column reprint can read".into()),
                }
            }
        };
        // What to say about the field's column (a warning, or a note), and whether the file
        // gives no article.
        let (said, skip_file) = match (field, top, problem) {
            (Field::Text, None, _) => {
                let names: Vec<&str> = schema
                    .root_schema()
                    .get_fields()
                    .iter()
                    .map(|t| t.name())
                    .collect();
                let message = format!(
                    "no {wanted:?} column (the columns are {names:?}; --text-field names the \
                     text column): all {total_rows} rows skipped"
                );
                (Some((Severity::Malformed, message)), true)
            }
            (Field::Text, _, Some(why)) => {
                let message = format!("column {wanted:?} is {why}: all {total_rows} rows skipped");
                (Some((Severity::Malformed, message)), true)
            }
            (Field::Id, _, Some(why)) => {
                let message = format!("column {wanted:?} is {why}: every id is {name}:<row>");
                (Some((Severity::Malformed, message)), false)
            }
            (_, _, Some(why)) => {
                let message = format!("column {wanted:?} is {why}: not read");
                (Some((Severity::Benign, message)), false)
            }
            _ => (None, false),
        };
        if let Some((severity, message)) = said.filter(|_| speak) {
            to.sink.warn_as(severity, name, 1, message)?;
        }
        if skip_file {
            return Ok(None);
        }
    }
    Ok(Some(found))
}

/// The readers of the configured columns in row group `g`, in [`FIELDS`] order (`None` for a
/// field without a column), or why they could not be opened.
type Readers = [Option<(ColumnReader, Column)>; 5];

fn open_group<R: ChunkReader + 'static>(
    file: &SerializedFileReader<R>,
    g: usize,
    columns: &[Option<Column>; 5],
) -> std::result::Result<Readers, String> {
    let group = file.get_row_group(g).map_err(|e| e.to_string())?;
    let mut readers: Readers = [None, None, None, None, None];
    for (slot, c) in readers.iter_mut().zip(columns) {
        if let Some(c) = c {
            let reader = group
                .get_column_reader(c.index)
                .map_err(|e| e.to_string())?;
            *slot = Some((reader, *c));
        }
    }
    Ok(readers)
}

/// The next `rows` values of every open column, in [`FIELDS`] order.
fn read_batch(
    readers: &mut Readers,
    rows: usize,
) -> std::result::Result<Vec<Option<Vec<Value>>>, String> {
    readers
        .iter_mut()
        .map(|r| {
            r.as_mut()
                .map(|(r, c)| read_column(r, *c, rows))
                .transpose()
        })
        .collect()
}

/// The next `rows` values of column `c`.
fn read_column(
    reader: &mut ColumnReader,
    c: Column,
    rows: usize,
) -> std::result::Result<Vec<Value>, String> {
    let opt = c.optional;
    match (reader, c.kind) {
        (ColumnReader::ByteArrayColumnReader(r), _) => read_values(r, rows, opt, Value::Bytes),
        (ColumnReader::BoolColumnReader(r), _) => {
            read_values(r, rows, opt, |v| Value::Text(v.to_string()))
        }
        (ColumnReader::FloatColumnReader(r), _) => {
            read_values(r, rows, opt, |v| Value::Text(v.to_string()))
        }
        (ColumnReader::DoubleColumnReader(r), _) => {
            read_values(r, rows, opt, |v| Value::Text(v.to_string()))
        }
        (ColumnReader::Int32ColumnReader(r), kind) => read_values(r, rows, opt, |v| {
            Value::Text(match kind {
                Kind::Date => date(i64::from(v)),
                Kind::Int { signed: false } => (v as u32).to_string(),
                _ => v.to_string(),
            })
        }),
        (ColumnReader::Int64ColumnReader(r), kind) => read_values(r, rows, opt, |v| {
            Value::Text(match kind {
                Kind::Date => date(v),
                Kind::Timestamp { unit, utc } => timestamp(v, unit, utc),
                Kind::Int { signed: false } => (v as u64).to_string(),
                _ => v.to_string(),
            })
        }),
        _ => Err("a column of a type reprint does not read".into()),
    }
}

/// Reads `rows` records of one column, a null where an optional column has no value.
fn read_values<T: DataType>(
    r: &mut ColumnReaderImpl<T>,
    rows: usize,
    optional: bool,
    to_value: impl Fn(T::T) -> Value,
) -> std::result::Result<Vec<Value>, String> {
    let mut out = Vec::with_capacity(rows);
    let (mut defs, mut vals) = (Vec::new(), Vec::new());
    while out.len() < rows {
        defs.clear();
        vals.clear();
        let want = BATCH_ROWS.min(rows - out.len());
        let (records, _, levels) = r
            .read_records(want, optional.then_some(&mut defs), None, &mut vals)
            .map_err(|e| e.to_string())?;
        if records == 0 {
            return Err("a column ends before its row group's last row".into());
        }
        if optional {
            let mut vals = vals.drain(..);
            for &d in defs.iter().take(levels) {
                out.push(match d {
                    0 => Value::Null,
                    _ => to_value(vals.next().ok_or("fewer values than levels")?),
                });
            }
        } else {
            out.extend(vals.drain(..).map(&to_value));
        }
    }
    if out.len() != rows {
        return Err("a column holds more values than its row group has rows".into());
    }
    Ok(out)
}

/// The articles of one decoded row group, whose first row is `first_row` of the file.
fn articles<A: Analyser>(
    values: &[Option<Vec<Value>>],
    first_row: u64,
    rows: usize,
    to: &mut Reading<'_, '_, A>,
) -> Result<()> {
    let (name, cfg) = (to.name, to.cfg);
    let f = &cfg.fields;
    for r in 0..rows {
        let row = first_row + r as u64;
        match article(values, r, row, name, f, cfg.max_article_bytes) {
            Ok(a) => to.out.push(a),
            Err((message, severity)) => to.sink.warn_as(severity, name, row, message)?,
        }
    }
    Ok(())
}

/// Row `r` of a row group (row `row` of the file) as an article, or the warning that skips
/// it; the checks and messages are a JSONL line's.
fn article(
    values: &[Option<Vec<Value>>],
    r: usize,
    row: u64,
    name: &Arc<str>,
    f: &FieldNames,
    max_article_bytes: usize,
) -> std::result::Result<Article, (String, Severity)> {
    let malformed = |m: String| (m, Severity::Malformed);
    // Every field's value as text, or null/absent as `None`; bad UTF-8 skips the row, as it
    // skips a JSONL line.
    let text_of = |field: Field| -> std::result::Result<Option<String>, (String, Severity)> {
        let i = FIELDS.iter().position(|&x| x == field).unwrap_or(0);
        match values[i].as_ref().and_then(|v| v.get(r)) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Text(s)) => Ok(Some(s.clone())),
            Some(Value::Bytes(b)) => match std::str::from_utf8(b.data()) {
                Ok(s) => Ok(Some(s.to_owned())),
                Err(e) => Err(malformed(format!(
                    "field {:?}: invalid UTF-8 at byte {} of the value: record skipped",
                    field_name(f, field),
                    e.valid_up_to()
                ))),
            },
        }
    };
    let text = text_of(Field::Text)?;
    let (id, title, source, date) = (
        text_of(Field::Id)?,
        text_of(Field::Title)?,
        text_of(Field::Source)?,
        text_of(Field::Date)?,
    );
    let Some(text) = text else {
        return Err(malformed(format!(
            "field {:?} is null: record skipped",
            f.text
        )));
    };
    if text.len() > max_article_bytes {
        return Err(malformed(format!(
            "text of {} bytes exceeds --max-article-bytes {}: skipped",
            text.len(),
            max_article_bytes
        )));
    }
    if text.trim().is_empty() {
        return Err((
            format!("field {:?} is empty: record skipped", f.text),
            Severity::Benign,
        ));
    }
    Ok(Article {
        id: id.unwrap_or_else(|| format!("{name}:{row}")),
        title: title.unwrap_or_default(),
        body: Body::Text(text),
        source: source.unwrap_or_default(),
        date: date.unwrap_or_default(),
        origin: Origin {
            file: name.clone(),
            line: row,
        },
    })
}

/// Days since 1970-01-01 as an ISO 8601 date (proleptic Gregorian calendar).
fn date(days: i64) -> String {
    // Past any real date (and past where the arithmetic below could overflow): the number.
    if days.unsigned_abs() > 1 << 40 {
        return days.to_string();
    }
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}-{m:02}-{d:02}")
}

/// A timestamp as ISO 8601 text: `2024-05-01T12:30:00Z`, with a fraction only when it is not
/// zero, and `Z` only when the column says the time is UTC.
fn timestamp(v: i64, unit: Unit, utc: bool) -> String {
    let (per_second, digits) = match unit {
        Unit::Millis => (1_000, 3),
        Unit::Micros => (1_000_000, 6),
        Unit::Nanos => (1_000_000_000, 9),
    };
    let (secs, frac) = (v.div_euclid(per_second), v.rem_euclid(per_second));
    let (days, of_day) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    let mut s = format!(
        "{}T{:02}:{:02}:{:02}",
        date(days),
        of_day / 3600,
        of_day / 60 % 60,
        of_day % 60
    );
    if frac != 0 {
        s.push_str(&format!(".{frac:0digits$}"));
    }
    if utc {
        s.push('Z');
    }
    s
}

/// Year, month and day of the date `days` after 1970-01-01, by the days-from-civil method
/// (eras of 400 years that start on 1 March).
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_timestamps_are_iso_8601() {
        assert_eq!(date(0), "1970-01-01");
        assert_eq!(date(-1), "1969-12-31");
        assert_eq!(date(19_723), "2024-01-01");
        assert_eq!(date(11_016), "2000-02-29");
        assert_eq!(timestamp(0, Unit::Millis, true), "1970-01-01T00:00:00Z");
        assert_eq!(
            timestamp(1_714_566_600_123, Unit::Millis, false),
            "2024-05-01T12:30:00.123"
        );
        assert_eq!(
            timestamp(-1, Unit::Micros, true),
            "1969-12-31T23:59:59.999999Z"
        );
        // The extremes give text, not an overflow.
        for v in [i64::MIN, i64::MAX] {
            for u in [Unit::Millis, Unit::Micros, Unit::Nanos] {
                assert!(!timestamp(v, u, true).is_empty());
            }
        }
    }
}
