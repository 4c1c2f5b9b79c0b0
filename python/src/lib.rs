//! `reprint._reprint`: the native half of the Python package (issue 19). The pure-Python
//! `reprint` package around it takes lists, DataFrames and Arrow tables apart into records;
//! this module turns the records into the JSONL lines the CLI would read, reads them with the
//! library's own JSONL reader ([`reprint::input::read_jsonl_bytes`]), runs the scan with the
//! GIL released, and prints the report with the CLI's printer. Going through the reader, not
//! around it, is what makes `Report.json()` the CLI's bytes: field renaming, missing ids
//! (`name:N`), repeated ids (`#2`), and every warning are the reader's.
//!
//! No Python value can make this module panic: a record or field of a type JSON cannot hold
//! is a counted warning (record skipped), a bad setting is a `ConfigError`.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::time::Instant;

use pyo3::buffer::PyBuffer;
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyByteArray, PyBytes, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple,
};

use reprint::clean::{Keep, Policy};
use reprint::config::Config;
use reprint::diagnostics::Warning;
use reprint::report::{Json, Printer, Report};

/// The scan's settings as Python sees them: `Config`'s own field names. Field names of the
/// records (`text_field` …) and `strict` are settings too.
const USIZE_SETTINGS: [&str; 12] = [
    "ngram_words",
    "num_perms",
    "min_body_words",
    "min_story_words",
    "min_shared_words",
    "partial_words",
    "min_repeat_words",
    "min_boilerplate_articles",
    "max_article_bytes",
    "key_memory_bytes",
    // Not Config fields: how the scan runs, and clean's policy.
    "threads",
    "min_boilerplate_words",
];

const FLOAT_SETTINGS: [&str; 10] = [
    "threshold",
    "containment_threshold",
    "evidence_containment",
    "paragraph_coverage",
    "char_coverage",
    "noisy_char_coverage",
    "short_share",
    "long_share",
    "repeat_similarity",
    "boilerplate_coverage",
];

const BOOL_SETTINGS: [&str; 3] = ["all_pairs", "strict", "keep_boilerplate"];

const FIELD_SETTINGS: [&str; 5] = [
    "id_field",
    "title_field",
    "text_field",
    "source_field",
    "date_field",
];

/// `s` as a Python str.
fn py_str(py: Python<'_>, s: &str) -> PyObject {
    PyString::new(py, s).into_any().unbind()
}

/// `v` as a Python int.
fn py_int(py: Python<'_>, v: u64) -> PyObject {
    match v.into_pyobject(py) {
        Ok(o) => o.into_any().unbind(),
        Err(never) => match never {},
    }
}

/// A Python exception of class `kind` from `reprint._errors`, with attributes.
fn error(py: Python<'_>, kind: &str, message: String, attrs: &[(&str, PyObject)]) -> PyErr {
    let made = (|| -> PyResult<PyErr> {
        let cls = py.import("reprint._errors")?.getattr(kind)?;
        let e = cls.call1((message.clone(),))?;
        for (k, v) in attrs {
            e.setattr(*k, v)?;
        }
        Ok(PyErr::from_value(e))
    })();
    made.unwrap_or_else(|e| e)
}

/// The library's fatal error as the package's exception.
fn library_error(py: Python<'_>, e: reprint::Error) -> PyErr {
    match e {
        reprint::Error::Config { name, message } => {
            let snake = name.replace('-', "_");
            error(
                py,
                "ConfigError",
                format!("invalid {snake}: {message}"),
                &[("name", py_str(py, &snake))],
            )
        }
        reprint::Error::Strict {
            file,
            line,
            message,
        } => input_error(
            py,
            &file,
            line,
            format!("{file}:{line}: {message} (strict)"),
        ),
        e => error(py, "ReprintError", e.to_string(), &[]),
    }
}

/// An `InputError` about record `line - 1` (0-based index) of input `file`.
fn input_error(py: Python<'_>, file: &str, line: u64, message: String) -> PyErr {
    error(
        py,
        "InputError",
        message,
        &[
            ("file", py_str(py, file)),
            ("line", py_int(py, line)),
            ("index", py_int(py, line.saturating_sub(1))),
        ],
    )
}

fn config_error(py: Python<'_>, name: &str, message: String) -> PyErr {
    error(
        py,
        "ConfigError",
        format!("invalid {name}: {message}"),
        &[("name", py_str(py, name))],
    )
}

/// What the caller asked for besides the records.
struct Settings {
    cfg: Config,
    threads: usize,
    policy: Policy,
}

