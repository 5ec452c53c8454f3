//! The chart on the terminal: takes the screen (alternate screen, raw mode), draws the
//! points it is fed at most ten times a second, and gives the screen back however it ends.

use std::io::{self, Stdout};
use std::panic;
use std::sync::Arc;
use std::time::{Duration, Instant};

use crossterm::event::{self, Event, KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use crossterm::terminal::{self, EnterAlternateScreen, LeaveAlternateScreen};
use crossterm::{cursor, execute};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;
use tokio::sync::mpsc::Receiver;
use tokio::time::MissedTickBehavior;

use super::{ChartState, DEFAULT_WINDOW, Point, render};

/// Time between frames: at most ten redraws a second.
const FRAME: Duration = Duration::from_millis(100);
/// Redraw at least this often, so the time axis moves while no data comes.
const IDLE_REDRAW: Duration = Duration::from_secs(1);

/// Shows the points received on `points` until the user quits (`q`, Esc, Ctrl-C) or the
/// channel closes. Values under `threshold` are flagged; `color` false draws in monochrome.
pub async fn run(mut points: Receiver<Point>, threshold: f64, color: bool) -> io::Result<()> {
    let mut state = ChartState::new(threshold, DEFAULT_WINDOW).with_color(color);
    let _screen = ScreenGuard::enter()?;
    let mut terminal = Terminal::new(CrosstermBackend::new(io::stdout()))?;
    terminal.clear()?;

    let mut ticker = tokio::time::interval(FRAME);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Skip);
    let mut dirty = true;
    let mut last_draw: Option<Instant> = None;
    loop {
        tokio::select! {
            point = points.recv() => match point {
                Some(point) => {
                    state.push(&point.device, point.time_ms, point.humidity);
                    dirty = true;
                }
                None => return Ok(()),
            },
            _ = ticker.tick() => {
                match pending_input()? {
                    Input::Quit => return Ok(()),
                    Input::Redraw => dirty = true,
                    Input::Nothing => {}
                }
                if dirty || last_draw.is_none_or(|at| at.elapsed() >= IDLE_REDRAW) {
                    draw(&mut terminal, &mut state)?;
                    dirty = false;
                    last_draw = Some(Instant::now());
                }
            }
        }
    }
}

fn draw(
    terminal: &mut Terminal<CrosstermBackend<Stdout>>,
    state: &mut ChartState,
) -> io::Result<()> {
    let now_ms = u64::try_from(crate::clock::now_ms()).unwrap_or(0);
    state.prune(now_ms);
    terminal.draw(|frame| render(state, now_ms, frame.area(), frame.buffer_mut()))?;
    Ok(())
}

/// What the keyboard and the terminal asked for since the last look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Input {
    Nothing,
    Redraw,
    Quit,
}

/// Reads every waiting event without blocking.
fn pending_input() -> io::Result<Input> {
    let mut input = Input::Nothing;
    while event::poll(Duration::ZERO)? {
        match classify(&event::read()?) {
            Input::Quit => return Ok(Input::Quit),
            Input::Redraw => input = Input::Redraw,
            Input::Nothing => {}
        }
    }
    Ok(input)
}

/// `q`, Esc and Ctrl-C quit (raw mode turns Ctrl-C into a key); a resize redraws.
fn classify(event: &Event) -> Input {
    match event {
        Event::Key(KeyEvent {
            code,
            modifiers,
            kind,
            ..
        }) if *kind != KeyEventKind::Release => match code {
            KeyCode::Char('q' | 'Q') | KeyCode::Esc => Input::Quit,
            KeyCode::Char('c' | 'C') if modifiers.contains(KeyModifiers::CONTROL) => Input::Quit,
            _ => Input::Nothing,
        },
        Event::Resize(..) => Input::Redraw,
        _ => Input::Nothing,
    }
}

/// Owns the terminal's raw mode and alternate screen; dropping it (on return, error, task
/// abort or panic) restores the terminal. A panic restores it before its message is printed.
struct ScreenGuard {
    previous_hook: Arc<PanicHook>,
}

type PanicHook = Box<dyn Fn(&panic::PanicHookInfo<'_>) + Sync + Send + 'static>;

impl ScreenGuard {
    fn enter() -> io::Result<ScreenGuard> {
        terminal::enable_raw_mode()?;
        let previous_hook: Arc<PanicHook> = Arc::new(panic::take_hook());
        let chained = Arc::clone(&previous_hook);
        panic::set_hook(Box::new(move |info| {
            restore();
            chained(info);
        }));
        // From here on, dropping the guard undoes the setup, even if entering the alternate
        // screen fails.
        let guard = ScreenGuard { previous_hook };
        execute!(io::stdout(), EnterAlternateScreen, cursor::Hide)?;
        Ok(guard)
    }
}

impl Drop for ScreenGuard {
    fn drop(&mut self) {
        restore();
        // Put the panic hook back as it was (the one installed here only wraps it). Changing
        // hooks while panicking is not allowed, and the wrapper is harmless then.
        if !std::thread::panicking() {
            let _ = panic::take_hook();
            let previous = Arc::clone(&self.previous_hook);
            panic::set_hook(Box::new(move |info| previous(info)));
        }
    }
}

/// Leaves the alternate screen, shows the cursor and ends raw mode; safe to call twice.
fn restore() {
    let _ = execute!(io::stdout(), LeaveAlternateScreen, cursor::Show);
    let _ = terminal::disable_raw_mode();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, modifiers: KeyModifiers) -> Event {
        Event::Key(KeyEvent::new(code, modifiers))
    }

    #[test]
    fn quit_keys() {
        assert_eq!(
            classify(&key(KeyCode::Char('q'), KeyModifiers::NONE)),
            Input::Quit
        );
        assert_eq!(
            classify(&key(KeyCode::Char('Q'), KeyModifiers::SHIFT)),
            Input::Quit
        );
        assert_eq!(
            classify(&key(KeyCode::Esc, KeyModifiers::NONE)),
            Input::Quit
        );
        assert_eq!(
            classify(&key(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Input::Quit
        );
    }

    #[test]
    fn other_input() {
        assert_eq!(
            classify(&key(KeyCode::Char('c'), KeyModifiers::NONE)),
            Input::Nothing
        );
        assert_eq!(
            classify(&key(KeyCode::Enter, KeyModifiers::NONE)),
            Input::Nothing
        );
        assert_eq!(classify(&Event::Resize(80, 24)), Input::Redraw);
        let mut release = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
        release.kind = KeyEventKind::Release;
        assert_eq!(classify(&Event::Key(release)), Input::Nothing);
    }
}
