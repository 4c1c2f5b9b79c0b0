//! AFL++ target `stdin`: see [`reprint_fuzz::Target::Stdin`] for what the input is.

fn main() {
    afl::fuzz!(|data: &[u8]| {
        reprint_fuzz::check(reprint_fuzz::Target::Stdin, data);
    });
}
