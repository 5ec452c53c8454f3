//! Names AWS would reject, caught before anything is sent.

use crate::error::bad_input;

/// A thing name: 1 to 128 of `a-z A-Z 0-9 : _ -` (AWS IoT's rule).
pub fn check_thing_name(name: &str) -> anyhow::Result<()> {
    check_iot_name("thing", name)
}

/// A thing group's name follows the same rule as a thing's.
pub fn check_group_name(name: &str) -> anyhow::Result<()> {
    check_iot_name("thing group", name)
}

fn check_iot_name(kind: &str, name: &str) -> anyhow::Result<()> {
    if name.is_empty() || name.len() > 128 {
        return Err(bad_input(format!(
            "{kind} name {name:?} must be 1 to 128 characters long"
        )));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || matches!(c, ':' | '_' | '-')))
    {
        return Err(bad_input(format!(
            "{kind} name {name:?} has {c:?}: AWS IoT allows only letters, digits, ':', '_' and '-'"
        )));
    }
    Ok(())
}

/// A stack name: starts with a letter, then letters, digits and '-', at most 128 characters.
pub fn check_stack_name(name: &str) -> anyhow::Result<()> {
    let valid = !name.is_empty()
        && name.len() <= 128
        && name.starts_with(|c: char| c.is_ascii_alphabetic())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    if valid {
        Ok(())
    } else {
        Err(bad_input(format!(
            "stack name {name:?} is not valid: it must start with a letter and hold only letters, digits and '-' (at most 128)"
        )))
    }
}

/// An email address as SNS takes it: one '@', a dotted domain, no spaces.
pub fn check_email(email: &str) -> anyhow::Result<()> {
    let ok = email.len() <= 254
        && email.split_once('@').is_some_and(|(local, domain)| {
            !local.is_empty()
                && !domain.contains('@')
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains("..")
        })
        && !email.chars().any(|c| c.is_whitespace() || c.is_control());
    if ok {
        Ok(())
    } else {
        Err(bad_input(format!(
            "{email:?} is not an email address: pass --email with an address such as ops@example.com"
        )))
    }
}

/// Names `<prefix>1 ... <prefix>N`.
pub fn numbered(prefix: &str, count: u32) -> Vec<String> {
    (1..=count).map(|i| format!("{prefix}{i}")).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thing_names() {
        assert!(check_thing_name("soilSensor1").is_ok());
        assert!(check_thing_name("a:b_c-d").is_ok());
        assert!(check_thing_name(&"x".repeat(128)).is_ok());
        assert!(check_thing_name(&"x".repeat(129)).is_err());
        assert!(check_thing_name("").is_err());
        assert!(check_thing_name("soil sensor").is_err());
        assert!(check_thing_name("sensor/1").is_err());
        assert!(check_thing_name("capteur-humidité").is_err());
    }

    #[test]
    fn stack_names() {
        assert!(check_stack_name("iot-backend").is_ok());
        assert!(check_stack_name("1stack").is_err());
        assert!(check_stack_name("iot_backend").is_err());
        assert!(check_stack_name(&format!("a{}", "b".repeat(128))).is_err());
    }

    #[test]
    fn emails() {
        assert!(check_email("ops@example.com").is_ok());
        assert!(check_email("first.last+iot@mail.example.co.uk").is_ok());
        assert!(check_email("ops").is_err());
        assert!(check_email("ops@example").is_err());
        assert!(check_email("o ps@example.com").is_err());
        assert!(check_email("ops@@example.com").is_err());
    }

    #[test]
    fn numbered_names() {
        assert_eq!(
            numbered("soilSensor", 3),
            ["soilSensor1", "soilSensor2", "soilSensor3"]
        );
    }
}