/// Builds the settings from `options` over `Config::default()`: an unknown name is a
/// `TypeError` (as an unknown keyword argument is), a value of the wrong type or range a
/// `ConfigError` naming the setting.
fn settings(py: Python<'_>, options: &Bound<'_, PyDict>) -> PyResult<Settings> {
    let mut s = Settings {
        cfg: Config::default(),
        threads: 0,
        policy: Policy::default(),
    };
    for (k, v) in options.iter() {
        let key: String = k.extract()?;
        if v.is_none() {
            continue; // None: the default.
        }
        let name = key.as_str();
        if USIZE_SETTINGS.contains(&name) {
            if v.is_instance_of::<PyBool>() || !v.is_instance_of::<PyInt>() {
                return Err(config_error(
                    py,
                    name,
                    format!("expected an int, got {}", type_name(&v)),
                ));
            }
            let n: usize = v.extract().map_err(|_| {
                config_error(py, name, format!("{v} is not a non-negative integer"))
            })?;
            let c = &mut s.cfg;
            match name {
                "ngram_words" => c.ngram_words = n,
                "num_perms" => c.num_perms = n,
                "min_body_words" => c.evidence.min_body_words = n,
                "min_story_words" => c.evidence.min_story_words = n,
                "min_shared_words" => c.evidence.min_shared_words = n,
                "partial_words" => c.evidence.partial_words = n,
                "min_repeat_words" => c.min_repeat_words = n,
                "min_boilerplate_articles" => c.min_boilerplate_articles = n,
                "max_article_bytes" => c.max_article_bytes = n,
                "key_memory_bytes" => c.key_memory_bytes = n,
                "threads" => s.threads = n,
                _ => s.policy.min_boilerplate_words = n,
            }
        } else if FLOAT_SETTINGS.contains(&name) {
            if v.is_instance_of::<PyBool>()
                || !(v.is_instance_of::<PyFloat>() || v.is_instance_of::<PyInt>())
            {
                return Err(config_error(
                    py,
                    name,
                    format!("expected a number, got {}", type_name(&v)),
                ));
            }
            let x: f64 = v.extract()?;
            let c = &mut s.cfg;
            match name {
                "threshold" => c.threshold = x,
                "containment_threshold" => c.containment_threshold = x,
                "evidence_containment" => c.evidence_containment = x,
                "paragraph_coverage" => c.evidence.paragraph_coverage = x,
                "char_coverage" => c.evidence.char_coverage = x,
                "noisy_char_coverage" => c.evidence.noisy_char_coverage = x,
                "short_share" => c.evidence.short_share = x,
                "long_share" => c.evidence.long_share = x,
                "repeat_similarity" => c.repeat_similarity = x,
                _ => c.boilerplate_coverage = x,
            }
        } else if BOOL_SETTINGS.contains(&name) {
            let b = v.downcast::<PyBool>().map_err(|_| {
                config_error(
                    py,
                    name,
                    format!("expected True or False, got {}", type_name(&v)),
                )
            })?;
            match name {
                "all_pairs" => s.cfg.all_pairs = b.is_true(),
                "strict" => s.cfg.strict = b.is_true(),
                _ => s.policy.keep_boilerplate = b.is_true(),
            }
        } else if FIELD_SETTINGS.contains(&name) {
            let f: String = v.extract().map_err(|_| {
                config_error(py, name, format!("expected a str, got {}", type_name(&v)))
            })?;
            let names = &mut s.cfg.fields;
            match name {
                "id_field" => names.id = f,
                "title_field" => names.title = f,
                "text_field" => names.text = f,
                "source_field" => names.source = f,
                _ => names.date = f,
            }
        } else if name == "keep" {
            let k: String = v.extract().map_err(|_| {
                config_error(py, name, format!("expected a str, got {}", type_name(&v)))
            })?;
            s.policy.keep = match k.as_str() {
                "canonical" => Keep::Canonical,
                "all" => Keep::All,
                "longest" => Keep::Longest,
                other => {
                    return Err(config_error(
                        py,
                        name,
                        format!("{other:?} is not one of \"canonical\", \"all\", \"longest\""),
                    ))
                }
            };
        } else {
            return Err(PyTypeError::new_err(format!(
                "unexpected keyword argument {name:?}"
            )));
        }
    }
    s.cfg.validate().map_err(|e| library_error(py, e))?;
    Ok(s)
}

/// The Python type name of `v`, for messages.
fn type_name(v: &Bound<'_, PyAny>) -> String {
    v.get_type()
        .name()
        .map(|n| n.to_string())
        .unwrap_or_else(|_| "an unknown type".into())
}

/// Writes `s` as a JSON string literal.
fn push_str(s: &str, out: &mut Vec<u8>) {
    // Writing to a Vec cannot fail.
    let _ = serde_json::to_writer(&mut *out, s);
}

/// Appends `v` as the JSON value a JSONL writer would give the CLI for it: str, bytes of
/// UTF-8, int, float, bool and None as themselves (a NaN, `pd.NA` or `pd.NaT`, pandas'
/// missing values, as null, as pandas' own `to_json` writes them), a numpy scalar as the value
/// it holds, a date or time as its
/// `isoformat()`, a list or tuple as an array and a mapping as an object
/// (whose contents the reader never looks at). Anything else is the warning returned.
fn push_value(v: &Bound<'_, PyAny>, field: &str, out: &mut Vec<u8>) -> Result<(), String> {
    if v.is_none() || is_pandas_missing(v) {
        out.extend_from_slice(b"null");
    } else if let Ok(s) = v.downcast::<PyString>() {
        match s.to_cow() {
            Ok(s) => push_str(&s, out),
            // A lone surrogate (`surrogateescape` decoding makes them): no UTF-8 holds it.
            Err(_) => {
                return Err(format!(
                    "field {field:?} holds a lone surrogate, which UTF-8 cannot encode: \
                     record skipped"
                ))
            }
        }
    } else if v.is_instance_of::<PyBool>() {
        out.extend_from_slice(if v.is_truthy().unwrap_or(false) {
            b"true"
        } else {
            b"false"
        });
    } else if v.is_instance_of::<PyInt>() {
        if let Ok(n) = v.extract::<i64>() {
            out.extend_from_slice(n.to_string().as_bytes());
        } else if let Ok(n) = v.extract::<u64>() {
            out.extend_from_slice(n.to_string().as_bytes());
        } else {
            // Beyond 64 bits: its digits, which the reader takes as a float, as the CLI does.
            let digits = v
                .py()
                .get_type::<PyInt>()
                .call_method1("__repr__", (v,))
                .and_then(|d| d.extract::<String>())
                .map_err(|e| format!("field {field:?}: {e}"))?;
            out.extend_from_slice(digits.as_bytes());
        }
    } else if let Ok(f) = v.downcast::<PyFloat>() {
        let x = f.value();
        if x.is_nan() {
            out.extend_from_slice(b"null");
        } else if x.is_finite() {
            let _ = serde_json::to_writer(&mut *out, &x);
        } else {
            return Err(format!(
                "field {field:?} is {x}, which JSON cannot hold: record skipped"
            ));
        }
    } else if let Ok(b) = v.downcast::<PyBytes>() {
        push_bytes(b.as_bytes(), field, out)?;
    } else if let Ok(b) = v.downcast::<PyByteArray>() {
        push_bytes(&b.to_vec(), field, out)?;
    } else if let Some(native) = numpy_item(v) {
        push_value(&native, field, out)?;
    } else if let Some(iso) = isoformat(v) {
        push_str(&iso, out);
    } else if v.is_instance_of::<PyList>() || v.is_instance_of::<PyTuple>() {
        out.extend_from_slice(b"[]");
    } else if v.is_instance_of::<PyDict>() || v.downcast::<PyMapping>().is_ok() {
        out.extend_from_slice(b"{}");
    } else {
        return Err(format!(
            "field {field:?} is of type {}, not a str, bytes, int, float, bool or None: record skipped",
            type_name(v)
        ));
    }
    Ok(())
}

