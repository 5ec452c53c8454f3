//! `soilctl deploy --local`: the same template on the embedded backend.

use std::collections::BTreeMap;
use std::process::ExitCode;

use anyhow::anyhow;

use crate::commands::deploy::{
    DeployResult, Review, check_flags, parameters, print_result, review_update,
};
use crate::local::control::Local;
use crate::local::state::StateDir;
use crate::printer::Printer;
use crate::settings::DeploySettings;
use crate::template::Template;

pub async fn run(
    s: &DeploySettings,
    state: &StateDir,
    printer: &Printer,
) -> anyhow::Result<ExitCode> {
    let template = match &s.template {
        Some(path) => Template::from_file(path)?,
        None => Template::builtin()?,
    };
    check_flags(s, &template)?;
    let local = Local::open(state)?;
    let existing = local.stack(&s.stack_name)?;
    let creating = existing.is_none();
    let given = parameters(s, &template, creating)?;
    // Every parameter's value: the flags, else the previous value, else the default.
    let mut values: BTreeMap<String, String> = BTreeMap::new();
    for (name, spec) in &template.parameters {
        let value = match given.get(name).cloned().flatten() {
            Some(v) => Some(v),
            None => existing
                .as_ref()
                .and_then(|st| st.parameters.get(name).cloned())
                .or_else(|| spec.default.clone()),
        };
        if let Some(v) = value {
            values.insert(name.clone(), v);
        }
    }
    printer.info(format!(
        "{} stack {} on the local backend ({}) from {}",
        if creating { "Creating" } else { "Updating" },
        printer.bold(&s.stack_name),
        state.root().display(),
        template.source
    ));
    let plan = local.plan(&template, &s.stack_name, &values)?;
    for line in local.function_ways(&plan)? {
        printer.info(line);
    }
    if plan.changes.is_empty() && !creating {
        printer.info(format!("No changes: stack {} is up to date.", s.stack_name));
        let st = existing.ok_or_else(|| anyhow!("stack {} disappeared", s.stack_name))?;
        return finish(
            printer,
            &s.stack_name,
            "none",
            &st.stack_id,
            &st.status,
            vec![],
            st.outputs,
        );
    }
    if let Some(previous) = &existing {
        let params: BTreeMap<String, Option<String>> = values
            .iter()
            .map(|(k, v)| (k.clone(), Some(v.clone())))
            .collect();
        if let Review::Cancelled =
            review_update(printer, s, &previous.parameters, &params, &plan.changes)?
        {
            return Ok(ExitCode::from(1));
        }
    }
    let record = local.apply(&template, &s.stack_name, &values, &plan)?;
    // A running `local up` picks the change up within 200 ms: done means in effect.
    crate::local::server::settle(state, std::time::Duration::from_secs(5)).await?;
    for c in &plan.changes {
        let status = match c.action.as_str() {
            "Add" => "CREATE_COMPLETE",
            "Remove" => "DELETE_COMPLETE",
            _ => "UPDATE_COMPLETE",
        };
        printer.info(format!(
            "{status:<22} {:<32} {}",
            c.logical_id, c.resource_type
        ));
    }
    printer.info(format!("{} {}", printer.green("Done:"), record.status));
    finish(
        printer,
        &s.stack_name,
        if creating { "create" } else { "update" },
        &record.stack_id,
        &record.status,
        plan.changes,
        record.outputs,
    )
}

fn finish(
    printer: &Printer,
    stack_name: &str,
    action: &'static str,
    stack_id: &str,
    status: &str,
    changes: Vec<crate::aws::cfn::ResourceChange>,
    outputs: BTreeMap<String, String>,
) -> anyhow::Result<ExitCode> {
    let result = DeployResult {
        stack_name: stack_name.to_string(),
        stack_id: stack_id.to_string(),
        action,
        status: status.to_string(),
        changes,
        outputs,
        failures: vec![],
    };
    print_result(printer, &result)?;
    Ok(ExitCode::SUCCESS)
}
