//! AFL++ target `compressed`: see [`reprint_fuzz::Target::Compressed`] for what the input is.

fn main() {
    afl::fuzz!(|data: &[u8]| {
        reprint_fuzz::check(reprint_fuzz::Target::Compressed, data);
    });
}
