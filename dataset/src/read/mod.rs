//! Reading a committed dataset back: its summary ([`stats`], `newsprint stats`) and the
//! data of its report page ([`report`]).

pub mod report;
pub mod stats;
