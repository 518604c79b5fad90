//! Ctrl-C and SIGTERM: the first asks a run to stop between batches, committing what it has
//! done, so that running the same command again goes on from there; a second stops the
//! process at once (what was committed stays, as after a kill).

use std::sync::atomic::{AtomicBool, Ordering};

static ASKED: AtomicBool = AtomicBool::new(false);
/// The run has read its inputs and is committing (and running the corpus step): an
/// interrupt then lets it finish.
static COMMITTING: AtomicBool = AtomicBool::new(false);

/// Says that the run is past its last batch and committing.
pub fn committing() {
    COMMITTING.store(true, Ordering::SeqCst);
}

/// Installs the handler (once a process; a failure to install leaves the default, which
/// kills the process: still safe, only less polite).
pub fn install() {
    let installed = ctrlc::set_handler(|| {
        if ASKED.swap(true, Ordering::SeqCst) {
            eprintln!("\nnewsprint: stopped at once; what was committed stays in the dataset");
            std::process::exit(EXIT_CODE.into());
        }
        if COMMITTING.load(Ordering::SeqCst) {
            eprintln!(
                "\nnewsprint: every input is read; the run finishes its commit and the corpus \
                 step first (interrupt again to stop at once: committed rows stay)"
            );
        } else {
            eprintln!(
                "\nnewsprint: stopping after the batch under way and committing what is done \
                 (interrupt again to stop at once)"
            );
        }
    });
    if let Err(e) = installed {
        tracing::debug!(error = %e, "no interrupt handler");
    }
}

/// Whether the user asked the run to stop.
pub fn asked() -> bool {
    ASKED.load(Ordering::Relaxed)
}

/// The exit code of a stopped run: the shell's for a process ended by SIGINT.
pub const EXIT_CODE: u8 = 130;

/// The error that unwinds a run the user stopped, told apart from failures by
/// [`anyhow::Error::is`].
#[derive(Debug)]
pub struct Stopped;

impl std::fmt::Display for Stopped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("stopped by the user")
    }
}

impl std::error::Error for Stopped {}
