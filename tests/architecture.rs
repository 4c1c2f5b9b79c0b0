//! The module layout ARCHITECTURE.md promises, checked on the source: no import cycle between
//! the library's modules, and no detection stage that imports storage, input or output.
//!
//! A module is a top-level file or folder of `src/` (`report/text.rs` belongs to `report`).
//! It depends on another when its code, outside comments and `#[cfg(test)]` items, names
//! `crate::other` (in a path or a `use crate::{…}` list).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// The detection stages: text in, findings out. They may use each other, `config`, `error`
/// and `hash`, never where texts come from or where findings go.
const STAGES: &[&str] = &[
    "segment",
    "normalize",
    "hash",
    "shingle",
    "repeats",
    "boilerplate",
    "minhash",
    "lsh",
    "verify",
    "evidence",
    "figures",
    "noise",
    "cluster",
    "align",
];

/// Storage, input, output and orchestration, which no stage may import.
const OUTSIDE: &[&str] = &[
    "corpus",
    "input",
    "spill",
    "report",
    "pipeline",
    "parts",
    "tasks",
    "wire",
    "clean",
    "progress",
    "diagnostics",
    "json_string",
    "eval",
    "synth",
];

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// `src` without comments, string and character literals, and `#[cfg(test)]` items.
fn code_of(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            i += 2;
            while i < b.len() && !b[i..].starts_with(b"*/") {
                i += 1;
            }
            i += 2;
        } else if b[i] == b'"' || (b[i] == b'r' && matches!(b.get(i + 1), Some(b'"' | b'#'))) {
            i = skip_string(b, i);
            out.push_str("\"\"");
        } else if b[i] == b'\'' && b.get(i + 1) == Some(&b'\\') {
            i += 2;
            while i < b.len() && b[i] != b'\'' {
                i += 1;
            }
            i += 1;
        } else if b[i] == b'\'' && b.get(i + 2) == Some(&b'\'') {
            i += 3;
        } else if b[i..].starts_with(b"#[cfg(test)]") {
            i = skip_item(b, i + "#[cfg(test)]".len());
        } else {
            let ch = src[i..].chars().next().unwrap();
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

/// Past the string literal starting at `i` (plain, or raw with any number of `#`).
fn skip_string(b: &[u8], mut i: usize) -> usize {
    if b[i] == b'r' {
        i += 1;
        let hashes = b[i..].iter().take_while(|&&c| c == b'#').count();
        i += hashes + 1;
        let mut close = vec![b'"'];
        close.extend(std::iter::repeat_n(b'#', hashes));
        while i < b.len() && !b[i..].starts_with(&close) {
            i += 1;
        }
        return i + close.len();
    }
    i += 1;
    while i < b.len() && b[i] != b'"' {
        i += if b[i] == b'\\' { 2 } else { 1 };
    }
    i + 1
}

/// Past the item after an attribute: to its `;`, or to the brace closing its body.
fn skip_item(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i] != b'{' && b[i] != b';' {
        i += 1;
    }
    if i >= b.len() || b[i] == b';' {
        return i + 1;
    }
    let mut depth = 0;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i = skip_string(b, i);
                continue;
            }
            b'\'' if b.get(i + 2) == Some(&b'\'') => i += 2,
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    i
}

/// The top-level modules `code` names through `crate::`.
fn crate_refs(code: &str) -> BTreeSet<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut refs = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(list) = rest.strip_prefix('{') {
            // `use crate::{a, b::{c, d}, e}`: the first name of each top-level entry.
            let mut depth = 0;
            let mut start = true;
            for (k, c) in list.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    c if start && !c.is_whitespace() => {
                        start = false;
                        refs.insert(ident(&list[k..]));
                    }
                    _ => {}
                }
            }
        } else {
            refs.insert(ident(rest));
        }
    }
    refs
}

/// Each module's dependencies on the other modules.
fn graph() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut deps: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in &files {
        let rel = f.strip_prefix(&src).unwrap();
        let first = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_str()
            .unwrap();
        let module = first.trim_end_matches(".rs").to_string();
        if module == "lib" || module == "main" || module == "cli" {
            continue;
        }
        let code = code_of(&std::fs::read_to_string(f).unwrap());
        let entry = deps.entry(module.clone()).or_default();
        for r in crate_refs(&code) {
            if r != module && !r.is_empty() {
                entry.insert(r);
            }
        }
    }
    deps
}

/// A cycle through `from`, if any (depth-first, in name order).
fn cycle(deps: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        m: &str,
        deps: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(k) = path.iter().position(|p| p == m) {
            let mut c = path[k..].to_vec();
            c.push(m.to_string());
            return Some(c);
        }
        if done.contains(m) {
            return None;
        }
        path.push(m.to_string());
        for d in deps.get(m).into_iter().flatten() {
            if let Some(c) = visit(d, deps, path, done) {
                return Some(c);
            }
        }
        path.pop();
        done.insert(m.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for m in deps.keys() {
        if let Some(c) = visit(m, deps, &mut Vec::new(), &mut done) {
            return Some(c);
        }
    }
    None
}

#[test]
fn no_module_imports_its_way_back_to_itself() {
    let deps = graph();
    // The reader sees its modules: the check is not vacuous.
    for m in STAGES.iter().chain(OUTSIDE) {
        assert!(deps.contains_key(*m), "module {m} not found in src/");
    }
    assert!(deps["pipeline"].contains("verify") && deps["input"].contains("corpus"));
    if let Some(c) = cycle(&deps) {
        panic!("import cycle: {}", c.join(" → "));
    }
}

#[test]
fn detection_stages_import_no_storage_input_or_output() {
    let deps = graph();
    let mut bad = Vec::new();
    for stage in STAGES {
        for d in &deps[*stage] {
            if OUTSIDE.contains(&d.as_str()) {
                bad.push(format!("{stage} → {d}"));
            }
        }
    }
    assert!(bad.is_empty(), "stage code imports: {}", bad.join(", "));
}

#[test]
fn the_reader_finds_what_the_rules_are_about() {
    // The parser itself, on code shaped like ours.
    let code = code_of(
        "use crate::{corpus::Corpus, hash::{a, b}, spill};\n\
         // crate::report in a comment\n\
         let s = \"crate::input in a string\";\n\
         let c = '{';\n\
         fn f() -> crate::error::Result<()> { Ok(()) }\n\
         #[cfg(test)]\n\
         mod tests { use crate::synth; fn g() { let x = \"}\"; } }\n\
         fn h(x: &crate::verify::Rule) {}\n",
    );
    let refs: Vec<String> = crate_refs(&code).into_iter().collect();
    assert_eq!(refs, ["corpus", "error", "hash", "spill", "verify"]);
    let mut deps: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    deps.entry("a".into()).or_default().insert("b".into());
    deps.entry("b".into()).or_default().insert("c".into());
    deps.entry("c".into()).or_default();
    assert_eq!(cycle(&deps), None);
    deps.get_mut("c").unwrap().insert("a".into());
    assert_eq!(cycle(&deps).unwrap(), ["a", "b", "c", "a"]);
}
