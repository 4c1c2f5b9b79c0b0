//! Synthetic syndicated feeds with ground truth (being written; see issue 3).
