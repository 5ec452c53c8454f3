//! How devices are told apart: a colour each, or a mark each when colour is off (NO_COLOR).

use ratatui::style::Color;
use ratatui::symbols::Marker;

/// Line colours, one per visible slot; red is kept for the threshold and alerts.
const COLORS: [Color; 12] = [
    Color::Cyan,
    Color::Green,
    Color::Yellow,
    Color::Magenta,
    Color::Blue,
    Color::LightCyan,
    Color::LightGreen,
    Color::LightYellow,
    Color::LightMagenta,
    Color::LightBlue,
    Color::White,
    Color::Gray,
];

/// Monochrome marks, one per visible slot; '-' is kept for the threshold.
const MARKS: [char; 12] = ['*', '+', 'o', 'x', '#', '@', '%', '&', '=', '~', '^', '$'];

/// The number of distinct slots.
pub(crate) const SLOTS: usize = COLORS.len();

/// The colour of a slot.
pub(crate) fn color(slot: usize) -> Color {
    COLORS[slot % SLOTS]
}

/// The monochrome mark of a slot.
pub(crate) fn mark(slot: usize) -> char {
    MARKS[slot % SLOTS]
}

/// The marker a device's line is drawn with.
pub(crate) fn marker(slot: usize, color: bool) -> Marker {
    if color {
        Marker::Braille
    } else {
        Marker::Custom(mark(slot))
    }
}

/// The colour of the threshold line and of under-threshold marks.
pub(crate) const ALERT: Color = Color::Red;

/// The monochrome mark of the threshold line.
pub(crate) const THRESHOLD_MARK: char = '-';

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_distinct() {
        for a in 0..SLOTS {
            for b in (a + 1)..SLOTS {
                assert_ne!(color(a), color(b));
                assert_ne!(mark(a), mark(b));
            }
            assert_ne!(color(a), ALERT);
            assert_ne!(mark(a), THRESHOLD_MARK);
        }
    }
}
