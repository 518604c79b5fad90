//! The corpus tier: what newsprint learns from a whole run rather than from one page.
//!
//! Pure functions and types, no I/O and no threads of their own, each kind of corpus
//! knowledge built from per-page inputs and, where a run is split, joined again:
//! - [`neardup`]: per-article MinHash sketches, and the search over a corpus's sketches for
//!   articles printed again elsewhere (re-wrapped, re-scanned, abridged);
//! - [`furniture`]: counting the candidate furniture lines of every page
//!   (`clean::furniture::line_keys`) and keeping those that recur beside different text as
//!   the run's [`furniture::FurnitureSet`], which `clean` takes out of each page;
//! - [`summary`]: the summary tables merged from per-segment partials ([`summary::Totals`]).
//!
//! `aggregate` runs the near-duplicate search and the summaries over a dataset's committed
//! parts; the binary runs the furniture pass before cleaning.

pub mod furniture;
pub mod neardup;
pub mod summary;
