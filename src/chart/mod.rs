//! A live terminal chart of each device's humidity, for `soilctl tail --chart`.
//!
//! `state` keeps the recent points (pure), `render` draws them into a ratatui buffer (pure),
//! `palette` picks each device's colour or mark, and `terminal` owns the screen while the
//! chart runs.

mod palette;
mod render;
mod state;
mod terminal;

use std::time::Duration;

pub use render::render;
pub use state::{ChartState, MAX_VISIBLE, Series};
pub use terminal::run;

/// How much history the live chart shows.
pub const DEFAULT_WINDOW: Duration = Duration::from_secs(120);

/// One humidity reading of one device, as fed to [`run`].
#[derive(Debug, Clone, PartialEq)]
pub struct Point {
    /// The device (thing) name.
    pub device: String,
    /// When the reading was taken or received, in milliseconds since the Unix epoch.
    pub time_ms: u64,
    /// Humidity in percent.
    pub humidity: f64,
}
