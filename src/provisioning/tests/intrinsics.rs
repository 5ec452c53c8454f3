//! Every intrinsic function, nested ones, conditions, and the shapes they refuse.

use serde_json::{Value, json};

use super::super::*;
use super::{params, parse, with_certificate};

/// Evaluates a template read with `dialect`, the certificate id supplied.
pub(super) fn run(
    dialect: Dialect,
    body: Value,
    pairs: &[(&str, &str)],
) -> Result<Plan, TemplateError> {
    let template = Template::parse_with(&body.to_string(), dialect)?;
    let mut parameters = params(pairs);
    parameters.insert(CERTIFICATE_ID_PARAMETER.into(), "cert".into());
    evaluate(&template, &parameters)
}

/// A template whose device configuration `v` is `expr`, with `extra` sections.
pub(super) fn config(expr: Value, extra: Value) -> Value {
    let mut body = with_certificate(extra);
    body["DeviceConfiguration"] = json!({ "v": expr });
    body
}

/// The value of `expr` as a device configuration entry.
fn value(expr: Value, pairs: &[(&str, &str)]) -> Result<Option<String>, TemplateError> {
    let plan = run(Dialect::Documented, config(expr, json!({})), pairs)?;
    Ok(plan.device_configuration.get("v").cloned())
}

fn mapped(expr: Value, pairs: &[(&str, &str)]) -> Result<Option<String>, TemplateError> {
    let mappings = json!({"Mappings": {"Sites": {
        "gh1": {"Name": "green-house", "Zones": ["north", "south"]},
        "f7": {"Name": "field"}
    }}});
    let plan = run(Dialect::Documented, config(expr, mappings), pairs)?;
    Ok(plan.device_configuration.get("v").cloned())
}

/// The message `expr` is refused with when the template is read.
fn refused(expr: Value) -> String {
    parse(config(expr, json!({}))).unwrap_err().to_string()
}

fn some(text: &str) -> Result<Option<String>, TemplateError> {
    Ok(Some(text.to_string()))
}

#[test]
fn ref_and_join() {
    assert_eq!(
        value(json!({"Ref": "Serial"}), &[("Serial", "S1")]),
        some("S1")
    );
    assert_eq!(
        value(
            json!({"Fn::Join": ["-", ["a", {"Ref": "Serial"}, 5, true]]}),
            &[("Serial", "S1")]
        ),
        some("a-S1-5-true")
    );
    assert_eq!(
        value(json!({"Fn::Join": ["", ["x", "y"]]}), &[]),
        some("xy")
    );
    assert_eq!(value(json!({"Fn::Join": [",", []]}), &[]), some(""));
}

#[test]
fn split_and_select_nest() {
    assert_eq!(
        value(
            json!({"Fn::Join": ["+", {"Fn::Split": [",", "x,y,z"]}]}),
            &[]
        ),
        some("x+y+z")
    );
    assert_eq!(
        value(json!({"Fn::Select": ["1", ["a", "b"]]}), &[]),
        some("b")
    );
    assert_eq!(
        value(
            json!({"Fn::Select": [2, {"Fn::Split": ["/", {"Ref": "Path"}]}]}),
            &[("Path", "soil/gh1/n3")]
        ),
        some("n3")
    );
    assert_eq!(
        value(
            json!({"Fn::Select": [{"Ref": "I"}, {"Fn::Split": [":", "a:b:c"]}]}),
            &[("I", "0")]
        ),
        some("a")
    );
    // Split into thing groups, repeats dropped.
    let body = json!({"Resources": {"t": {"Type": "AWS::IoT::Thing", "Properties": {
        "ThingName": "t",
        "ThingGroups": {"Fn::Split": [",", {"Ref": "Groups"}]}
    }}}});
    let plan = run(Dialect::Documented, body, &[("Groups", "a,b,a")]).unwrap();
    assert_eq!(plan.thing.unwrap().groups, ["a", "b"]);
}

#[test]
fn select_checks_its_index() {
    assert_eq!(
        refused(json!({"Fn::Select": [3, ["a", "b"]]})),
        "DeviceConfiguration.v: Fn::Select: index 3 is out of range for a list of 2"
    );
    assert_eq!(
        refused(json!({"Fn::Select": ["first", ["a"]]})),
        "DeviceConfiguration.v: Fn::Select: the index must be a whole number"
    );
    let err = value(
        json!({"Fn::Select": [5, {"Fn::Split": [",", {"Ref": "L"}]}]}),
        &[("L", "a,b")],
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "DeviceConfiguration.v: Fn::Select: index 5 is out of range for a list of 2"
    );
    assert_eq!(err.error_code(), "InvalidParameters");
    assert_eq!(
        value(json!({"Fn::Select": [{"Ref": "I"}, ["a"]]}), &[("I", "-1")])
            .unwrap_err()
            .to_string(),
        "DeviceConfiguration.v: Fn::Select: the index \"-1\" is not a whole number"
    );
    assert_eq!(
        value(json!({"Fn::Select": [0, [null]]}), &[])
            .unwrap_err()
            .to_string(),
        "DeviceConfiguration.v: Fn::Select: item 0 is null"
    );
}

