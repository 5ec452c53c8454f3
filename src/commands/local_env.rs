//! `soilctl local env`: the environment that points a user's own AWS tools (the AWS CLI, boto3,
//! the SDKs) at the running `local up`'s API endpoint, and tells devices' own HTTPS clients
//! (curl) where the device HTTPS endpoint is (`SOILCTL_IOT_HTTPS_ENDPOINT`).

use std::collections::BTreeMap;
use std::process::ExitCode;

use crate::local::registry::REGION;
use crate::local::server::find_running;
use crate::local::state::StateDir;
use crate::printer::Printer;

use crate::aws::{
    LOCAL_ACCESS_KEY_ID as ACCESS_KEY_ID, LOCAL_SECRET_ACCESS_KEY as SECRET_ACCESS_KEY,
};

pub fn run(state: &StateDir, printer: &Printer) -> anyhow::Result<ExitCode> {
    let running = find_running(state)?;
    let endpoint = running.api_endpoint.ok_or_else(|| {
        crate::error::bad_input(format!(
            "the `local up` running for {} serves no AWS API endpoint: restart it with this soilctl",
            state.root().display()
        ))
    })?;
    let mut vars = variables(&endpoint);
    if let Some(https) = running.https_endpoint {
        vars.insert("SOILCTL_IOT_HTTPS_ENDPOINT", https);
    }
    printer.result(&vars, || {
        vars.iter()
            .map(|(k, v)| format!("export {k}={}\n", shell_quote(v)))
            .collect()
    })?;
    Ok(ExitCode::SUCCESS)
}

fn variables(endpoint: &str) -> BTreeMap<&'static str, String> {
    BTreeMap::from([
        ("AWS_ENDPOINT_URL", endpoint.to_owned()),
        ("AWS_REGION", REGION.to_owned()),
        ("AWS_DEFAULT_REGION", REGION.to_owned()),
        ("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID.to_owned()),
        ("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY.to_owned()),
    ])
}

/// `value` as one word for sh, bash and zsh.
fn shell_quote(value: &str) -> String {
    if value
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-_./:@".contains(&b))
    {
        value.to_owned()
    } else {
        format!("'{}'", value.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_that_need_no_quotes_get_none() {
        assert_eq!(
            shell_quote("http://127.0.0.1:4580"),
            "http://127.0.0.1:4580"
        );
        assert_eq!(shell_quote("a b"), "'a b'");
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        let vars = variables("http://127.0.0.1:1");
        assert_eq!(vars["AWS_REGION"], "local");
    }
}
