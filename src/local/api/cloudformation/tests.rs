//! CloudFormation's operations over a local backend in a temporary directory, request in and
//! XML out, as the SDKs see them.

use super::*;
use crate::local::state::StateDir;

fn local() -> (tempfile::TempDir, Local) {
    let dir = tempfile::tempdir().unwrap();
    let local = Local::open(&StateDir::new(dir.path().join("state"))).unwrap();
    (dir, local)
}

/// Sends `Action` with `pairs`; returns the status and the body.
fn call(local: &Local, action: &str, pairs: &[(&str, &str)]) -> (u16, String) {
    let mut form = form_urlencoded::Serializer::new(String::new());
    form.append_pair("Action", action);
    form.append_pair("Version", "2010-05-15");
    for (k, v) in pairs {
        form.append_pair(k, v);
    }
    let req = Request {
        method: "POST".into(),
        body: form.finish().into(),
        ..Request::default()
    };
    let reply = handle(local, &req);
    (
        reply.status,
        String::from_utf8_lossy(&reply.body).into_owned(),
    )
}

/// The text of the first `<tag>` in `xml`.
fn text<'a>(xml: &'a str, tag: &str) -> Option<&'a str> {
    let open = format!("<{tag}>");
    let start = xml.find(&open)? + open.len();
    let end = xml[start..].find(&format!("</{tag}>"))? + start;
    Some(&xml[start..end])
}

fn create_change_set(local: &Local, kind: &str, name: &str, threshold: &str) -> (u16, String) {
    let body = crate::template::Template::builtin().unwrap().body;
    let mut pairs = vec![
        ("StackName", "soil"),
        ("ChangeSetName", name),
        ("ChangeSetType", kind),
        ("TemplateBody", body.as_str()),
        ("Capabilities.member.1", "CAPABILITY_IAM"),
        ("Parameters.member.1.ParameterKey", "HumidityThreshold"),
        ("Parameters.member.1.ParameterValue", threshold),
        ("Parameters.member.2.ParameterKey", "AlertEmail"),
    ];
    if kind == "CREATE" {
        pairs.push(("Parameters.member.2.ParameterValue", "a@example.com"));
    } else {
        pairs.push(("Parameters.member.2.UsePreviousValue", "true"));
    }
    let owned: Vec<(&str, &str)> = pairs;
    call(local, "CreateChangeSet", &owned)
}

#[test]
fn a_missing_stack_is_cloudformations_validation_error() {
    let (_dir, local) = local();
    let (status, body) = call(&local, "DescribeStacks", &[("StackName", "nope")]);
    assert_eq!(status, 400);
    assert_eq!(text(&body, "Code"), Some("ValidationError"), "{body}");
    assert_eq!(
        text(&body, "Message"),
        Some("Stack with id nope does not exist")
    );
}

