//! Parquet input (issue 19): the real binary on Parquet files written here with the `parquet`
//! crate's own writer (no fixture, no network): the same report as the JSONL of the same
//! records, byte for byte; the field-renaming flags; and bad rows, columns and files as
//! warnings naming the file and row, with the README's exit codes.

mod common;
use common::*;

#[cfg(feature = "parquet")]
mod with_parquet {
    use super::*;
    use std::path::Path;
    use std::sync::Arc;

    use parquet::basic::{Compression, GzipLevel, ZstdLevel};
    use parquet::data_type::{ByteArray, ByteArrayType, Int64Type};
    use parquet::file::properties::WriterProperties;
    use parquet::file::writer::SerializedFileWriter;
    use parquet::schema::parser::parse_message_type;

    /// One column to write: its values, `None` for a null.
    enum Col {
        /// `optional binary (STRING)`: a UTF-8 string column (Arrow's Utf8 and LargeUtf8).
        Str(Vec<Option<Vec<u8>>>),
        /// `required binary (STRING)`: no nulls, no definition levels.
        Required(Vec<Vec<u8>>),
        /// `optional binary`: bytes without a string annotation.
        Binary(Vec<Option<Vec<u8>>>),
        /// `optional int64`.
        Int(Vec<Option<i64>>),
    }

    fn strs(values: &[&str]) -> Col {
        Col::Str(values.iter().map(|v| Some(v.as_bytes().to_vec())).collect())
    }

    /// Writes `cols` as a Parquet file of row groups of `group_rows` rows.
    fn write(path: &Path, cols: &[(&str, Col)], codec: Compression, group_rows: usize) {
        let fields: String = cols
            .iter()
            .map(|(name, c)| match c {
                Col::Str(_) => format!("optional binary {name} (STRING);"),
                Col::Required(_) => format!("required binary {name} (STRING);"),
                Col::Binary(_) => format!("optional binary {name};"),
                Col::Int(_) => format!("optional int64 {name};"),
            })
            .collect();
        let schema = Arc::new(parse_message_type(&format!("message m {{ {fields} }}")).unwrap());
        let props = Arc::new(WriterProperties::builder().set_compression(codec).build());
        let file = std::fs::File::create(path).unwrap();
        let mut w = SerializedFileWriter::new(file, schema, props).unwrap();
        let rows = match &cols[0].1 {
            Col::Str(v) | Col::Binary(v) => v.len(),
            Col::Required(v) => v.len(),
            Col::Int(v) => v.len(),
        };
        let mut start = 0;
        while start < rows {
            let end = (start + group_rows).min(rows);
            let mut g = w.next_row_group().unwrap();
            for (_, c) in cols {
                let mut cw = g.next_column().unwrap().unwrap();
                match c {
                    Col::Str(v) | Col::Binary(v) => {
                        let part = &v[start..end];
                        let defs: Vec<i16> = part.iter().map(|x| i16::from(x.is_some())).collect();
                        let vals: Vec<ByteArray> = part
                            .iter()
                            .flatten()
                            .map(|b| ByteArray::from(b.clone()))
                            .collect();
                        cw.typed::<ByteArrayType>()
                            .write_batch(&vals, Some(&defs), None)
                            .unwrap();
                    }
                    Col::Required(v) => {
                        let vals: Vec<ByteArray> = v[start..end]
                            .iter()
                            .map(|b| ByteArray::from(b.clone()))
                            .collect();
                        cw.typed::<ByteArrayType>()
                            .write_batch(&vals, None, None)
                            .unwrap();
                    }
                    Col::Int(v) => {
                        let part = &v[start..end];
                        let defs: Vec<i16> = part.iter().map(|x| i16::from(x.is_some())).collect();
                        let vals: Vec<i64> = part.iter().flatten().copied().collect();
                        cw.typed::<Int64Type>()
                            .write_batch(&vals, Some(&defs), None)
                            .unwrap();
                    }
                }
                cw.close().unwrap();
            }
            g.close().unwrap();
            start = end;
        }
        w.close().unwrap();
    }

