//! Simulated soil-moisture sensors: the JSON payload they publish and a humidity model that
//! drifts, dries, gets watered and now and then dips under the alert threshold. Pure: no I/O,
//! no clock; the caller supplies time.

mod fleet;
mod model;
mod payload;

pub use fleet::Fleet;
pub use model::{Model, SOIL_TIME_SCALE};
pub use payload::{Reading, iso_utc};
