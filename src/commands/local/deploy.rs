//! `soilctl deploy --local`: the same template on the embedded backend.

use std::collections::BTreeMap;
use std::process::ExitCode;

use anyhow::anyhow;

use crate::commands::deploy::{DeployResult, check_flags, parameters, print_result};
use crate::local::control::Local;
use crate::local::state::StateDir;
use crate::printer::{Printer, table};
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
    if !creating {
        if let Some(previous) = &existing {
            for (name, value) in &values {
                match previous.parameters.get(name) {
                    Some(old) if old == value => {}
                    Some(old) => printer.info(format!("  parameter {name}: {old} -> {value}")),
                    None => printer.info(format!("  parameter {name}: {value} (new)")),
                }
            }
        }
        let rows: Vec<Vec<String>> = plan
            .changes
            .iter()
            .map(|c| {
                vec![
                    c.action.clone(),
                    c.logical_id.clone(),
                    c.resource_type.clone(),
                    c.replacement.clone().unwrap_or_else(|| "-".into()),
                ]
            })
            .collect();
        printer.info(table(&["ACTION", "RESOURCE", "TYPE", "REPLACEMENT"], &rows).trim_end());
        if !s.yes {
            if !printer.can_prompt() {
                return Err(crate::error::bad_input(format!(
                    "stack {} exists and this would change it: review the changes above and pass --yes to apply them",
                    s.stack_name
                )));
            }
            if !printer.confirm("Apply these changes?")? {
                printer.info("Cancelled; nothing was changed.");
                return Ok(ExitCode::from(1));
            }
        }
    }
    let record = local.apply(&template, &s.stack_name, &values, &plan)?;
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
