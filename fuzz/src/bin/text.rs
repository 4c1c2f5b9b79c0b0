//! AFL++ target `text`: see [`reprint_fuzz::Target::Text`] for what the input is.

fn main() {
    afl::fuzz!(|data: &[u8]| {
        reprint_fuzz::check(reprint_fuzz::Target::Text, data);
    });
}
