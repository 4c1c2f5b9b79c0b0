//! AFL++ target `jsonl`: see [`reprint_fuzz::Target::Jsonl`] for what the input is.

fn main() {
    afl::fuzz!(|data: &[u8]| {
        reprint_fuzz::check(reprint_fuzz::Target::Jsonl, data);
    });
}
