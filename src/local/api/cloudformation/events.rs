//! Stack events: made as CloudFormation makes them (the stack's own events with a UUID as
//! their id, a resource's `<LogicalId>-<STATUS>-<time>`), kept in the registry, and listed
//! newest first by DescribeStackEvents, a page at a time.

use std::fmt::Write as _;

use super::query::{Answer, Fault, Params, element, offset_of, ok, timestamp, token};
use crate::local::registry::{Registry, StackEventRecord};

/// The stack's own resource type.
pub const STACK_TYPE: &str = "AWS::CloudFormation::Stack";
/// How many events one DescribeStackEvents page holds.
const PAGE: usize = 100;

/// Makes a stack's events with increasing timestamps, so their order is their time order.
pub struct Recorder<'a> {
    pub stack_id: &'a str,
    pub stack_name: &'a str,
    last_ms: i64,
    pub events: Vec<StackEventRecord>,
}

impl<'a> Recorder<'a> {
    pub fn new(stack_id: &'a str, stack_name: &'a str) -> Recorder<'a> {
        Recorder {
            stack_id,
            stack_name,
            last_ms: 0,
            events: Vec::new(),
        }
    }

    fn now(&mut self) -> i64 {
        self.last_ms = crate::clock::now_ms().max(self.last_ms + 1);
        self.last_ms
    }

    /// An event of the stack itself.
    pub fn stack(&mut self, status: &str, reason: Option<&str>) {
        let at = self.now();
        self.events.push(StackEventRecord {
            event_id: crate::iotsql::new_uuid(),
            stack_id: self.stack_id.to_owned(),
            stack_name: self.stack_name.to_owned(),
            logical_id: self.stack_name.to_owned(),
            physical_id: self.stack_id.to_owned(),
            resource_type: STACK_TYPE.to_owned(),
            timestamp_ms: at,
            status: status.to_owned(),
            reason: reason.map(str::to_owned),
            properties: None,
        });
    }

    /// An event of one resource.
    pub fn resource(
        &mut self,
        logical_id: &str,
        resource_type: &str,
        physical_id: &str,
        status: &str,
        reason: Option<&str>,
        properties: Option<&serde_json::Value>,
    ) {
        let at = self.now();
        self.events.push(StackEventRecord {
            event_id: format!("{logical_id}-{status}-{}", timestamp(at)),
            stack_id: self.stack_id.to_owned(),
            stack_name: self.stack_name.to_owned(),
            logical_id: logical_id.to_owned(),
            physical_id: physical_id.to_owned(),
            resource_type: resource_type.to_owned(),
            timestamp_ms: at,
            status: status.to_owned(),
            reason: reason.map(str::to_owned),
            properties: properties.map(|p| p.to_string()),
        });
    }

    /// Writes the events made so far to the registry.
    pub fn flush(&mut self, registry: &Registry) -> Result<(), Fault> {
        registry.add_stack_events(&self.events)?;
        self.events.clear();
        Ok(())
    }
}

/// DescribeStackEvents of the stack with `stack_id`, from the page `params` asks for.
pub fn describe(registry: &Registry, stack_id: &str, params: &Params) -> Answer {
    let skip = offset_of(params.get("NextToken"))?;
    let mut events = registry.stack_events(stack_id, skip, PAGE + 1)?;
    let more = events.len() > PAGE;
    events.truncate(PAGE);
    let mut out = String::from("<StackEvents>");
    for e in &events {
        write_event(&mut out, e);
    }
    out.push_str("</StackEvents>");
    if more {
        element(&mut out, "NextToken", Some(&token(skip + PAGE)));
    }
    Ok(ok("DescribeStackEvents", &out))
}

fn write_event(out: &mut String, e: &StackEventRecord) {
    out.push_str("<member>");
    element(out, "StackId", Some(&e.stack_id));
    element(out, "EventId", Some(&e.event_id));
    element(out, "StackName", Some(&e.stack_name));
    element(out, "LogicalResourceId", Some(&e.logical_id));
    element(out, "PhysicalResourceId", Some(&e.physical_id));
    element(out, "ResourceType", Some(&e.resource_type));
    let _ = write!(out, "<Timestamp>{}</Timestamp>", timestamp(e.timestamp_ms));
    element(out, "ResourceStatus", Some(&e.status));
    element(out, "ResourceStatusReason", e.reason.as_deref());
    element(out, "ResourceProperties", e.properties.as_deref());
    out.push_str("</member>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_have_cloudformations_ids_and_increasing_times() {
        let mut r = Recorder::new("arn:aws:cloudformation:local:0:stack/soil/x", "soil");
        r.stack("CREATE_IN_PROGRESS", Some("User Initiated"));
        r.resource(
            "ArchiveBucket",
            "AWS::S3::Bucket",
            "soil-archivebucket-1",
            "CREATE_COMPLETE",
            None,
            None,
        );
        let [stack, bucket] = &r.events[..] else {
            panic!("two events");
        };
        assert_eq!(stack.event_id.len(), 36, "a UUID: {}", stack.event_id);
        assert_eq!(stack.logical_id, "soil");
        assert_eq!(stack.resource_type, STACK_TYPE);
        assert!(bucket.timestamp_ms > stack.timestamp_ms);
        assert_eq!(
            bucket.event_id,
            format!(
                "ArchiveBucket-CREATE_COMPLETE-{}",
                timestamp(bucket.timestamp_ms)
            )
        );
    }

    #[test]
    fn events_are_listed_newest_first_a_page_at_a_time() {
        let dir = tempfile::tempdir().unwrap();
        let registry = Registry::open(&dir.path().join("registry.db")).unwrap();
        let mut r = Recorder::new("id", "soil");
        for _ in 0..(PAGE + 5) {
            r.stack("UPDATE_IN_PROGRESS", None);
        }
        r.stack("UPDATE_COMPLETE", None);
        r.flush(&registry).unwrap();
        let first = describe(&registry, "id", &Params::default()).unwrap();
        let body = String::from_utf8_lossy(&first.body).into_owned();
        assert_eq!(body.matches("<member>").count(), PAGE);
        let newest = body.find("UPDATE_COMPLETE").unwrap();
        assert!(newest < body.find("UPDATE_IN_PROGRESS").unwrap());
        let next = format!("<NextToken>{}</NextToken>", token(PAGE));
        assert!(body.contains(&next), "{body}");
        let params = Params(vec![("NextToken".into(), token(PAGE))]);
        let second = describe(&registry, "id", &params).unwrap();
        let body = String::from_utf8_lossy(&second.body).into_owned();
        assert_eq!(body.matches("<member>").count(), 6);
        assert!(!body.contains("NextToken"));
    }
}
