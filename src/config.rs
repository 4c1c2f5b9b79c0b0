//! [`Config`]: every knob of a scan, with its meaning, unit and default. No CLI types here;
//! the binary builds a `Config` from its flags (a flag is the kebab-case form of a field;
//! `--key-memory`, in MiB, is the one flag whose unit differs from its field's, and the
//! binary converts it in one place).

use crate::error::{Error, Result};

/// Which JSON fields hold the parts of an article (JSONL input only).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldNames {
    /// Field with the article id (string or number). Default `id`; when missing the id is
    /// `file:line`.
    pub id: String,
    /// Field with the headline. Default `title`; optional.
    pub title: String,
    /// Field with the body text. Default `text`; required.
    pub text: String,
    /// Field with the outlet name. Default `source`; optional.
    pub source: String,
    /// Field with the publication date, compared as text (ISO 8601 sorts correctly).
    /// Default `date`; optional.
    pub date: String,
}

impl Default for FieldNames {
    fn default() -> Self {
        FieldNames {
            id: "id".into(),
            title: "title".into(),
            text: "text".into(),
            source: "source".into(),
            date: "date".into(),
        }
    }
}

/// How input files are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum InputFormat {
    /// Chosen per input from its name without a `.gz`/`.zst` extension: `.jsonl`, `.ndjson`
    /// and `.json` are JSONL, `.rss`, `.atom` and `.xml` are feeds, `.txt` is text,
    /// `.parquet` is Parquet. Any other name, and stdin, is sniffed: Parquet when it starts
    /// with `PAR1`, JSONL when the first non-blank byte is `{`, a feed when the first element
    /// is `<rss>` or `<feed>`, else one text article.
    #[default]
    Auto,
    /// Every input is JSONL, one article per line.
    Jsonl,
    /// Every input file is one plain-text article.
    Text,
    /// Every input is an RSS (0.9x, 1.0, 2.0) or Atom feed; which one is read from its root
    /// element.
    Feed,
    /// Every input is a Parquet file, one article per row, its columns named by
    /// [`FieldNames`] (needs the `parquet` cargo feature; without it such an input is an
    /// error).
    Parquet,
}

