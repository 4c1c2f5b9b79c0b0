//! AFL++ target `feed`: see [`reprint_fuzz::Target::Feed`] for what the input is.

fn main() {
    afl::fuzz!(|data: &[u8]| {
        reprint_fuzz::check(reprint_fuzz::Target::Feed, data);
    });
}