#[test]
fn a_stack_is_created_updated_and_deleted_through_change_sets() {
    let (_dir, local) = local();
    let (status, body) = create_change_set(&local, "CREATE", "first", "35");
    assert_eq!(status, 200, "{body}");
    let cs = text(&body, "Id").unwrap().to_owned();
    assert!(
        cs.starts_with("arn:aws:cloudformation:local:000000000000:changeSet/first/"),
        "{cs}"
    );
    let stack_id = text(&body, "StackId").unwrap().to_owned();
    let (_, stacks) = call(&local, "DescribeStacks", &[("StackName", "soil")]);
    assert_eq!(text(&stacks, "StackStatus"), Some("REVIEW_IN_PROGRESS"));

    let (_, described) = call(&local, "DescribeChangeSet", &[("ChangeSetName", &cs)]);
    assert_eq!(
        text(&described, "Status"),
        Some("CREATE_COMPLETE"),
        "{described}"
    );
    assert_eq!(text(&described, "ExecutionStatus"), Some("AVAILABLE"));
    assert_eq!(described.matches("<Action>Add</Action>").count(), 21);

    let (status, body) = call(&local, "ExecuteChangeSet", &[("ChangeSetName", &cs)]);
    assert_eq!(status, 200, "{body}");
    let (_, stacks) = call(&local, "DescribeStacks", &[("StackName", "soil")]);
    assert_eq!(text(&stacks, "StackStatus"), Some("CREATE_COMPLETE"));
    assert!(
        stacks.contains("<OutputKey>ArchiveBucketName</OutputKey>"),
        "{stacks}"
    );
    let (_, events) = call(&local, "DescribeStackEvents", &[("StackName", "soil")]);
    // Newest first: the stack's CREATE_COMPLETE, then the resources, then the review.
    assert_eq!(text(&events, "ResourceStatus"), Some("CREATE_COMPLETE"));
    assert_eq!(text(&events, "LogicalResourceId"), Some("soil"));
    assert_eq!(
        events.matches("<ResourceStatus>CREATE_COMPLETE<").count(),
        22
    );
    assert!(
        events.contains("ArchiveBucket-CREATE_COMPLETE-"),
        "{events}"
    );
    // Executed once: not again.
    let (status, again) = call(&local, "ExecuteChangeSet", &[("ChangeSetName", &cs)]);
    assert_eq!(status, 400);
    assert_eq!(text(&again, "Code"), Some("InvalidChangeSetStatus"));

    // The same values again: AWS's own reason.
    let (_, body) = create_change_set(&local, "UPDATE", "same", "35");
    let same = text(&body, "Id").unwrap().to_owned();
    let (_, described) = call(&local, "DescribeChangeSet", &[("ChangeSetName", &same)]);
    assert_eq!(text(&described, "Status"), Some("FAILED"));
    assert_eq!(
        text(&described, "StatusReason"),
        Some(
            "The submitted information didn&apos;t contain changes. Submit different information to create a change set."
        )
    );
    call(&local, "DeleteChangeSet", &[("ChangeSetName", &same)]);
    let (status, gone) = call(&local, "DescribeChangeSet", &[("ChangeSetName", &same)]);
    assert_eq!(status, 404);
    assert_eq!(text(&gone, "Code"), Some("ChangeSetNotFound"));

    // A new threshold changes the alert rule only.
    let (_, body) = create_change_set(&local, "UPDATE", "lower", "30");
    let update = text(&body, "Id").unwrap().to_owned();
    let (_, described) = call(
        &local,
        "DescribeChangeSet",
        &[("ChangeSetName", "lower"), ("StackName", "soil")],
    );
    assert_eq!(
        text(&described, "LogicalResourceId"),
        Some("AlertRule"),
        "{described}"
    );
    assert_eq!(text(&described, "Replacement"), Some("False"));
    call(&local, "ExecuteChangeSet", &[("ChangeSetName", &update)]);
    let stack = local.stack("soil").unwrap().unwrap();
    assert_eq!(stack.status, "UPDATE_COMPLETE");
    assert_eq!(stack.parameters["HumidityThreshold"], "30");
    assert_eq!(stack.parameters["AlertEmail"], "a@example.com");

    let (_, template) = call(&local, "GetTemplate", &[("StackName", "soil")]);
    assert!(template.contains("AWS::IoT::TopicRule"), "{template}");

    // A bucket with an object fails to delete until it is retained.
    let bucket = stack.outputs["ArchiveBucketName"].clone();
    std::fs::write(local.state.bucket(&bucket).join("object.json"), "{}").unwrap();
    let (status, body) = call(&local, "DeleteStack", &[("StackName", &stack_id)]);
    assert_eq!(status, 200, "{body}");
    let (_, stacks) = call(&local, "DescribeStacks", &[("StackName", "soil")]);
    assert_eq!(text(&stacks, "StackStatus"), Some("DELETE_FAILED"));
    assert_eq!(
        text(&stacks, "StackStatusReason"),
        Some("The following resource(s) failed to delete: [ArchiveBucket]. ")
    );
    let (_, resources) = call(&local, "ListStackResources", &[("StackName", "soil")]);
    assert_eq!(text(&resources, "ResourceStatus"), Some("DELETE_FAILED"));
    let retain = [
        ("StackName", stack_id.as_str()),
        ("RetainResources.member.1", "ArchiveBucket"),
    ];
    assert_eq!(call(&local, "DeleteStack", &retain).0, 200);
    let (status, body) = call(&local, "DescribeStacks", &[("StackName", "soil")]);
    assert_eq!(status, 400);
    assert_eq!(
        text(&body, "Message"),
        Some("Stack with id soil does not exist")
    );
    // By its id, a deleted stack is still there, as DELETE_COMPLETE.
    let (_, by_id) = call(&local, "DescribeStacks", &[("StackName", &stack_id)]);
    assert_eq!(text(&by_id, "StackStatus"), Some("DELETE_COMPLETE"));
    assert!(local.registry.topic_rules().unwrap().is_empty());
    // Deleting it again is fine.
    assert_eq!(call(&local, "DeleteStack", &[("StackName", "soil")]).0, 200);
}