/// A numpy scalar (`np.int64`, `np.float32`, `np.bool_`, `np.str_` …, found by its `dtype`
/// and `item`, so that numpy is not needed) as the Python value it holds.
fn numpy_item<'py>(v: &Bound<'py, PyAny>) -> Option<Bound<'py, PyAny>> {
    if !v.hasattr("dtype").unwrap_or(false) {
        return None;
    }
    let item = v.call_method0("item").ok()?;
    // An array's `item` of one element is a scalar too; anything still numpy is refused.
    (!item.hasattr("dtype").unwrap_or(true)).then_some(item)
}

/// A date or time (`datetime`, `date`, pandas' `Timestamp`, which `read_json` makes of a
/// date column) as its ISO 8601 text, the form dates are compared in.
fn isoformat(v: &Bound<'_, PyAny>) -> Option<String> {
    if v.is_instance_of::<PyString>() || v.is_instance_of::<PyInt>() {
        return None;
    }
    v.call_method0("isoformat").ok()?.extract::<String>().ok()
}

/// pandas' missing values that are not `None` or a NaN float (`pd.NA`, `pd.NaT`), found by
/// their type's name so that pandas is not needed.
fn is_pandas_missing(v: &Bound<'_, PyAny>) -> bool {
    matches!(
        v.get_type().name().map(|n| n.to_string()).as_deref(),
        Ok("NAType" | "NaTType")
    )
}

fn push_bytes(b: &[u8], field: &str, out: &mut Vec<u8>) -> Result<(), String> {
    match std::str::from_utf8(b) {
        Ok(s) => {
            push_str(s, out);
            Ok(())
        }
        Err(e) => Err(format!(
            "field {field:?} is bytes that are not UTF-8 (invalid at byte {}): record skipped",
            e.valid_up_to()
        )),
    }
}

/// One record as one JSON line (without its line feed), or why it cannot be one.
fn record_line(
    r: &Bound<'_, PyAny>,
    fields: &[&str],
    text_field: &str,
    out: &mut Vec<u8>,
) -> Result<(), String> {
    let start = out.len();
    let result = (|| {
        if r.is_instance_of::<PyString>() || r.is_instance_of::<PyBytes>() {
            // A bare text: a record with only its text field.
            out.push(b'{');
            push_str(text_field, out);
            out.push(b':');
            push_value(r, text_field, out)?;
            out.push(b'}');
            return Ok(());
        }
        let get = |key: &str| -> Result<Option<Bound<'_, PyAny>>, String> {
            if let Ok(d) = r.downcast::<PyDict>() {
                return d.get_item(key).map_err(|e| e.to_string());
            }
            let m = r.downcast::<PyMapping>().map_err(|_| {
                format!(
                    "record is of type {}, not a dict or a str: record skipped",
                    type_name(r)
                )
            })?;
            match m.contains(key) {
                Ok(true) => m.get_item(key).map(Some).map_err(|e| e.to_string()),
                Ok(false) => Ok(None),
                Err(e) => Err(e.to_string()),
            }
        };
        out.push(b'{');
        let mut first = true;
        for &f in fields {
            if let Some(v) = get(f)? {
                if !first {
                    out.push(b',');
                }
                first = false;
                push_str(f, out);
                out.push(b':');
                push_value(&v, f, out)?;
            }
        }
        out.push(b'}');
        Ok(())
    })();
    if result.is_err() {
        out.truncate(start);
    }
    result
}

/// The records as JSONL bytes, record `i` on line `first_line + i`; a record that cannot be
/// written is a blank line (the reader skips it, and line numbers stay) and a warning here.
fn to_jsonl(
    records: &Bound<'_, PyAny>,
    cfg: &Config,
    name: &str,
    first_line: u64,
) -> PyResult<(Vec<u8>, Vec<Warning>)> {
    let f = &cfg.fields;
    // Each name once: the reader gives a name that is two fields to the text first.
    let mut fields: Vec<&str> = Vec::new();
    for n in [&f.text, &f.id, &f.title, &f.source, &f.date] {
        if !fields.contains(&n.as_str()) {
            fields.push(n);
        }
    }
    let mut out = Vec::new();
    let mut rejected = Vec::new();
    for (i, r) in records.try_iter()?.enumerate() {
        let r = r?;
        if i > 0 {
            out.push(b'\n');
        }
        if let Err(message) = record_line(&r, &fields, &f.text, &mut out) {
            rejected.push(Warning {
                file: name.to_string(),
                line: first_line + i as u64,
                message,
            });
        }
    }
    Ok((out, rejected))
}