#[test]
fn find_in_map() {
    assert_eq!(
        mapped(
            json!({"Fn::FindInMap": ["Sites", {"Ref": "Site"}, "Name"]}),
            &[("Site", "f7")]
        ),
        some("field")
    );
    // A list value feeds Fn::Select; three functions deep over a parameter.
    assert_eq!(
        mapped(
            json!({"Fn::Join": [":", [
                {"Fn::Select": [1, {"Fn::FindInMap": ["Sites", {"Ref": "Site"}, "Zones"]}]},
                {"Fn::Select": [0, {"Fn::Split": ["-",
                    {"Fn::FindInMap": ["Sites", {"Ref": "Site"}, "Name"]}]}]},
                {"Fn::Sub": ["${s}!", {"s": {"Ref": "Site"}}]}
            ]]}),
            &[("Site", "gh1")]
        ),
        some("south:green:gh1!")
    );
    let err = mapped(
        json!({"Fn::FindInMap": ["Sites", {"Ref": "Site"}, "Name"]}),
        &[("Site", "moon")],
    )
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        "DeviceConfiguration.v: Fn::FindInMap: mapping Sites has no top-level key \"moon\""
    );
    assert_eq!(
        mapped(
            json!({"Fn::FindInMap": ["Sites", {"Ref": "Site"}, "Zones"]}),
            &[("Site", "f7")]
        )
        .unwrap_err()
        .to_string(),
        "DeviceConfiguration.v: Fn::FindInMap: mapping Sites.f7 has no key \"Zones\""
    );
    // Names written out are looked up when the template is read.
    let read = |expr: Value| {
        let body = config(expr, json!({"Mappings": {"Sites": {"gh1": {"Name": "n"}}}}));
        parse(body).unwrap_err().to_string()
    };
    assert_eq!(
        read(json!({"Fn::FindInMap": ["Places", "gh1", "Name"]})),
        "DeviceConfiguration.v: Fn::FindInMap: there is no mapping named \"Places\""
    );
    assert_eq!(
        read(json!({"Fn::FindInMap": ["Sites", "f9", "Name"]})),
        "DeviceConfiguration.v: Fn::FindInMap: mapping Sites has no top-level key \"f9\""
    );
    assert_eq!(
        read(json!({"Fn::FindInMap": ["Sites", "gh1", "Url"]})),
        "DeviceConfiguration.v: Fn::FindInMap: mapping Sites.gh1 has no key \"Url\""
    );
}

#[test]
fn sub() {
    assert_eq!(
        value(
            json!({"Fn::Sub": "soil/${Site}/${Serial}"}),
            &[("Site", "gh1"), ("Serial", "7")]
        ),
        some("soil/gh1/7")
    );
    assert_eq!(
        value(
            json!({"Fn::Sub": "${!Literal} and ${Serial}"}),
            &[("Serial", "7")]
        ),
        some("${Literal} and 7")
    );
    assert_eq!(
        value(
            json!({"Fn::Sub": ["${Prefix}-${Serial}", {"Prefix": {"Fn::Join": ["", ["so", "il"]]}}]}),
            &[("Serial", "7")]
        ),
        some("soil-7")
    );
    assert_eq!(
        value(json!({"Fn::Sub": "no variables"}), &[]),
        some("no variables")
    );
    assert_eq!(
        value(json!({"Fn::Sub": "${Nope}"}), &[]).unwrap_err(),
        TemplateError::UnresolvedReference {
            at: "DeviceConfiguration.v".into(),
            name: "Nope".into()
        }
    );
    assert_eq!(
        refused(json!({"Fn::Sub": "soil/${Site"})),
        "DeviceConfiguration.v: Fn::Sub: unclosed ${ in \"soil/${Site\""
    );
    assert_eq!(
        refused(json!({"Fn::Sub": "${thing.Arn}"})),
        "DeviceConfiguration.v: Fn::Sub: ${thing.Arn} names a resource attribute; provisioning \
         templates can only substitute parameters and the variables given"
    );
    assert_eq!(
        refused(json!({"Fn::Sub": "${}"})),
        "DeviceConfiguration.v: Fn::Sub: empty ${} in \"${}\""
    );
    assert_eq!(
        refused(json!({"Fn::Sub": ["${a}", ["a"]]})),
        "DeviceConfiguration.v: Fn::Sub: the variables must be an object"
    );
    assert_eq!(
        refused(json!({"Fn::Sub": 5})),
        "DeviceConfiguration.v: Fn::Sub: takes a string or [string, {variables}]"
    );
}