#[test]
fn change_sets_are_refused_as_aws_refuses_them() {
    let (_dir, local) = local();
    let body = crate::template::Template::builtin().unwrap().body;
    let base = [
        ("StackName", "soil"),
        ("ChangeSetName", "one"),
        ("ChangeSetType", "CREATE"),
        ("TemplateBody", body.as_str()),
        ("Parameters.member.1.ParameterKey", "AlertEmail"),
        ("Parameters.member.1.ParameterValue", "a@example.com"),
    ];
    let (status, out) = call(&local, "CreateChangeSet", &base);
    assert_eq!(status, 400);
    assert_eq!(
        text(&out, "Code"),
        Some("InsufficientCapabilitiesException")
    );
    assert_eq!(
        text(&out, "Message"),
        Some("Requires capabilities : [CAPABILITY_IAM]")
    );
    let mut bad = base.to_vec();
    bad[0] = ("StackName", "soil_2");
    let (_, out) = call(&local, "CreateChangeSet", &bad);
    assert_eq!(text(&out, "Code"), Some("ValidationError"), "{out}");
    let mut update = base.to_vec();
    update[2] = ("ChangeSetType", "UPDATE");
    let (_, out) = call(&local, "CreateChangeSet", &update);
    assert_eq!(text(&out, "Message"), Some("Stack [soil] does not exist"));
    let mut unknown = base.to_vec();
    unknown.push(("Capabilities.member.1", "CAPABILITY_IAM"));
    unknown.push(("Parameters.member.2.ParameterKey", "Nope"));
    unknown.push(("Parameters.member.2.ParameterValue", "x"));
    let (_, out) = call(&local, "CreateChangeSet", &unknown);
    assert_eq!(
        text(&out, "Message"),
        Some("Parameters: [Nope] do not exist in the template")
    );

    // A template the local backend cannot run fails its change set with deploy --local's words.
    let table = "Resources:\n  Table:\n    Type: AWS::DynamoDB::Table\n    Properties: {}\n";
    let pairs = [
        ("StackName", "other"),
        ("ChangeSetName", "one"),
        ("ChangeSetType", "CREATE"),
        ("TemplateBody", table),
    ];
    let (status, out) = call(&local, "CreateChangeSet", &pairs);
    assert_eq!(status, 200, "{out}");
    let (_, described) = call(
        &local,
        "DescribeChangeSet",
        &[("ChangeSetName", "one"), ("StackName", "other")],
    );
    assert_eq!(text(&described, "Status"), Some("FAILED"));
    let reason = text(&described, "StatusReason").unwrap();
    assert!(
        reason.contains(
            "resource Table has type AWS::DynamoDB::Table, which the local backend cannot run"
        ),
        "{reason}"
    );
    let (_, stacks) = call(&local, "DescribeStacks", &[("StackName", "other")]);
    assert_eq!(text(&stacks, "StackStatus"), Some("REVIEW_IN_PROGRESS"));
    let (_, out) = call(&local, "DescribeChangeSet", &[("ChangeSetName", "one")]);
    assert!(out.contains("StackName must be specified"), "{out}");
}