/// All parameters of a scan, and the one place their defaults are written:
/// `Config::default()` is what `reprint scan` uses without flags. The binary's flag defaults
/// are read from it (a test checks that `reprint scan` without flags builds exactly
/// `Config::default()`), and the report's [`Params`](crate::report::Params) are built from it.
///
/// Grouped by concern: detection (`ngram_words` … `evidence_containment`), the evidence rule
/// (`evidence`, one [`crate::evidence::Rule`], which the stage takes as it is), repeats and
/// boilerplate, what the report lists (`all_pairs`), and input (`max_article_bytes` …
/// `strict`). Ratios are plain numbers in the range each field states; counts name their
/// unit; sizes are bytes and say so in their name.
///
/// ```
/// use reprint::Config;
///
/// let cfg = Config { threshold: 0.4, ..Config::default() };
/// assert!(cfg.validate().is_ok());
/// let bad = Config { threshold: 1.5, ..Config::default() };
/// assert_eq!(
///     bad.validate().unwrap_err().to_string(),
///     "invalid --threshold: 1.5 is not in (0, 1]"
/// );
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Config {
    /// Words per shingle (word n-gram length) for reprint detection and span alignment. Unit:
    /// words. Default 5: long enough that
    /// two unrelated news stories share almost no shingles (on news-story-chains-2021 every
    /// unrelated pair has 5-gram Jaccard <= 0.017), short enough that one changed word
    /// destroys only five shingles.
    pub ngram_words: usize,
    /// MinHash signature length. Unit: hash values (permutations) per signature. Default 128.
    pub num_perms: usize,
    /// Word-shingle Jaccard (0..1] at which a candidate pair passes the verify gate
    /// ([`crate::verify::Rule`]; a pair reaching `evidence_containment` passes too). The LSH
    /// bands aim at 0.6 times the smaller of this and the Jaccard of a copy trimmed to
    /// `containment_threshold` ([`crate::lsh::Params::for_scan`]), so at the defaults they
    /// follow the trimmed copy and a higher threshold does not narrow the candidates. A
    /// ratio; default 0.5.
    pub threshold: f64,
    /// Containment |A∩B| / min(|A|,|B|) (0..1] of a copy trimmed to a third of its story that
    /// the LSH bands still aim to find. A ratio; default 0.6.
    pub containment_threshold: f64,
    /// Word-shingle containment (0..1] from which a candidate pair gets passage evidence
    /// ([`crate::evidence`]); below it a pair is dropped unless a noise-robust signature found
    /// it. A ratio; default 0.25: reprints with heavy page furniture sit at 0.4-0.6 on a real
    /// feed.
    pub evidence_containment: f64,
    /// The passage-evidence rule: what makes a gated pair a reprint, partial reuse or
    /// nothing ([`crate::evidence`]). Default: [`Rule::default`](crate::evidence::Rule).
    pub evidence: crate::evidence::Rule,
    /// Words a repeated run inside one article needs before it is reported. Unit: words.
    /// Default 6: a
    /// headline repeated as the first paragraph (usually 6-15 words) is found; "Advertisement"
    /// or "Share this story" is not.
    pub min_repeat_words: usize,
    /// Token-level similarity (longest common subsequence / longer length) from which two
    /// paragraphs of one article are near-exact repeats. A ratio (0..1]; default 0.8: one
    /// changed word in five (4 of 5 words in common, in order).
    pub repeat_similarity: f64,
    /// Articles a paragraph must appear in before it can be boilerplate. Unit: articles
    /// (at least 2). Default 5.
    pub min_boilerplate_articles: usize,
    /// A frequent paragraph is boilerplate when the block of paragraphs that travels with it
    /// covers less than this share (0..1) of the words of a typical article carrying it; a
    /// reprinted wire paragraph travels with the rest of its story and covers more. A ratio;
    /// default 0.5.
    pub boilerplate_coverage: f64,
    /// List every verified pair in the report. By default a pair of two members of one
    /// cluster, neither its canonical, is left out: each is a verified reprint of the
    /// canonical, whose pair with it is listed. Such pairs are most of the verified pairs of a
    /// big cluster (a cluster of n has n(n-1)/2 of them), and aligning them was most of the
    /// run time. Default false; `reprint eval` turns it on to score the verified pairs.
    pub all_pairs: bool,
    /// Whether exact copies ([`crate::copies`]) are set aside from stage 4's bands and given
    /// their class head's pairs. Default true. False runs every copy through the bands as
    /// any article, which pairs each with up to [`crate::lsh::MAX_BUCKET`] others; the report
    /// is then the same but for the pairs of two copies of one article (listed with
    /// `all_pairs`, and counted in the summary's reprint pairs). Not a flag of the binary:
    /// it is there to measure and test what setting copies aside changes.
    pub copy_classes: bool,
    /// Largest article that is analysed; a larger one is skipped with a warning. Unit: bytes
    /// of UTF-8 text (the flag `--max-article-bytes` takes bytes too). Default 16 MiB
    /// (16,777,216); at most `u32::MAX` (offsets in an article are 32-bit).
    pub max_article_bytes: usize,
    /// Most per-article shingle keys held in memory between the stages that make and use
    /// them. Unit: bytes (about 4 per word of input); the flag `--key-memory` takes MiB and is
    /// converted once, by the binary. A run with more moves them to a
    /// temporary file in `TMPDIR` ([`crate::spill`]) and reads them back when needed: same
    /// report, a little more time, and a peak memory that no longer grows with 4 bytes per
    /// word. 0 always uses the file. Default 256 MiB (268,435,456 bytes: a feed of about
    /// 400 MB of text stays in memory).
    pub key_memory_bytes: usize,
    /// JSONL field names (`--id-field`, `--title-field`, …). Default: [`FieldNames::default`].
    pub fields: FieldNames,
    /// How inputs are read (`--input-format`). Default [`InputFormat::Auto`].
    pub input_format: InputFormat,
    /// Make the first input warning a fatal error ([`Error::Strict`]). Default false.
    pub strict: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            ngram_words: 5,
            num_perms: 128,
            threshold: 0.5,
            containment_threshold: 0.6,
            evidence_containment: 0.25,
            evidence: crate::evidence::Rule::default(),
            min_repeat_words: 6,
            repeat_similarity: 0.8,
            min_boilerplate_articles: 5,
            boilerplate_coverage: 0.5,
            all_pairs: false,
            copy_classes: true,
            max_article_bytes: 16 << 20,
            key_memory_bytes: 256 << 20,
            fields: FieldNames::default(),
            input_format: InputFormat::Auto,
            strict: false,
        }
    }
}

