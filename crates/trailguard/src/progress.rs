//! The progress bar on stderr, hidden when stderr is not a terminal or under `--quiet`.

use std::io::IsTerminal;

use cloudtrail::Input;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A byte-based progress bar over a run's inputs.
pub(crate) struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// A bar sized to the inputs' total size.
    pub(crate) fn new(inputs: &[Input], quiet: bool) -> Self {
        let total: u64 = inputs.iter().filter_map(Input::size_hint).sum();
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        if quiet || !std::io::stderr().is_terminal() {
            bar.set_draw_target(ProgressDrawTarget::hidden());
        }
        if let Ok(style) = ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {wide_bar} {bytes}/{total_bytes} ({bytes_per_sec})",
        ) {
            bar.set_style(style);
        }
        Self { bar }
    }

    /// Marks `bytes` more as done.
    pub(crate) fn advance(&self, bytes: u64) {
        self.bar.inc(bytes);
    }

    /// Removes the bar.
    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