/// Reads the records as the CLI reads a JSONL file named `name`, with the warnings of records
/// that could not be written in their places. The malformed count includes them.
fn read(
    py: Python<'_>,
    bytes: &[u8],
    rejected: Vec<Warning>,
    name: &str,
    cfg: &Config,
) -> PyResult<reprint::input::Loaded> {
    if cfg.strict {
        strict_rejected(py, bytes, &rejected, 1, |before| {
            reprint::input::read_jsonl_bytes(name, before, cfg).map(drop)
        })?;
    }
    let mut loaded = py
        .allow_threads(|| reprint::input::read_jsonl_bytes(name, bytes, cfg))
        .map_err(|e| library_error(py, e))?;
    if !rejected.is_empty() {
        loaded.malformed += rejected.len();
        loaded.warnings.extend(rejected);
        // Stable: the reader's warnings are in line order, a rejected line has no other.
        loaded.warnings.sort_by_key(|w| w.line);
    }
    Ok(loaded)
}

/// The strict mode's error for the first of `rejected` (records of `bytes`,
/// whose first line is line `first_line`, that could not be written): a problem the reader
/// finds before it comes first, as it would in a file, so `read_before` reads the lines before
/// it. (With no record before it there is nothing to read: an empty prefix would be an "empty
/// file" note, which strict mode would raise instead.)
fn strict_rejected(
    py: Python<'_>,
    bytes: &[u8],
    rejected: &[Warning],
    first_line: u64,
    read_before: impl FnOnce(&[u8]) -> reprint::Result<()> + Send,
) -> PyResult<()> {
    let Some(first) = rejected.first() else {
        return Ok(());
    };
    let before = &bytes[..line_start(bytes, first.line + 1 - first_line)];
    if !before.iter().all(|b| b.is_ascii_whitespace()) {
        py.allow_threads(|| read_before(before))
            .map_err(|e| library_error(py, e))?;
    }
    Err(input_error(
        py,
        &first.file,
        first.line,
        format!("{}:{}: {} (strict)", first.file, first.line, first.message),
    ))
}

/// Byte offset where 1-based line `line` of `bytes` starts.
fn line_start(bytes: &[u8], line: u64) -> usize {
    if line <= 1 {
        return 0;
    }
    let mut seen = 0u64;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' {
            seen += 1;
            if seen == line - 1 {
                return i + 1;
            }
        }
    }
    bytes.len()
}

fn pool(py: Python<'_>, threads: usize) -> PyResult<rayon::ThreadPool> {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .map_err(|e| error(py, "ReprintError", format!("thread pool: {e}"), &[]))
}

/// A finished scan: the library's report, printed on demand.
#[pyclass(frozen, module = "reprint._reprint")]
struct NativeReport {
    report: Report,
    /// Warnings about malformed input (the CLI exits 3 when this is not 0).
    #[pyo3(get)]
    malformed: usize,
    threads: usize,
    /// Wall-clock seconds of each step: records to JSON lines (GIL held), reading them, and
    /// the scan (GIL released).
    #[pyo3(get)]
    seconds: Vec<(&'static str, f64)>,
}

#[pymethods]
impl NativeReport {
    /// The report as `reprint scan --format json` prints it (`--pretty` with `pretty`),
    /// trailing line feed included.
    #[pyo3(signature = (pretty = false))]
    fn json(&self, py: Python<'_>, pretty: bool) -> PyResult<String> {
        let pool = pool(py, self.threads)?;
        let report = &self.report;
        let bytes = py
            .allow_threads(|| {
                pool.install(|| {
                    let mut out = Vec::new();
                    Json { pretty }.print(report, &mut out).map(|_| out)
                })
            })
            .map_err(|e| library_error(py, e))?;
        // serde_json writes UTF-8.
        String::from_utf8(bytes).map_err(|e| error(py, "ReprintError", e.to_string(), &[]))
    }
}

/// Scans `records` (a sequence of dicts or strs) named `name`; `options` are the settings.
#[pyfunction]
fn scan(
    py: Python<'_>,
    records: &Bound<'_, PyAny>,
    options: &Bound<'_, PyDict>,
    name: &str,
) -> PyResult<NativeReport> {
    let s = settings(py, options)?;
    let t = Instant::now();
    let (bytes, rejected) = to_jsonl(records, &s.cfg, name, 1)?;
    let t_lines = t.elapsed().as_secs_f64();
    let loaded = read(py, &bytes, rejected, name, &s.cfg)?;
    let t_read = t.elapsed().as_secs_f64();
    drop(bytes);
    let pool = pool(py, s.threads)?;
    let malformed = loaded.malformed;
    let cfg = &s.cfg;
    let (report, _stats) = py
        .allow_threads(|| {
            pool.install(|| reprint::pipeline::scan(&loaded.corpus, loaded.warnings, cfg))
        })
        .map_err(|e| library_error(py, e))?;
    let t_scan = t.elapsed().as_secs_f64();
    Ok(NativeReport {
        report,
        malformed,
        threads: s.threads,
        seconds: vec![
            ("lines", t_lines),
            ("read", t_read - t_lines),
            ("scan", t_scan - t_read),
        ],
    })
}

/// `reprint clean` over `records`: the report, the kept records as (index, new text or None
/// when unchanged), and the sidecar's JSON lines (removed articles, cut spans, skipped
/// records, counts), as the CLI writes them.
#[pyfunction]
#[allow(clippy::type_complexity)]
fn clean(
    py: Python<'_>,
    records: &Bound<'_, PyAny>,
    options: &Bound<'_, PyDict>,
    name: &str,
) -> PyResult<(NativeReport, Vec<(u64, Option<String>)>, String)> {
    let s = settings(py, options)?;
    let (bytes, rejected) = to_jsonl(records, &s.cfg, name, 1)?;
    let loaded = read(py, &bytes, rejected, name, &s.cfg)?;
    drop(bytes);
    let pool = pool(py, s.threads)?;
    let malformed = loaded.malformed;
    let (cfg, policy) = (&s.cfg, s.policy);
    let corpus = &loaded.corpus;
    let done = py.allow_threads(|| {
        pool.install(|| -> reprint::Result<_> {
            let (report, _, details) = reprint::clean::scan(corpus, loaded.warnings, cfg)?;
            let plan = reprint::clean::plan(corpus, &report, &details, policy)?;
            let mut kept = Vec::new();
            for (k, (a, p)) in corpus.articles.iter().zip(&plan.articles).enumerate() {
                if p.removed.is_some() {
                    continue;
                }
                let text = match p.delete.is_empty() {
                    true => None,
                    false => Some(reprint::clean::apply(&corpus.text(k)?, &p.delete)),
                };
                kept.push((a.origin.line - 1, text));
            }
            let mut sidecar = Vec::new();
            reprint::clean::write::write_sidecar(&plan, corpus, &mut sidecar)
                .map_err(reprint::Error::Output)?;
            Ok((report, kept, sidecar))
        })
    });
    let (report, kept, sidecar) = done.map_err(|e| library_error(py, e))?;
    let sidecar =
        String::from_utf8(sidecar).map_err(|e| error(py, "ReprintError", e.to_string(), &[]))?;
    Ok((
        NativeReport {
            report,
            malformed,
            threads: s.threads,
            seconds: Vec::new(),
        },
        kept,
        sidecar,
    ))
}

/// The distributed scans' map kernel ([`reprint::parts::map_jsonl`]): `data`, whole JSONL
/// lines of input number `input` named `name` from line `first_line`, read and through stage
/// 1, as the bytes of a part. With `offset`, `data` was read from the file `name` at that
/// byte, and the part keeps where its texts are there instead of the texts
/// ([`reprint::parts::map_jsonl_at`]). The GIL is released while it works.
#[pyfunction]
#[pyo3(signature = (name, input, first_line, data, options, offset = None))]
fn map_jsonl<'py>(
    py: Python<'py>,
    name: &str,
    input: u32,
    first_line: u64,
    data: &[u8],
    options: &Bound<'py, PyDict>,
    offset: Option<u64>,
) -> PyResult<Bound<'py, PyBytes>> {
    let s = settings(py, options)?;
    part_bytes(py, &s, |cfg| match offset {
        Some(at) => reprint::parts::map_jsonl_at(name, input, first_line, at, data, cfg),
        None => reprint::parts::map_jsonl(name, input, first_line, data, cfg),
    })
}

