//! A dataset in object storage: publishing a folder's commits to a store under the store's
//! conditional writes ([`publish`]), doing so behind the writer on a thread of its own
//! ([`publish_behind`]), and copying a committed dataset out of a store ([`remote`]).

pub mod keys;
pub mod publish;
pub mod publish_behind;
pub mod remote;
mod upload;
