//! Replays the fuzz corpora without a fuzzer (issue 17): every seed under `fuzz/corpus/TARGET/`
//! and every input a fuzzer once crashed on, under `fuzz/regressions/TARGET/`, goes through the
//! same checks the AFL targets run (`fuzz/src/check.rs`, included here by path so both use one
//! copy). A regression input is named after what it broke.

#[path = "../fuzz/src/check.rs"]
mod check;

use std::path::Path;

/// Runs `check` on every file under `dir/TARGET/`; returns how many inputs it ran.
fn replay(dir: &str) -> usize {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut runs = 0;
    let mut targets: Vec<_> = std::fs::read_dir(&root)
        .unwrap_or_else(|e| panic!("{}: {e}", root.display()))
        .map(|e| e.unwrap().path())
        .collect();
    targets.sort();
    for t in targets {
        let name = t.file_name().unwrap().to_str().unwrap();
        let target = check::Target::from_name(name)
            .unwrap_or_else(|| panic!("{}: not a fuzz target", t.display()));
        let mut inputs: Vec<_> = std::fs::read_dir(&t)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| !p.file_name().unwrap().to_string_lossy().starts_with('.'))
            .collect();
        inputs.sort();
        for input in inputs {
            let data = std::fs::read(&input).unwrap();
            let run = std::panic::catch_unwind(|| check::check(target, &data));
            assert!(
                run.is_ok(),
                "{}: an invariant failed (see above)",
                input.display()
            );
            runs += 1;
        }
    }
    runs
}

#[test]
fn seed_corpora_pass_the_fuzz_checks() {
    // Every target has seeds.
    assert!(replay("fuzz/corpus") >= 6 * 5);
}

#[test]
fn fuzz_regressions_pass_the_fuzz_checks() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    if dir.exists() {
        replay("fuzz/regressions");
    }
}
