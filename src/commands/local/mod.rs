//! The commands against the embedded local backend: the same flags and result shapes as on
//! AWS, over `crate::local::control`.

pub(crate) mod ca;
pub(crate) mod deploy;
pub(crate) mod doctor;
pub mod env;
pub(crate) mod shadow;
mod status;
pub(crate) mod teardown;
pub(crate) mod thing;
pub mod up;

use std::process::ExitCode;

use crate::local::state::StateDir;
use crate::printer::Printer;
use crate::settings::{DeploySettings, TeardownSettings, ThingCreateSettings, ThingDeleteSettings};

pub async fn deploy(
    s: &DeploySettings,
    state: &StateDir,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    deploy::run(s, state, printer).await
}

pub async fn thing_create(
    s: &ThingCreateSettings,
    state: &StateDir,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    let code = thing::create(s, state, printer)?;
    // New certificates are known to a running `local up` when the command returns.
    crate::local::server::settle(state, std::time::Duration::from_secs(5)).await?;
    Ok(code)
}

pub fn thing_list(
    stack: &str,
    filter: &crate::commands::thing::ThingFilter,
    state: &StateDir,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    thing::list(stack, filter, state, printer)
}

pub fn thing_show(
    stack: &str,
    name: &str,
    state: &StateDir,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    thing::show(stack, name, state, printer)
}

pub fn thing_delete(
    s: &ThingDeleteSettings,
    state: &StateDir,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    thing::delete(s, state, printer)
}

pub fn status(stack: &str, state: &StateDir, printer: &Printer) -> anyhow::Result<ExitCode> {
    status::run(stack, state, printer)
}

pub fn teardown(
    s: &TeardownSettings,
    state: &StateDir,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    teardown::run(s, state, printer)
}
