//! Draws a [`ChartState`] into a ratatui buffer: one line per device over the last window
//! (x = seconds ago, y = 0-100 %), the threshold as a horizontal line, and a legend listing
//! each device with its latest value, `!` marking those under the threshold.

use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Axis, Block, Chart, Dataset, GraphType, Paragraph, Widget};

use super::palette;
use super::state::{ChartState, Series};

/// The chart area keeps at least this many columns before the legend is given room.
const MIN_CHART_WIDTH: u16 = 30;

/// Draws `state` as seen at `now_ms` into `area` of `buf`.
pub fn render(state: &ChartState, now_ms: u64, area: Rect, buf: &mut Buffer) {
    let visible = state.visible();
    let outer = Block::bordered()
        .title(title(state))
        .title_bottom(Line::from(" q quit ").right_aligned());
    let inner = outer.inner(area);
    outer.render(area, buf);

    let legend = legend_lines(state, &visible);
    let legend_width = legend
        .iter()
        .map(Line::width)
        .max()
        .unwrap_or(0)
        .saturating_add(4);
    let legend_width = u16::try_from(legend_width).unwrap_or(u16::MAX);
    let (chart_area, legend_area) = if inner.width >= legend_width.saturating_add(MIN_CHART_WIDTH) {
        let [chart, legend] = Layout::horizontal([
            Constraint::Min(MIN_CHART_WIDTH),
            Constraint::Length(legend_width),
        ])
        .areas(inner);
        (chart, Some(legend))
    } else {
        (inner, None)
    };

    draw_chart(state, &visible, now_ms, chart_area, buf);
    if let Some(legend_area) = legend_area {
        let height = u16::try_from(legend.len().saturating_add(2)).unwrap_or(u16::MAX);
        let [legend_area] = Layout::vertical([Constraint::Max(height)]).areas(legend_area);
        Paragraph::new(legend)
            .block(Block::bordered().title(" devices "))
            .render(legend_area, buf);
    }
}

/// "soil humidity · 5 devices · 2 under 35 · last 120 s", with the count of hidden devices.
fn title(state: &ChartState) -> String {
    let devices = state.device_count();
    let mut title = format!(
        " soil humidity · {devices} device{} · {} under {} · last {} s ",
        if devices == 1 { "" } else { "s" },
        state.under_count(),
        number(state.threshold()),
        state.window().as_secs()
    );
    let hidden = state.hidden_count();
    if hidden > 0 {
        title.push_str(&format!("· {hidden} more not shown "));
    }
    title
}

fn draw_chart(state: &ChartState, visible: &[&Series], now_ms: u64, area: Rect, buf: &mut Buffer) {
    let color = state.color();
    let window_s = state.window().as_secs_f64();
    let threshold = state.threshold().clamp(0.0, 100.0);
    let threshold_line = [(-window_s, threshold), (0.0, threshold)];
    let data: Vec<Vec<(f64, f64)>> = visible
        .iter()
        .map(|series| {
            series
                .points()
                .map(|(t, h)| (seconds_ago(t, now_ms), h.clamp(0.0, 100.0)))
                .filter(|(x, _)| *x >= -window_s)
                .collect()
        })
        .collect();

    let mut datasets = vec![
        Dataset::default()
            .data(&threshold_line)
            .graph_type(GraphType::Line)
            .marker(if color {
                ratatui::symbols::Marker::Braille
            } else {
                ratatui::symbols::Marker::Custom(palette::THRESHOLD_MARK)
            })
            .style(paint(color, Style::new().fg(palette::ALERT))),
    ];
    for (series, points) in visible.iter().zip(&data) {
        let slot = series.slot().unwrap_or(0);
        datasets.push(
            Dataset::default()
                .data(points)
                .graph_type(GraphType::Line)
                .marker(palette::marker(slot, color))
                .style(paint(color, Style::new().fg(palette::color(slot)))),
        );
    }

    let half = window_s / 2.0;
    let x_axis = Axis::default().bounds([-window_s, 0.0]).labels([
        format!("{} s ago", number(window_s)),
        format!("{} s ago", number(half)),
        "now".to_string(),
    ]);
    let y_axis = Axis::default()
        .title("%")
        .bounds([0.0, 100.0])
        .labels(["0", "25", "50", "75", "100"]);
    Chart::new(datasets)
        .x_axis(x_axis)
        .y_axis(y_axis)
        .legend_position(None)
        .render(area, buf);
}