/// The part `map` makes with the settings `s`, as bytes, made on a pool of `s.threads` with
/// the GIL released.
fn part_bytes<'py>(
    py: Python<'py>,
    s: &Settings,
    map: impl FnOnce(&Config) -> reprint::Result<reprint::parts::Part> + Send,
) -> PyResult<Bound<'py, PyBytes>> {
    let pool = pool(py, s.threads)?;
    let part = py
        .allow_threads(|| pool.install(|| map(&s.cfg).map(|p| p.to_bytes())))
        .map_err(|e| library_error(py, e))?;
    Ok(PyBytes::new(py, &part))
}

/// Rows of each row group of the Parquet file at `path`, or `None` when its footer cannot be
/// read (a scan gives that file one warning): where the distributed scans cut a Parquet file.
#[pyfunction]
fn parquet_row_groups(py: Python<'_>, path: std::path::PathBuf) -> PyResult<Option<Vec<u64>>> {
    py.allow_threads(|| reprint::input::parquet_row_groups(&path))
        .map_err(|e| library_error(py, e))
}

/// The files a scan of `paths` reads, in its order, as the CLI lists them: each path as
/// named, a directory replaced by the files found in it (recursively, in byte order of
/// names, hidden entries skipped, links followed), each named by its path. Something in a
/// directory that the CLI would skip with a warning (not a regular file, a link loop, a
/// directory that cannot be listed) is an `InputError` naming it: the distributed scans do
/// not skip.
#[pyfunction]
fn input_files(py: Python<'_>, paths: Vec<std::path::PathBuf>) -> PyResult<Vec<String>> {
    let entries = py
        .allow_threads(|| reprint::input::input_entries(&paths))
        .map_err(|e| library_error(py, e))?;
    entries
        .into_iter()
        .map(|e| match e {
            reprint::input::Entry::File { path, .. } => Ok(path.to_string_lossy().into_owned()),
            reprint::input::Entry::Problem { path, message, .. } => Err(error(
                py,
                "InputError",
                format!("{path}: {message} (the distributed scans read every file they list)"),
                &[],
            )),
        })
        .collect()
}

/// How the CLI would read the file at `path`: `"jsonl"`, `"parquet"`, `"feed"` or `"text"`
/// for a plain file, or the compression (`"gzip"`, `"zstd"`) it would decompress first.
#[pyfunction]
fn file_kind(py: Python<'_>, path: std::path::PathBuf) -> PyResult<&'static str> {
    use reprint::config::InputFormat;
    let kind = py
        .allow_threads(|| reprint::input::file_kind(&path, &reprint::Config::default()))
        .map_err(|e| library_error(py, e))?;
    Ok(match kind {
        reprint::input::FileKind::Compressed(c) => c,
        reprint::input::FileKind::Plain(InputFormat::Parquet) => "parquet",
        reprint::input::FileKind::Plain(InputFormat::Feed) => "feed",
        reprint::input::FileKind::Plain(InputFormat::Jsonl) => "jsonl",
        reprint::input::FileKind::Plain(InputFormat::Text | InputFormat::Auto) => "text",
    })
}

/// The distributed scans' map kernel for Parquet ([`reprint::parts::map_parquet`]): row groups
/// `first_group..end_group` of the Parquet file at `path`, input number `input` named `name`,
/// read as the CLI reads that file and through stage 1, as the bytes of a part (with its
/// texts). The GIL is released while it works.
#[pyfunction]
#[pyo3(signature = (name, input, path, first_group, end_group, options))]
fn map_parquet<'py>(
    py: Python<'py>,
    name: &str,
    input: u32,
    path: std::path::PathBuf,
    first_group: usize,
    end_group: usize,
    options: &Bound<'py, PyDict>,
) -> PyResult<Bound<'py, PyBytes>> {
    let s = settings(py, options)?;
    part_bytes(py, &s, |cfg| {
        reprint::parts::map_parquet(name, input, &path, first_group..end_group, cfg)
    })
}

