//! The pairing function's behaviour, run natively against the local registry in the order its
//! Python source runs it: read the thing the event names, refuse one that is not the stack's,
//! answer a device that has an owner with that owner, else make a code, keep its digest and
//! expiry on the thing and answer with the code. The answer goes to the device's code topic.

use serde_json::{Map, Value};

use super::registration::call;
use crate::local::registry::{Registry, RegistryError};
use crate::local::state::StateDir;
use crate::outcome::MANAGED_ATTRIBUTE;
use crate::pairing::{self, Code, State};

/// What the function publishes, and where.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Answer {
    pub topic: String,
    pub payload: Value,
}

/// Runs the function for `event` (the rule's output, `{"thing": ...}`) at `now` (epoch
/// seconds); the error is what the function's failure reports, as Python and boto3 would
/// word it.
pub(crate) fn issue(
    state: &StateDir,
    event: &Map<String, Value>,
    stack_name: &str,
    lifetime_secs: u64,
    now: u64,
) -> Result<Answer, String> {
    let thing = match event.get("thing") {
        Some(Value::String(thing)) => thing.clone(),
        None => return Err("KeyError: 'thing'".to_owned()),
        Some(other) => {
            return Err(format!(
                "ParamValidationError: Parameter validation failed: Invalid type for parameter thingName, value: {other}, type: <class '{}'>, valid types: <class 'str'>",
                super::lambda::python_type(other)
            ));
        }
    };
    let registry = Registry::open(&state.registry())
        .map_err(|e| format!("the local registry cannot be opened: {e}"))?;
    let record = registry
        .thing(&thing)
        .map_err(call("DescribeThing"))?
        .ok_or_else(|| {
            call("DescribeThing")(RegistryError::NotFound {
                kind: "thing",
                id: thing.clone(),
            })
        })?;
    if record.attributes.get(MANAGED_ATTRIBUTE).map(String::as_str) != Some(stack_name) {
        return Err(format!(
            "ValueError: {thing} is not a device of stack {stack_name}"
        ));
    }
    let answer = match State::of(&record.attributes) {
        State::Paired { owner } => pairing::owner_answer(&owner),
        _ => {
            let mut random = [0u8; 5];
            aws_lc_rs::rand::fill(&mut random)
                .map_err(|_| "OSError: no random bytes to make a code from".to_owned())?;
            let code = Code::from_random(random);
            registry
                .update_thing(
                    &thing,
                    &pairing::issued(&code, now, lifetime_secs),
                    true,
                    None,
                )
                .map_err(call("UpdateThing"))?;
            pairing::code_answer(&code, now + lifetime_secs)
        }
    };
    Ok(Answer {
        topic: pairing::code_topic(&thing),
        payload: answer,
    })
}
