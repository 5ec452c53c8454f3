//! Progress bars and spinners on stderr, through indicatif, only where a person watches.
//!
//! Without a terminal (or with -q or --output json) the same calls become plain lines on
//! stderr (or nothing), so logs stay readable and stdout never sees a bar.

use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use crate::printer::Printer;

pub struct Progress {
    bar: Option<ProgressBar>,
    printer: Printer,
}

impl Progress {
    /// A bar counting `total` steps.
    pub fn bar(printer: &Printer, total: u64, message: &str) -> Self {
        Progress::start(
            printer,
            || ProgressBar::new(total),
            "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} {wide_msg}",
            message,
        )
    }

    /// A spinner for a step of unknown length.
    pub fn spinner(printer: &Printer, message: &str) -> Self {
        Progress::start(
            printer,
            ProgressBar::new_spinner,
            "{spinner} [{elapsed_precise}] {wide_msg}",
            message,
        )
    }

    fn start(
        printer: &Printer,
        make: impl FnOnce() -> ProgressBar,
        template: &str,
        message: &str,
    ) -> Self {
        let bar = printer.progress_enabled().then(|| {
            let bar = make();
            bar.set_style(
                ProgressStyle::with_template(template)
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            );
            bar.set_message(message.to_string());
            bar.enable_steady_tick(Duration::from_millis(120));
            bar
        });
        Progress {
            bar,
            printer: printer.clone(),
        }
    }

    pub fn set_position(&self, position: u64) {
        if let Some(bar) = &self.bar {
            bar.set_position(position);
        }
    }

    pub fn inc(&self, delta: u64) {
        if let Some(bar) = &self.bar {
            bar.inc(delta);
        }
    }

    pub fn set_length(&self, length: u64) {
        if let Some(bar) = &self.bar {
            bar.set_length(length);
        }
    }

    pub fn set_message(&self, message: impl Into<String>) {
        if let Some(bar) = &self.bar {
            bar.set_message(message.into());
        }
    }

    /// A line that stays: above the bar on a terminal, a plain stderr line elsewhere.
    pub fn println(&self, line: impl AsRef<str>) {
        match &self.bar {
            Some(bar) => bar.println(line.as_ref()),
            None => self.printer.info(line),
        }
    }

    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Drop for Progress {
    fn drop(&mut self) {
        self.finish();
    }
}
