//! End-to-end tests: run the `newsprint` binary on `data/` and on pages built from it, and
//! read the Parquet back. One test binary, a module a concern.

mod cli;
mod contract;
mod corpus;
mod incremental;
mod inputs;
mod kills;
mod object_storage;
mod quality;
mod reliability;
mod shards;
mod util;
