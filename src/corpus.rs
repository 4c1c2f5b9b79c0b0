//! Articles as read from the input, before any analysis.

use std::sync::Arc;

/// Index of an article in its [`Corpus`], in input order. A newtype so it cannot be mixed up
/// with paragraph or token indices.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ArticleId(pub u32);

impl ArticleId {
    /// The index as `usize`, for slicing.
    #[inline]
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// Where an article came from: its file and 1-based line (line 1 for a whole text file).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// The input path as the user named it (`-` for stdin).
    pub file: Arc<str>,
    /// 1-based line of the JSONL record; 1 for a text file.
    pub line: u64,
}

/// One news article.
#[derive(Clone, Debug)]
pub struct Article {
    /// Unique id: the JSONL `id` field, `file:line` when it has none, or the path of a text
    /// file. Made unique (with a `#2` suffix and a warning) when the input repeats one.
    pub id: String,
    /// Headline (empty when unknown).
    pub title: String,
    /// Body text. All byte offsets in a report point into this string.
    pub text: String,
    /// Outlet name (empty when unknown).
    pub source: String,
    /// Publication date as given (empty when unknown); compared as text.
    pub date: String,
    /// Where it was read.
    pub origin: Origin,
}

/// The articles of one run, in input order.
#[derive(Clone, Debug, Default)]
pub struct Corpus {
    pub articles: Vec<Article>,
}

impl Corpus {
    /// Number of articles.
    pub fn len(&self) -> usize {
        self.articles.len()
    }

    /// True when there are no articles.
    pub fn is_empty(&self) -> bool {
        self.articles.is_empty()
    }

    /// The article with this id.
    pub fn get(&self, id: ArticleId) -> &Article {
        &self.articles[id.index()]
    }
}