    /// The example feed's records: (id, title, text, source, date), in file order.
    fn example_records() -> Vec<[String; 5]> {
        let feed = std::fs::read_to_string(root().join("data/example/feed.jsonl")).unwrap();
        feed.lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                ["id", "title", "text", "source", "date"].map(|k| {
                    v[k].as_str()
                        .unwrap_or_else(|| panic!("{k} in {l}"))
                        .to_string()
                })
            })
            .collect()
    }

    /// The example feed as Parquet columns named `names` (id, title, text, source, date).
    fn example_columns(names: [&str; 5]) -> Vec<(&str, Col)> {
        let records = example_records();
        (0..5)
            .map(|k| {
                let v: Vec<&str> = records.iter().map(|r| r[k].as_str()).collect();
                (names[k], strs(&v))
            })
            .collect()
    }

    fn path_str(p: &Path) -> &str {
        p.to_str().unwrap()
    }

    #[test]
    fn the_json_report_of_parquet_is_the_jsonl_reports_byte_for_byte() {
        let jsonl = reprint(&["scan", "--format", "json", "data/example/feed.jsonl"]);
        assert_eq!(jsonl.status.code(), Some(0), "{}", stderr(&jsonl));
        let expected = jsonl.stdout;
        assert!(json_of(&reprint(&[
            "scan",
            "--format",
            "json",
            "data/example/feed.jsonl"
        ]))["summary"]["clusters"]
            .as_u64()
            .is_some_and(|c| c > 0));
        let dir = scratch("parquet-identity");
        let codecs = [
            ("snappy", Compression::SNAPPY, 64),
            ("zstd", Compression::ZSTD(ZstdLevel::default()), 300),
            ("gzip", Compression::GZIP(GzipLevel::default()), 7),
            ("plain", Compression::UNCOMPRESSED, 1000),
        ];
        for (label, codec, group_rows) in codecs {
            let path = dir.join(format!("feed-{label}.parquet"));
            write(
                &path,
                &example_columns(["id", "title", "text", "source", "date"]),
                codec,
                group_rows,
            );
            let out = reprint(&["scan", "--format", "json", path_str(&path)]);
            assert_eq!(out.status.code(), Some(0), "{label}: {}", stderr(&out));
            assert!(out.stdout == expected, "{label}: the reports differ");
        }
        // Inside a directory that is walked, read as Parquet by its name.
        let sub = dir.join("walked");
        std::fs::create_dir_all(&sub).unwrap();
        std::fs::copy(dir.join("feed-snappy.parquet"), sub.join("feed.parquet")).unwrap();
        let out = reprint(&["scan", "--format", "json", path_str(&sub)]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(out.stdout == expected, "directory: the reports differ");
        // On stdin, and under another name: recognised by its magic bytes.
        let bytes = std::fs::read(dir.join("feed-zstd.parquet")).unwrap();
        let out = reprint_stdin(&["scan", "--format", "json", "-"], Some(&bytes));
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(out.stdout == expected, "stdin: the reports differ");
        let other = dir.join("feed.data");
        std::fs::write(&other, &bytes).unwrap();
        let out = reprint(&["scan", "--format", "json", path_str(&other)]);
        assert!(out.stdout == expected, "sniffed: the reports differ");
        // Compressed whole, as feeds often are shipped.
        let gz = dir.join("feed.parquet.gz");
        let mut enc = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        std::io::Write::write_all(&mut enc, &bytes).unwrap();
        std::fs::write(&gz, enc.finish().unwrap()).unwrap();
        let out = reprint(&["scan", "--format", "json", path_str(&gz)]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(
            out.stdout == expected,
            "gzip-compressed: the reports differ"
        );
        // `reprint index add` shares the reader: the same report from a fresh index.
        let mut added = Vec::new();
        for (label, feed) in [
            ("jsonl", root().join("data/example/feed.jsonl")),
            ("parquet", dir.join("feed-snappy.parquet")),
        ] {
            let ix = dir.join(format!("ix-{label}"));
            let out = reprint(&["index", "init", path_str(&ix)]);
            assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
            let out = reprint(&[
                "index",
                "add",
                path_str(&ix),
                path_str(&feed),
                "--format",
                "json",
            ]);
            assert_eq!(out.status.code(), Some(0), "{label}: {}", stderr(&out));
            added.push(out.stdout);
        }
        assert!(!added[0].is_empty());
        assert!(added[0] == added[1], "index add: the reports differ");
    }

    #[test]
    fn renamed_columns_are_read_with_the_jsonl_flags() {
        let dir = scratch("parquet-renamed");
        let path = dir.join("renamed.parquet");
        write(
            &path,
            &example_columns(["uid", "headline", "body", "outlet", "published"]),
            Compression::SNAPPY,
            100,
        );
        let expected = reprint(&["scan", "--format", "json", "data/example/feed.jsonl"]).stdout;
        let flags = [
            "--id-field",
            "uid",
            "--title-field",
            "headline",
            "--text-field",
            "body",
            "--source-field",
            "outlet",
            "--date-field",
            "published",
        ];
        let mut args = vec!["scan", "--format", "json"];
        args.extend(flags);
        args.push(path_str(&path));
        let out = reprint(&args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(out.stdout == expected, "the reports differ");
        // Without the flags there is no text column: one warning, naming the columns, and
        // the rows counted.
        let out = reprint(&["scan", "--format", "json", path_str(&path)]);
        assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
        let err = stderr(&out);
        let expected_msg = format!(
            "{}:1: no \"text\" column (the columns are [\"uid\", \"headline\", \"body\", \
             \"outlet\", \"published\"]; --text-field names the text column): all 300 rows \
             skipped",
            path.display()
        );
        assert!(err.contains(&expected_msg), "{err}");
        let r = json_of(&out);
        assert_eq!(r["summary"]["articles"], 0);
        assert_eq!(r["summary"]["warnings"], 1);
    }

    #[test]
    fn number_ids_and_missing_ids_are_those_of_jsonl() {
        let dir = scratch("parquet-ids");
        let texts = [
            "The harbour authority said on Monday that the new ferry terminal opens next week.",
            "A second story about the city council's budget vote and the schools it funds.",
            "The third story covers the regional football final played in heavy rain.",
        ];
        let pq = dir.join("ids.parquet");
        write(
            &pq,
            &[
                ("id", Col::Int(vec![Some(7), None, Some(-3)])),
                ("text", strs(&texts)),
            ],
            Compression::SNAPPY,
            2,
        );
        let jl = dir.join("ids.jsonl");
        let lines: Vec<String> = texts
            .iter()
            .zip([Some(7), None, Some(-3)])
            .map(|(t, id)| match id {
                Some(i) => format!("{{\"id\":{i},\"text\":{t:?}}}"),
                None => format!("{{\"text\":{t:?}}}"),
            })
            .collect();
        std::fs::write(&jl, lines.join("\n") + "\n").unwrap();
        // The reader's ids and row numbers against those of the same records as JSONL.
        let cfg = reprint::Config::default();
        let from_pq = reprint::input::read_inputs(std::slice::from_ref(&pq), &cfg).unwrap();
        let from_jl = reprint::input::read_inputs(std::slice::from_ref(&jl), &cfg).unwrap();
        let got: Vec<&str> = from_pq
            .corpus
            .articles
            .iter()
            .map(|a| a.id.as_str())
            .collect();
        assert_eq!(got, ["7", &format!("{}:2", pq.display()), "-3"]);
        let lines: Vec<u64> = from_pq
            .corpus
            .articles
            .iter()
            .map(|a| a.origin.line)
            .collect();
        let jl_lines: Vec<u64> = from_jl
            .corpus
            .articles
            .iter()
            .map(|a| a.origin.line)
            .collect();
        assert_eq!(lines, jl_lines);
        assert_eq!(from_jl.corpus.articles[0].id, "7");
        for i in 0..3 {
            assert_eq!(
                from_pq.corpus.text(i).unwrap(),
                from_jl.corpus.text(i).unwrap()
            );
        }
    }

    #[test]
    fn bad_rows_are_counted_warnings_naming_file_and_row() {
        let dir = scratch("parquet-bad-rows");
        let path = dir.join("bad.parquet");
        let good = "A fine article about the harbour opening next week in the town centre.";
        let text = Col::Binary(vec![
            Some(good.as_bytes().to_vec()),
            None,
            Some(b"caf\xC3 broken".to_vec()),
            Some(b"   ".to_vec()),
            Some(format!("{good} Again.").into_bytes()),
        ]);
        let ids = strs(&["a", "b", "c", "d", "e"]);
        write(
            &path,
            &[("id", ids), ("text", text)],
            Compression::SNAPPY,
            2,
        );
        let out = reprint(&["scan", "--format", "json", path_str(&path)]);
        // Malformed rows were skipped: the report is written, the exit code says so.
        assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
        let err = stderr(&out);
        let p = path.display();
        for want in [
            format!("{p}:2: field \"text\" is null: record skipped"),
            format!("{p}:3: field \"text\": invalid UTF-8 at byte 3 of the value: record skipped"),
            format!("{p}:4: field \"text\" is empty: record skipped"),
        ] {
            assert!(err.contains(&want), "missing {want:?} in {err}");
        }
        assert!(!err.contains("panicked"), "{err}");
        let r = json_of(&out);
        assert_eq!(r["summary"]["articles"], 2);
        assert_eq!(r["summary"]["warnings"], 3);
        let lines: Vec<u64> = r["warnings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["line"].as_u64().unwrap())
            .collect();
        assert_eq!(lines, [2, 3, 4]);
        // --strict: the first bad row is fatal, named.
        let out = reprint(&["scan", "--strict", path_str(&path)]);
        assert_eq!(out.status.code(), Some(1));
        assert!(
            stderr(&out).contains(&format!("{p}:2: field \"text\" is null")),
            "{}",
            stderr(&out)
        );
        // Only the empty text: benign, exit 0.
        let benign = dir.join("benign.parquet");
        write(
            &benign,
            &[("text", strs(&[good, " "]))],
            Compression::SNAPPY,
            10,
        );
        let out = reprint(&["scan", path_str(&benign)]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    }

    #[test]
    fn a_text_column_that_is_not_a_string_column_skips_the_file_with_one_warning() {
        let dir = scratch("parquet-int-text");
        let path = dir.join("ints.parquet");
        write(
            &path,
            &[("text", Col::Int(vec![Some(1), Some(2)]))],
            Compression::SNAPPY,
            10,
        );
        let out = reprint(&["scan", path_str(&path)]);
        assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains(&format!(
                "{}:1: column \"text\" is of type INT64, not a string column: all 2 rows skipped",
                path.display()
            )),
            "{err}"
        );
    }

    #[test]
    fn a_required_text_column_and_an_empty_file_are_read() {
        let dir = scratch("parquet-required");
        let path = dir.join("req.parquet");
        let texts = [
            "One story about the harbour.",
            "Another story about the council.",
        ];
        write(
            &path,
            &[(
                "text",
                Col::Required(texts.iter().map(|t| t.as_bytes().to_vec()).collect()),
            )],
            Compression::UNCOMPRESSED,
            1,
        );
        let cfg = reprint::Config::default();
        let loaded = reprint::input::read_inputs(std::slice::from_ref(&path), &cfg).unwrap();
        assert_eq!(loaded.corpus.len(), 2);
        assert_eq!(loaded.corpus.text(1).unwrap(), texts[1]);
        assert!(loaded.warnings.is_empty(), "{:?}", loaded.warnings);
        let empty = dir.join("empty.parquet");
        write(&empty, &[("text", strs(&[]))], Compression::SNAPPY, 10);
        let out = reprint(&["scan", path_str(&empty)]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(stderr(&out).contains("empty file: no article read"));
    }

    #[test]
    fn corrupt_files_are_warnings_naming_the_file_never_a_crash() {
        let dir = scratch("parquet-corrupt");
        let good = dir.join("good.parquet");
        write(
            &good,
            &example_columns(["id", "title", "text", "source", "date"]),
            Compression::SNAPPY,
            100,
        );
        let bytes = std::fs::read(&good).unwrap();
        // The footer cut off.
        let cut = dir.join("cut.parquet");
        std::fs::write(&cut, &bytes[..bytes.len() / 2]).unwrap();
        // Not Parquet at all, and only the magic.
        let junk = dir.join("junk.parquet");
        std::fs::write(&junk, b"PAR1 this is not a parquet file PAR1").unwrap();
        for p in [&cut, &junk] {
            let out = reprint(&["scan", path_str(p)]);
            assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
            let err = stderr(&out);
            assert!(
                err.contains(&format!("{}:1: not a readable Parquet file (", p.display())),
                "{err}"
            );
            assert!(!err.contains("panicked"), "{err}");
        }
        // Damage inside the second row group's data: that group's rows are skipped with one
        // warning, the others are read.
        let reader_meta = {
            use parquet::file::reader::{FileReader, SerializedFileReader};
            let r = SerializedFileReader::new(std::fs::File::open(&good).unwrap()).unwrap();
            let g = r.metadata().row_group(1);
            let c = g.column(2); // text
            let (start, len) = c.byte_range();
            (start as usize, len as usize)
        };
        let mut damaged = bytes.clone();
        let (start, len) = reader_meta;
        for b in &mut damaged[start + len / 4..start + len / 2] {
            *b ^= 0x5A;
        }
        let hurt = dir.join("hurt.parquet");
        std::fs::write(&hurt, &damaged).unwrap();
        let out = reprint(&["scan", "--format", "json", path_str(&hurt)]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(3), "{err}");
        assert!(!err.contains("panicked"), "{err}");
        assert!(
            err.contains(&format!(
                "{}:101: corrupt Parquet data in row group 2 (",
                hurt.display()
            )) && err.contains("rows 101 to 200 skipped"),
            "{err}"
        );
        assert_eq!(json_of(&out)["summary"]["articles"], 200);
        // --strict: fatal, named.
        let out = reprint(&["scan", "--strict", path_str(&cut)]);
        assert_eq!(out.status.code(), Some(1));
    }

    #[test]
    fn rows_are_numbered_across_batches_and_row_groups() {
        // More rows than the reader decodes at once (8,192), in a row group of 20,000 and one
        // of 1,000: row numbers run on across both.
        let dir = scratch("parquet-batches");
        let path = dir.join("many.parquet");
        let n = 21_000;
        let bad = [8_192usize, 8_193, 20_001];
        let texts: Vec<Option<Vec<u8>>> = (1..=n)
            .map(|row| {
                (!bad.contains(&row))
                    .then(|| format!("Story {row} about the harbour.").into_bytes())
            })
            .collect();
        let ids: Vec<Option<Vec<u8>>> = (1..=n)
            .map(|row| (row % 2 == 0).then(|| format!("id-{row}").into_bytes()))
            .collect();
        write(
            &path,
            &[("id", Col::Str(ids)), ("text", Col::Str(texts))],
            Compression::SNAPPY,
            20_000,
        );
        let cfg = reprint::Config::default();
        let loaded = reprint::input::read_inputs(std::slice::from_ref(&path), &cfg).unwrap();
        assert_eq!(loaded.corpus.len(), n - bad.len());
        let lines: Vec<u64> = loaded.warnings.iter().map(|w| w.line).collect();
        assert_eq!(lines, bad.map(|b| b as u64));
        assert_eq!(loaded.malformed, bad.len());
        for a in &loaded.corpus.articles {
            let row = a.origin.line;
            let id = match row % 2 {
                0 => format!("id-{row}"),
                _ => format!("{}:{row}", path.display()),
            };
            assert_eq!(a.id, id);
        }
        let last = loaded.corpus.len() - 1;
        assert_eq!(
            loaded.corpus.text(last).unwrap(),
            format!("Story {n} about the harbour.")
        );
    }

    #[test]
    fn damaged_bytes_anywhere_never_panic_the_reader() {
        // Every 97th byte of a small file flipped in turn, and the file cut at every 97th
        // byte: each read returns (articles and warnings) and accounts for the rows it read.
        let dir = scratch("parquet-damage");
        let good = dir.join("good.parquet");
        let texts: Vec<String> = (0..40)
            .map(|i| format!("Story {i} about the harbour and the council."))
            .collect();
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        write(
            &good,
            &[("id", strs(&refs)), ("text", strs(&refs))],
            Compression::SNAPPY,
            16,
        );
        let bytes = std::fs::read(&good).unwrap();
        let cfg = reprint::Config::default();
        let path = dir.join("damaged.parquet");
        for at in (0..bytes.len()).step_by(97) {
            let mut flipped = bytes.clone();
            flipped[at] ^= 0xFF;
            for damaged in [flipped, bytes[..at].to_vec()] {
                std::fs::write(&path, &damaged).unwrap();
                let loaded = reprint::input::read_inputs(std::slice::from_ref(&path), &cfg)
                    .unwrap_or_else(|e| panic!("byte {at}: {e}"));
                assert!(loaded.corpus.len() <= 40, "byte {at}");
                if loaded.corpus.len() < 40 {
                    assert!(!loaded.warnings.is_empty(), "byte {at}: rows lost silently");
                }
            }
        }
    }

    #[test]
    fn row_group_ranges_mapped_apart_give_the_files_report() {
        // The distributed scans' Parquet kernel (`parts::map_parquet`): a file's row groups
        // cut into ranges, each read and through stage 1 on its own, put together by the
        // reducer, must give the CLI's report of the files byte for byte, with what is said of
        // a whole file (no text column, an unreadable footer) said once.
        use reprint::parts::{map_parquet, scan_parts};
        use reprint::report::{Json, Printer};
        let dir = scratch("parquet-ranges");
        // The example feed in row groups of 7 rows, with a null text, a text that is not
        // UTF-8 and the first id again.
        let mut cols = example_columns(["id", "title", "text", "source", "date"]);
        if let Col::Str(ids) = &mut cols[0].1 {
            ids[150] = ids[0].clone();
        }
        if let Col::Str(texts) = &mut cols[2].1 {
            texts[3] = None;
            texts[100] = Some(b"caf\xe9 au lait".to_vec());
        }
        let feed = dir.join("feed.parquet");
        write(&feed, &cols, Compression::SNAPPY, 7);
        let no_text = dir.join("no-text.parquet");
        write(
            &no_text,
            &example_columns(["id", "title", "body", "source", "date"]),
            Compression::SNAPPY,
            50,
        );
        let broken = dir.join("broken.parquet");
        std::fs::write(&broken, b"PAR1 not a footer PAR1").unwrap();
        let files = [&feed, &no_text, &broken];
        let mut args = vec!["scan", "--format", "json"];
        args.extend(files.iter().map(|p| path_str(p)));
        let out = reprint(&args);
        assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
        let expected = out.stdout;
        let r: serde_json::Value = serde_json::from_slice(&expected).unwrap();
        assert_eq!(r["summary"]["articles"], 298);
        assert!(r["summary"]["clusters"].as_u64().unwrap() > 0);

        let cfg = reprint::Config::default();
        let groups: Vec<usize> = files
            .iter()
            .map(|p| {
                reprint::input::parquet_row_groups(p)
                    .unwrap()
                    .map_or(0, |g| g.len())
            })
            .collect();
        assert_eq!(groups, [43, 6, 0]);
        // Ranges of `width` row groups, and an empty one past each file's end.
        for width in [1, 3, 43] {
            let mut parts = Vec::new();
            for (k, (path, &n)) in files.iter().zip(&groups).enumerate() {
                let mut start = 0;
                loop {
                    let end = start + width;
                    let part = map_parquet(path_str(path), k as u32, path, start..end, &cfg);
                    parts.push(part.unwrap());
                    if end >= n {
                        break;
                    }
                    start = end;
                }
                let past = n + 1..n + 4;
                parts.push(map_parquet(path_str(path), k as u32, path, past, &cfg).unwrap());
            }
            parts.reverse();
            let (report, _) = scan_parts(parts, &cfg).unwrap();
            let mut got = Vec::new();
            Json { pretty: false }.print(&report, &mut got).unwrap();
            assert!(got == expected, "ranges of {width}: the reports differ");
        }
    }

    #[test]
    fn clean_refuses_parquet_naming_the_file() {
        let dir = scratch("parquet-clean");
        let path = dir.join("feed.parquet");
        write(
            &path,
            &example_columns(["id", "title", "text", "source", "date"]),
            Compression::SNAPPY,
            300,
        );
        let out_path = dir.join("out.jsonl");
        let out = reprint(&["clean", path_str(&path), "-o", path_str(&out_path)]);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        let err = stderr(&out);
        assert!(
            err.contains(&format!(
                "{}: a Parquet file, which clean cannot write back",
                path.display()
            )),
            "{err}"
        );
        assert!(!out_path.exists());
    }
}

/// Built without the `parquet` feature, a Parquet input is an error that says so.
#[cfg(not(feature = "parquet"))]
#[test]
fn without_the_feature_a_parquet_input_is_a_clear_error() {
    let dir = scratch("no-parquet");
    let path = dir.join("feed.parquet");
    std::fs::write(&path, b"PAR1\x15\x04PAR1").unwrap();
    let out = reprint(&["scan", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("built without Parquet support"), "{err}");
    assert!(err.contains(&path.display().to_string()), "{err}");
}