/// The map kernel over records ([`reprint::parts::map_jsonl`]), for a scan of a Ray Dataset:
/// `records` (as `scan` takes them) are rows `first_line`, `first_line + 1`, … of the input
/// named `name`, read as `scan` reads them, as the bytes of a part. `last`: whether they are
/// the input's last rows (a slice before them ends with a line feed). The GIL is released
/// while the reader and stage 1 work.
#[pyfunction]
#[pyo3(signature = (records, name, first_line, last, options))]
fn map_records<'py>(
    py: Python<'py>,
    records: &Bound<'py, PyAny>,
    name: &str,
    first_line: u64,
    last: bool,
    options: &Bound<'py, PyDict>,
) -> PyResult<Bound<'py, PyBytes>> {
    let s = settings(py, options)?;
    let cfg = &s.cfg;
    if first_line == 0 {
        return Err(error(
            py,
            "ReprintError",
            "first_line is 1-based, got 0".into(),
            &[],
        ));
    }
    let (mut bytes, rejected) = to_jsonl(records, cfg, name, first_line)?;
    let rows = records.len()?;
    if !last && rows > 0 {
        bytes.push(b'\n');
    }
    if cfg.strict {
        strict_rejected(py, &bytes, &rejected, first_line, |before| {
            reprint::parts::map_jsonl(name, 0, first_line, before, cfg).map(drop)
        })?;
    }
    part_bytes(py, &s, |cfg| {
        let mut part = reprint::parts::map_jsonl(name, 0, first_line, &bytes, cfg)?;
        part.reject(rejected)?;
        Ok(part)
    })
}

/// The Ray scan's reducer ([`reprint::parts::scan_parts`]): the parts' bytes, in any order,
/// to the report, as `reprint scan --format json` prints it (`--pretty` with `pretty`).
/// The GIL is released while it works.
#[pyfunction]
#[pyo3(signature = (parts, options, pretty = false))]
fn scan_parts(
    py: Python<'_>,
    parts: Vec<Bound<'_, PyBytes>>,
    options: &Bound<'_, PyDict>,
    pretty: bool,
) -> PyResult<String> {
    let s = settings(py, options)?;
    let pool = pool(py, s.threads)?;
    let cfg = &s.cfg;
    let raw: Vec<&[u8]> = parts.iter().map(|b| b.as_bytes()).collect();
    let bytes = py
        .allow_threads(|| {
            pool.install(|| -> reprint::Result<Vec<u8>> {
                let parts = reprint::parts::parts_from_bytes(&raw)?;
                let (report, _) = reprint::parts::scan_parts(parts, cfg)?;
                let mut out = Vec::new();
                Json { pretty }.print(&report, &mut out)?;
                Ok(out)
            })
        })
        .map_err(|e| library_error(py, e))?;
    String::from_utf8(bytes).map_err(|e| error(py, "ReprintError", e.to_string(), &[]))
}

/// The reducer taking parts one at a time ([`reprint::parts::Reducer`]), so that the driver
/// of a distributed scan need not hold every part: `add` decodes a part and moves its
/// stage-1 values into the analysis once the parts before it have come; `finish` prints the
/// report as `scan_parts` does. The GIL is released while it works.
#[pyclass(frozen, module = "reprint._reprint")]
struct Reducer {
    /// `None` once finished.
    inner: std::sync::Mutex<Option<reprint::parts::Reducer>>,
    pool: rayon::ThreadPool,
    /// Wall-clock seconds of each stage of `finish`, once it has run.
    seconds: std::sync::Mutex<Vec<(&'static str, f64)>>,
}

#[pymethods]
impl Reducer {
    /// A reducer for the slices starting at `starts`, each slice's `(input, first_line)`
    /// (in any order, once per slice), with the scan's `options`.
    #[new]
    fn new(py: Python<'_>, starts: Vec<(u32, u64)>, options: &Bound<'_, PyDict>) -> PyResult<Self> {
        let s = settings(py, options)?;
        Ok(Reducer {
            inner: std::sync::Mutex::new(Some(reprint::parts::Reducer::new(s.cfg, starts))),
            pool: pool(py, s.threads)?,
            seconds: std::sync::Mutex::new(Vec::new()),
        })
    }

    /// Takes the next part's bytes, in any order.
    fn add(&self, py: Python<'_>, part: &[u8]) -> PyResult<()> {
        let done = py.allow_threads(|| {
            let mut inner = self.inner.lock().unwrap_or_else(|e| e.into_inner());
            let Some(r) = inner.as_mut() else {
                return Err(None);
            };
            self.pool
                .install(|| reprint::parts::Part::from_bytes(part).and_then(|p| r.add(p)))
                .map_err(Some)
        });
        done.map_err(|e| match e {
            Some(e) => library_error(py, e),
            None => finished(py),
        })
    }