/// The legend: one line per visible device, then the threshold and the hidden count.
fn legend_lines<'a>(state: &ChartState, visible: &[&'a Series]) -> Vec<Line<'a>> {
    let color = state.color();
    let name_width = visible
        .iter()
        .map(|s| s.name().chars().count())
        .max()
        .unwrap_or(0);
    let mut lines: Vec<Line> = visible
        .iter()
        .map(|series| {
            let slot = series.slot().unwrap_or(0);
            let swatch = if color {
                "━━".to_string()
            } else {
                format!("{0}{0}", palette::mark(slot))
            };
            let value = series
                .last()
                .map(|h| format!("{h:>3.0}"))
                .unwrap_or_default();
            let mut spans = vec![
                Span::styled(swatch, paint(color, Style::new().fg(palette::color(slot)))),
                Span::raw(format!(" {:<name_width$} {value}", series.name())),
            ];
            if state.is_under(series) {
                spans.push(Span::styled(
                    " !",
                    paint(color, Style::new().fg(palette::ALERT)).add_modifier(Modifier::BOLD),
                ));
            }
            Line::from(spans)
        })
        .collect();
    let swatch = if color {
        "──".to_string()
    } else {
        format!("{0}{0}", palette::THRESHOLD_MARK)
    };
    lines.push(Line::from(vec![
        Span::styled(swatch, paint(color, Style::new().fg(palette::ALERT))),
        Span::raw(format!(" threshold {}", number(state.threshold()))),
    ]));
    let hidden = state.hidden_count();
    if hidden > 0 {
        lines.push(Line::from(format!("   +{hidden} more")).style(Modifier::DIM));
    }
    lines
}

/// `style` in colour, or no style at all in monochrome.
fn paint(color: bool, style: Style) -> Style {
    if color { style } else { Style::new() }
}

/// Seconds from `now_ms` back to `time_ms` as a negative x; points from the future sit at 0.
fn seconds_ago(time_ms: u64, now_ms: u64) -> f64 {
    if time_ms >= now_ms {
        0.0
    } else {
        -((now_ms - time_ms) as f64 / 1000.0)
    }
}

