//! AFL++ target `scan`: see [`reprint_fuzz::Target::Scan`] for what the input is.

fn main() {
    afl::fuzz!(|data: &[u8]| {
        reprint_fuzz::check(reprint_fuzz::Target::Scan, data);
    });
}