    /// The report, once every part has come, as `reprint scan --format json` prints it
    /// (`--pretty` with `pretty`). The reducer cannot be used after.
    ///
    /// With `work`, stage 4's band collisions, the pairs stage 6 reads and the listed pairs
    /// stage 8 aligns are cut into about `tasks` tasks each and handed to `work`, a batch of tasks at a time, instead of done
    /// here: the same report. `work(tasks, shared, uses)` takes a list of task bytes, a list
    /// of bytes the tasks share (a signature's band keys, to be held once for all its tasks)
    /// and, for each task, the index in `shared` of the bytes it reads or `None`; it returns
    /// the list of their results' bytes, in order, each task run by [`work`] (given its
    /// shared bytes), wherever it runs. An exception `work` raises is raised.
    #[pyo3(signature = (pretty = false, work = None, tasks = 1))]
    fn finish(
        &self,
        py: Python<'_>,
        pretty: bool,
        work: Option<PyObject>,
        tasks: usize,
    ) -> PyResult<String> {
        let taken = self.inner.lock().unwrap_or_else(|e| e.into_inner()).take();
        let r = taken.ok_or_else(|| finished(py))?;
        let elsewhere = work.map(|callable| PyWorkers {
            callable,
            tasks,
            raised: std::sync::Mutex::new(None),
            shared: std::sync::Mutex::new(Vec::new()),
        });
        let bytes = py.allow_threads(|| {
            self.pool.install(|| -> reprint::Result<Vec<u8>> {
                let (report, stats) = match &elsewhere {
                    None => r.finish()?,
                    Some(w) => r.finish_on(w)?,
                };
                *self.seconds.lock().unwrap_or_else(|e| e.into_inner()) = stats.seconds;
                let mut out = Vec::new();
                Json { pretty }.print(&report, &mut out)?;
                Ok(out)
            })
        });
        let raised =
            elsewhere.and_then(|j| j.raised.into_inner().unwrap_or_else(|e| e.into_inner()));
        let bytes = match (bytes, raised) {
            (Err(_), Some(e)) => return Err(e),
            (b, _) => b.map_err(|e| library_error(py, e))?,
        };
        String::from_utf8(bytes).map_err(|e| error(py, "ReprintError", e.to_string(), &[]))
    }

    /// Wall-clock seconds of each stage `finish` ran, in stage order, as the CLI's `stages:`
    /// line on stderr names them (a stage handed to `work` counts the wait for its tasks);
    /// empty until `finish` has run.
    #[getter]
    fn seconds(&self) -> Vec<(&'static str, f64)> {
        self.seconds
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }
}

/// Stage 4's, 6's and 8's tasks handed to a Python callable (the Ray and Spark scans'): each
/// task's bytes in, its result's bytes out. The callable's exception is kept, to be raised
/// once the reducer stops.
struct PyWorkers {
    callable: PyObject,
    tasks: usize,
    raised: std::sync::Mutex<Option<PyErr>>,
    /// The bytes the stage's tasks share, as Python's: given by `share`, passed to the
    /// callable with every batch of the stage.
    shared: std::sync::Mutex<Vec<Py<PyBytes>>>,
}

impl PyWorkers {
    /// `e`, kept to be raised once the reducer stops, as the reducer's error.
    fn raised(&self, e: PyErr, stage: u8, what: &str) -> reprint::Error {
        let message = Python::with_gil(|py| e.value(py).to_string());
        *self.raised.lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
        reprint::Error::Task {
            stage,
            task: 0,
            message: format!("{what} raised: {message}"),
        }
    }
}

impl reprint::pipeline::Workers for PyWorkers {
    fn tasks(&self) -> usize {
        self.tasks
    }

    fn share(
        &self,
        stage: u8,
        shared: &mut (dyn Iterator<Item = reprint::pipeline::Shared<'_>> + Send),
    ) -> reprint::Result<()> {
        Python::with_gil(|py| -> PyResult<()> {
            let mut held = self.shared.lock().unwrap_or_else(|p| p.into_inner());
            // The stage before's let go first.
            held.clear();
            // Each written straight into its Python bytes, with the GIL released (a signature
            // takes a while): the reducer holds no copy.
            for s in shared {
                let b = PyBytes::new_with(py, s.len(), |buf| {
                    py.allow_threads(|| s.write(buf));
                    Ok(())
                })?;
                held.push(b.unbind());
            }
            Ok(())
        })
        .map_err(|e| self.raised(e, stage, "making the shared bytes"))
    }

    fn run(&self, tasks: Vec<Vec<u8>>, uses: &[Option<usize>]) -> reprint::Result<Vec<Vec<u8>>> {
        // The stage the batch is of, for the error (a batch is of one stage).
        let stage = tasks
            .first()
            .and_then(|t| reprint::tasks::stage_of(t))
            .unwrap_or(0);
        let called = Python::with_gil(|py| -> PyResult<Vec<Vec<u8>>> {
            // Each task let go once its bytes are Python's: the batch is held about once.
            let list: Vec<Bound<'_, PyBytes>> =
                tasks.into_iter().map(|t| PyBytes::new(py, &t)).collect();
            let shared: Vec<Bound<'_, PyBytes>> = self
                .shared
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .iter()
                .map(|s| s.bind(py).clone())
                .collect();
            let got = self.callable.call1(py, (list, shared, uses.to_vec()))?;
            got.bind(py).extract::<Vec<Vec<u8>>>()
        });
        called.map_err(|e| self.raised(e, stage, "the work callable"))
    }
}

/// The distributed scans' kernel for handed-out tasks ([`reprint::parts::work`]): a task's
/// bytes (stage 4's band collisions, with its signature's bytes as `shared`, stage 6's
/// reading, or stage 8's alignment), handed out by a reducer's `finish`, to its result's bytes, with the scan's
/// `options`. The GIL is released while it works.
///
/// `task` and `shared` are any objects with a buffer of bytes: `bytes`, or read-only NumPy
/// arrays that Ray's object store maps into the worker, which the task then reads where they
/// are ([`bytes_of`]; a stage-4 signature is half a gigabyte at 1M articles).
#[pyfunction]
#[pyo3(signature = (task, options, shared = None))]
fn work<'py>(
    py: Python<'py>,
    task: PyBuffer<u8>,
    options: &Bound<'py, PyDict>,
    shared: Option<PyBuffer<u8>>,
) -> PyResult<Bound<'py, PyBytes>> {
    let s = settings(py, options)?;
    let pool = pool(py, s.threads)?;
    let task = bytes_of(py, &task)?;
    let shared = shared.as_ref().map(|b| bytes_of(py, b)).transpose()?;
    let verdicts = py
        .allow_threads(|| pool.install(|| reprint::parts::work(&task, shared.as_deref(), &s.cfg)))
        .map_err(|e| library_error(py, e))?;
    Ok(PyBytes::new(py, &verdicts))
}