#[test]
fn unknown_intrinsics_are_refused() {
    let err = parse(config(json!({"Fn::GetAtt": ["thing", "Arn"]}), json!({}))).unwrap_err();
    assert_eq!(
        err,
        TemplateError::UnknownIntrinsic {
            at: "DeviceConfiguration.v".into(),
            function: "Fn::GetAtt".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "DeviceConfiguration.v: Fn::GetAtt is not an intrinsic function of AWS IoT provisioning \
         templates (they have Ref, Fn::Join, Fn::Select, Fn::Split, Fn::FindInMap and Fn::Sub)"
    );
    // Deep inside a property too.
    let body = json!({"Resources": {"t": {"Type": "AWS::IoT::Thing", "Properties": {
        "ThingName": {"Fn::Join": ["", ["a", {"Fn::ImportValue": "x"}]]}
    }}}});
    assert_eq!(
        parse(body).unwrap_err(),
        TemplateError::UnknownIntrinsic {
            at: "Resources.t.Properties.ThingName[1][1]".into(),
            function: "Fn::ImportValue".into()
        }
    );
}

#[test]
fn bad_argument_shapes() {
    let cases = [
        (
            json!({"Fn::Join": "a,b"}),
            "Fn::Join: takes [delimiter, list]",
        ),
        (
            json!({"Fn::Join": [{"Ref": "D"}, ["a"]]}),
            "Fn::Join: the delimiter must be a literal string",
        ),
        (
            json!({"Fn::Join": [",", "ab"]}),
            "Fn::Join: the list argument must be a list",
        ),
        (
            json!({"Fn::Select": [0, ["a"], 1]}),
            "Fn::Select: takes [index, list]",
        ),
        (
            json!({"Fn::Split": ["", "ab"]}),
            "Fn::Split: the delimiter must not be empty",
        ),
        (
            json!({"Fn::Split": [",", ["a"]]}),
            "Fn::Split: expects a string here",
        ),
        (
            json!({"Fn::FindInMap": ["M", "k"]}),
            "Fn::FindInMap: takes [map name, top-level key, second-level key]",
        ),
        (
            json!({"Ref": ["a"]}),
            "Ref: the name must be a literal string",
        ),
    ];
    for (expr, message) in cases {
        assert_eq!(refused(expr), format!("DeviceConfiguration.v: {message}"));
    }
    assert_eq!(
        refused(json!({"Ref": "a", "Fn::Join": []})),
        "DeviceConfiguration.v: Ref must be the only key of its object"
    );
    // Shapes only known at registration.
    assert_eq!(
        value(json!({"Fn::Join": [",", {"Ref": "S"}]}), &[("S", "a,b")])
            .unwrap_err()
            .to_string(),
        "DeviceConfiguration.v: Fn::Join: expected a list, got a string"
    );
    assert_eq!(
        value(
            json!({"Fn::Join": [",", {"Fn::Select": [0, [[{"a": 1}]]]}]}),
            &[]
        )
        .unwrap_err()
        .to_string(),
        "DeviceConfiguration.v: Fn::Join: cannot join an object"
    );
}

#[test]
fn the_documented_dialect_refuses_extensions() {
    let cases = [
        (json!({"Fn::If": ["c", "a", "b"]}), "Fn::If"),
        (json!({"Fn::Base64": "a"}), "Fn::Base64"),
        (json!({"Fn::Equals": ["a", "b"]}), "Fn::Equals"),
        (json!({"Ref": "AWS::NoValue"}), "AWS::NoValue"),
    ];
    for (expr, function) in cases {
        assert_eq!(
            parse(config(expr, json!({}))).unwrap_err(),
            TemplateError::NotInDialect {
                at: "DeviceConfiguration.v".into(),
                function: function.into()
            }
        );
    }
    let conditions = with_certificate(json!({"Conditions": {"c": {"Fn::Equals": ["a", "a"]}}}));
    assert_eq!(
        parse(conditions).unwrap_err().to_string(),
        "Conditions: the Conditions section is not part of provisioning templates as the AWS \
         IoT developer guide documents them (parse with Dialect::Extended to accept it)"
    );
    let mut conditional = with_certificate(json!({}));
    conditional["Resources"]["certificate"]["Condition"] = json!("c");
    assert!(matches!(
        parse(conditional),
        Err(TemplateError::NotInDialect { .. })
    ));
}