impl Config {
    /// The gate of stage 5 ([`crate::verify::Rule`]) these thresholds make.
    pub fn gate(&self) -> crate::verify::Rule {
        crate::verify::Rule {
            threshold: self.threshold,
            evidence_containment: self.evidence_containment,
        }
    }

    /// Checks every field's range; the message quotes the bad value.
    pub fn validate(&self) -> Result<()> {
        fn bad(name: &'static str, message: String) -> Result<()> {
            Err(Error::Config { name, message })
        }
        if !(1..=64).contains(&self.ngram_words) {
            return bad(
                "ngram-words",
                format!("{} is not in 1..=64", self.ngram_words),
            );
        }
        if !(2..=1024).contains(&self.num_perms) {
            return bad(
                "num-perms",
                format!("{} is not in 2..=1024", self.num_perms),
            );
        }
        for (name, v) in [
            ("threshold", self.threshold),
            ("containment-threshold", self.containment_threshold),
            ("evidence-containment", self.evidence_containment),
            ("paragraph-coverage", self.evidence.paragraph_coverage),
            ("char-coverage", self.evidence.char_coverage),
            ("noisy-char-coverage", self.evidence.noisy_char_coverage),
            ("long-share", self.evidence.long_share),
            ("repeat-similarity", self.repeat_similarity),
            ("boilerplate-coverage", self.boilerplate_coverage),
        ] {
            if !(v > 0.0 && v <= 1.0) {
                return bad(
                    name,
                    format!("{} is not in (0, 1]", crate::error::number(v)),
                );
            }
        }
        if !(0.0..1.0).contains(&self.evidence.short_share) {
            return bad(
                "short-share",
                format!("{} is not in [0, 1)", self.evidence.short_share),
            );
        }
        if self.min_boilerplate_articles < 2 {
            return bad(
                "min-boilerplate-articles",
                format!("{} is below 2", self.min_boilerplate_articles),
            );
        }
        if self.max_article_bytes == 0 {
            return bad("max-article-bytes", "0 would skip every article".into());
        }
        // Token and paragraph offsets are 32-bit.
        if self.max_article_bytes > u32::MAX as usize {
            return bad(
                "max-article-bytes",
                format!("{} is above 4 GiB - 1 (4294967295)", self.max_article_bytes),
            );
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validate_names_the_flag_and_quotes_the_value() {
        assert!(Config::default().validate().is_ok());
        let cases: [(Config, &str, &str); 4] = [
            (
                Config {
                    ngram_words: 0,
                    ..Config::default()
                },
                "ngram-words",
                "0 is not in 1..=64",
            ),
            (
                Config {
                    threshold: 1.5,
                    ..Config::default()
                },
                "threshold",
                "1.5",
            ),
            (
                Config {
                    max_article_bytes: 0,
                    ..Config::default()
                },
                "max-article-bytes",
                "skip every article",
            ),
            (
                Config {
                    max_article_bytes: u32::MAX as usize + 1,
                    ..Config::default()
                },
                "max-article-bytes",
                "4294967296 is above 4 GiB",
            ),
        ];
        for (cfg, flag, quoted) in cases {
            let err = cfg.validate().unwrap_err().to_string();
            assert!(
                err.contains(&format!("--{flag}")) && err.contains(quoted),
                "{err}"
            );
        }
        assert!(Config {
            max_article_bytes: u32::MAX as usize,
            ..Config::default()
        }
        .validate()
        .is_ok());
    }
}