/// The bytes of `buffer`: where they are when its exporter keeps them from change (a
/// read-only buffer, as of `bytes` or a NumPy array that is not writeable) and they are one
/// run, else a copy (a `bytearray`, which Python code could change while the GIL is
/// released).
fn bytes_of<'b>(py: Python<'_>, buffer: &'b PyBuffer<u8>) -> PyResult<Cow<'b, [u8]>> {
    if !buffer.readonly() || !buffer.is_c_contiguous() {
        return Ok(Cow::Owned(buffer.to_vec(py)?));
    }
    if buffer.len_bytes() == 0 {
        return Ok(Cow::Borrowed(&[]));
    }
    // SAFETY: a read-only, C-contiguous buffer of `u8` holds `len_bytes` bytes from
    // `buf_ptr`, which its exporter neither changes nor frees while the view is held, and
    // `buffer` holds it for the slice's lifetime.
    Ok(Cow::Borrowed(unsafe {
        std::slice::from_raw_parts(buffer.buf_ptr() as *const u8, buffer.len_bytes())
    }))
}

/// The stage a task handed out by a reducer's `finish` is of: 4 (band collisions), 6
/// (reading), or `None` for bytes that are neither (`reprint::tasks::stage_of`, by which the
/// task kernel dispatches).
#[pyfunction]
fn task_stage(py: Python<'_>, task: PyBuffer<u8>) -> PyResult<Option<u8>> {
    Ok(reprint::tasks::stage_of(&bytes_of(py, &task)?))
}

/// The error of a reducer used after `finish`.
fn finished(py: Python<'_>) -> PyErr {
    error(py, "ReprintError", "the reducer has finished".into(), &[])
}

/// The defaults of every setting, from `Config::default()` and `Policy::default()`.
#[pyfunction]
fn defaults(py: Python<'_>) -> PyResult<Bound<'_, PyDict>> {
    let c = Config::default();
    let p = Policy::default();
    let d = PyDict::new(py);
    let usizes: BTreeMap<&str, usize> = [
        ("ngram_words", c.ngram_words),
        ("num_perms", c.num_perms),
        ("min_body_words", c.evidence.min_body_words),
        ("min_story_words", c.evidence.min_story_words),
        ("min_shared_words", c.evidence.min_shared_words),
        ("partial_words", c.evidence.partial_words),
        ("min_repeat_words", c.min_repeat_words),
        ("min_boilerplate_articles", c.min_boilerplate_articles),
        ("max_article_bytes", c.max_article_bytes),
        ("key_memory_bytes", c.key_memory_bytes),
        ("threads", 0),
        ("min_boilerplate_words", p.min_boilerplate_words),
    ]
    .into_iter()
    .collect();
    for (k, v) in usizes {
        d.set_item(k, v)?;
    }
    for (k, v) in [
        ("threshold", c.threshold),
        ("containment_threshold", c.containment_threshold),
        ("evidence_containment", c.evidence_containment),
        ("paragraph_coverage", c.evidence.paragraph_coverage),
        ("char_coverage", c.evidence.char_coverage),
        ("noisy_char_coverage", c.evidence.noisy_char_coverage),
        ("short_share", c.evidence.short_share),
        ("long_share", c.evidence.long_share),
        ("repeat_similarity", c.repeat_similarity),
        ("boilerplate_coverage", c.boilerplate_coverage),
    ] {
        d.set_item(k, v)?;
    }
    for (k, v) in [
        ("all_pairs", c.all_pairs),
        ("strict", c.strict),
        ("keep_boilerplate", p.keep_boilerplate),
    ] {
        d.set_item(k, v)?;
    }
    for (k, v) in [
        ("id_field", &c.fields.id),
        ("title_field", &c.fields.title),
        ("text_field", &c.fields.text),
        ("source_field", &c.fields.source),
        ("date_field", &c.fields.date),
    ] {
        d.set_item(k, v)?;
    }
    d.set_item(
        "keep",
        match p.keep {
            Keep::Canonical => "canonical",
            Keep::All => "all",
            Keep::Longest => "longest",
        },
    )?;
    Ok(d)
}

#[pymodule]
fn _reprint(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(scan, m)?)?;
    m.add_function(wrap_pyfunction!(clean, m)?)?;
    m.add_function(wrap_pyfunction!(defaults, m)?)?;
    m.add_function(wrap_pyfunction!(map_jsonl, m)?)?;
    m.add_function(wrap_pyfunction!(map_records, m)?)?;
    m.add_function(wrap_pyfunction!(map_parquet, m)?)?;
    m.add_function(wrap_pyfunction!(parquet_row_groups, m)?)?;
    m.add_function(wrap_pyfunction!(input_files, m)?)?;
    m.add_function(wrap_pyfunction!(file_kind, m)?)?;
    m.add_function(wrap_pyfunction!(scan_parts, m)?)?;
    m.add_function(wrap_pyfunction!(work, m)?)?;
    m.add_function(wrap_pyfunction!(task_stage, m)?)?;
    m.add_class::<NativeReport>()?;
    m.add_class::<Reducer>()?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
