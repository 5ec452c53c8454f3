//! The error kinds that decide the exit code.
//!
//! Everything else is an `anyhow::Error` with context; `main` walks the chain and exits 2 when
//! it finds a [`BadInput`], 1 otherwise.

use std::process::ExitCode;

/// The user's input is wrong: a flag, a name AWS would reject, a template, missing credentials.
/// Raised before any change is made. Exit code 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct BadInput(pub String);

/// Shorthand for returning a [`BadInput`] as an `anyhow::Error`.
pub fn bad_input(message: impl Into<String>) -> anyhow::Error {
    anyhow::Error::new(BadInput(message.into()))
}

/// The exit code an error chain maps to.
pub fn exit_code(err: &anyhow::Error) -> ExitCode {
    if err.chain().any(|cause| cause.is::<BadInput>()) {
        ExitCode::from(2)
    } else {
        ExitCode::from(1)
    }
}

/// A broken pipe on stdout (`soilctl ... | head`) is not a failure.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// One line: the context chain joined by ": ", without repeating a cause that the message
/// above it already quotes.
pub fn one_line(err: &anyhow::Error) -> String {
    let mut parts: Vec<String> = Vec::new();
    for cause in err.chain() {
        let text = cause.to_string();
        let text = text.trim();
        if text.is_empty() || parts.iter().any(|p| p.contains(text)) {
            continue;
        }
        parts.push(text.replace('\n', " "));
    }
    parts.join(": ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use anyhow::Context;

    #[test]
    fn bad_input_anywhere_in_the_chain_exits_2() {
        let err = Err::<(), _>(bad_input("no such template"))
            .context("deploy")
            .unwrap_err();
        assert_eq!(exit_code(&err), ExitCode::from(2));
        let other = anyhow::anyhow!("AWS said no");
        assert_eq!(exit_code(&other), ExitCode::from(1));
    }

    #[test]
    fn one_line_skips_repeated_causes() {
        let err = Err::<(), _>(anyhow::anyhow!("connection refused"))
            .context("cannot reach http://x: connection refused")
            .unwrap_err();
        assert_eq!(one_line(&err), "cannot reach http://x: connection refused");
    }
}