/// A number without a fraction when it has none: `35`, `35.5`.
fn number(value: f64) -> String {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        format!("{value:.0}")
    } else {
        format!("{value}")
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::style::Color;

    use super::*;

    const NOW: u64 = 1_000_000;

    fn state(color: bool) -> ChartState {
        let mut state = ChartState::new(35.0, Duration::from_secs(60)).with_color(color);
        for (i, name) in ["soilSensor1", "soilSensor2", "soilSensor3"]
            .iter()
            .enumerate()
        {
            for step in 0..10u64 {
                let h = 50.0 + 5.0 * i as f64 - step as f64;
                state.push(name, NOW - 50_000 + step * 5_000, h);
            }
        }
        state.push("soilSensor2", NOW, 31.0);
        state
    }

    fn rows(buf: &Buffer) -> Vec<String> {
        let area = buf.area;
        (area.top()..area.bottom())
            .map(|y| {
                (area.left()..area.right())
                    .map(|x| buf[(x, y)].symbol())
                    .collect()
            })
            .collect()
    }

    fn draw(state: &ChartState, width: u16, height: u16) -> Buffer {
        let area = Rect::new(0, 0, width, height);
        let mut buf = Buffer::empty(area);
        render(state, NOW, area, &mut buf);
        buf
    }

    #[test]
    fn shows_threshold_devices_and_counts() {
        let buf = draw(&state(true), 100, 24);
        let rows = rows(&buf);
        let text = rows.join("\n");
        assert!(text.contains("threshold 35"), "{text}");
        assert!(text.contains("3 devices · 1 under 35"), "{text}");
        for name in ["soilSensor1", "soilSensor2", "soilSensor3"] {
            let row = rows.iter().find(|r| r.contains(name));
            assert!(row.is_some(), "{name} missing:\n{text}");
        }
        let row = |name: &str| {
            rows.iter()
                .find(|r| r.contains(name))
                .cloned()
                .unwrap_or_default()
        };
        assert!(
            row("soilSensor2").contains(" 31 !"),
            "{}",
            row("soilSensor2")
        );
        assert!(!row("soilSensor1").contains('!'), "{}", row("soilSensor1"));
        assert!(row("soilSensor3").contains(" 51"), "{}", row("soilSensor3"));
        assert!(text.contains("now"), "{text}");
        assert!(text.contains("60 s ago"), "{text}");
    }

    #[test]
    fn colour_render_gives_each_device_its_colour() {
        let state = state(true);
        let buf = draw(&state, 100, 24);
        let used: Vec<Color> = buf.content().iter().map(|c| c.fg).collect();
        for series in state.visible() {
            let colour = palette::color(series.slot().unwrap_or(0));
            assert!(
                used.contains(&colour),
                "{} not drawn in {colour:?}",
                series.name()
            );
        }
        assert!(used.contains(&palette::ALERT));
    }

    #[test]
    fn monochrome_render_has_no_colour_and_uses_marks() {
        let state = state(false);
        let buf = draw(&state, 100, 24);
        for cell in buf.content() {
            assert_eq!(cell.fg, Color::Reset, "{cell:?}");
            assert_eq!(cell.bg, Color::Reset, "{cell:?}");
        }
        let text = rows(&buf).join("\n");
        assert!(text.contains(" 31 !"), "{text}");
        for series in state.visible() {
            let mark = palette::mark(series.slot().unwrap_or(0));
            assert!(
                text.contains(&format!("{mark}{mark} {}", series.name())),
                "{text}"
            );
        }
        assert!(text.contains("-- threshold 35"), "{text}");
    }

    #[test]
    fn counts_hidden_devices() {
        let mut state = ChartState::new(35.5, Duration::from_secs(60));
        for i in 1..=14 {
            state.push(&format!("soilSensor{i}"), NOW - 1_000, 50.0);
        }
        let text = rows(&draw(&state, 120, 30)).join("\n");
        assert!(text.contains("2 more not shown"), "{text}");
        assert!(text.contains("+2 more"), "{text}");
        assert!(text.contains("threshold 35.5"), "{text}");
    }

    #[test]
    fn small_and_empty_areas_do_not_panic() {
        let state = state(true);
        for (w, h) in [(0, 0), (1, 1), (10, 3), (30, 8), (45, 12)] {
            draw(&state, w, h);
        }
        let empty = ChartState::new(35.0, Duration::from_secs(60));
        let text = rows(&draw(&empty, 80, 20)).join("\n");
        assert!(text.contains("0 devices"), "{text}");
    }

    #[test]
    fn draws_through_a_terminal_backend() {
        let state = state(true);
        let mut terminal = match Terminal::new(TestBackend::new(90, 22)) {
            Ok(t) => t,
            Err(e) => panic!("test backend: {e}"),
        };
        let drawn = terminal.draw(|frame| render(&state, NOW, frame.area(), frame.buffer_mut()));
        assert!(drawn.is_ok());
        let text = rows(terminal.backend().buffer()).join("\n");
        assert!(text.contains("soilSensor2  31 !"), "{text}");
        assert!(text.contains("threshold 35"), "{text}");
    }

    #[test]
    fn times_map_to_seconds_ago() {
        assert_eq!(seconds_ago(NOW, NOW), 0.0);
        assert_eq!(seconds_ago(NOW + 5_000, NOW), 0.0);
        assert_eq!(seconds_ago(NOW - 1_500, NOW), -1.5);
        assert_eq!(number(35.0), "35");
        assert_eq!(number(35.5), "35.5");
    }
}
