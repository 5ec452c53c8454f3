//! The developer guide's function examples, each stated with the guide's result, plus
//! rows of the functions' argument tables.

use super::{V1, V2, j, json, run_on, stmt, value, value_v, value1};
use crate::iotsql::{Message, Output};

fn s(text: &str) -> Option<serde_json::Value> {
    Some(serde_json::Value::String(text.to_owned()))
}
fn some(text: &str) -> Option<serde_json::Value> {
    Some(j(text))
}

fn close(got: Option<serde_json::Value>, want: f64) {
    let got = got.and_then(|g| g.as_f64());
    assert!(
        got.is_some_and(|g| (g - want).abs() <= want.abs() * 1e-15),
        "{got:?} != {want}"
    );
}

// ----- math --------------------------------------------------------------------------

#[test]
fn abs_examples() {
    assert_eq!(value1("abs(-5)"), some("5"));
    assert_eq!(value1("abs(-5.5)"), some("5.5"));
    // Conversions page: abs("-5.123") is treated as abs(-5.123).
    assert_eq!(value1("abs('-5.123')"), some("5.123"));
    assert_eq!(value1("abs(true)"), None);
    assert_eq!(value1("abs(NULL)"), None);
    assert_eq!(value1("abs('x')"), None);
}

#[test]
fn trig_examples() {
    assert_eq!(value1("acos(0)"), some("1.5707963267948966"));
    assert_eq!(value1("asin(0)"), some("0.0"));
    assert_eq!(value1("atan(0)"), some("0.0"));
    assert_eq!(value1("atan2(1, 0)"), some("1.5707963267948966"));
    assert_eq!(value1("cos(0)"), some("1.0"));
    close(value1("cosh(2.3)"), 5.037220649268761);
    assert_eq!(value1("sin(0)"), some("0.0"));
    close(value1("sinh(2.3)"), 4.936961805545957);
    close(value1("tan(3)"), -0.1425465430742778);
    close(value1("tanh(2.3)"), 0.9800963962661914);
    // Imaginary results are Undefined.
    assert_eq!(value1("acos(2)"), None);
    assert_eq!(value1("asin('5')"), None);
}

#[test]
fn exp_ln_log_sqrt_power() {
    assert_eq!(value1("exp(1)"), some("2.718281828459045"));
    assert_eq!(value1("ln(exp(1))"), some("1.0"));
    assert_eq!(value1("log(100)"), some("2.0"));
    assert_eq!(value1("sqrt(9)"), some("3.0"));
    assert_eq!(value1("power(2, 5)"), some("32.0"));
    assert_eq!(value1("power('2', '5')"), some("32.0"));
    assert_eq!(value1("power(2, true)"), None);
    // 2016-03-23 processes whole-number results as Ints.
    assert_eq!(value("power(2, 5)"), some("32"));
}

#[test]
fn bitwise_examples() {
    assert_eq!(value1("bitand(13, 5)"), some("5"));
    assert_eq!(value1("bitor(8, 5)"), some("13"));
    // The guide's bitxor example is written as bitor(13, 5) = 8; it is bitxor's result.
    assert_eq!(value1("bitxor(13, 5)"), some("8"));
    assert_eq!(value1("bitnot(13)"), some("2"));
    assert_eq!(value1("bitand(13.9, '5.2')"), some("5"));
    assert_eq!(value1("bitand('x', 5)"), None);
}

#[test]
fn cast_examples() {
    assert_eq!(value1("cast(true as Int)"), some("1"));
    assert_eq!(value1("cast(false as Integer)"), some("0"));
    assert_eq!(value1("cast(2.9 as Int)"), some("2"));
    assert_eq!(value1("cast('-1.2' as Int)"), some("-1"));
    assert_eq!(value1("cast(5 as String)"), s("5"));
    assert_eq!(value1("cast(2.5 as varchar)"), s("2.5"));
    assert_eq!(value1("cast(true as Text)"), s("true"));
    assert_eq!(value1("cast('5E-12' as Double)"), some("5e-12"));
    assert_eq!(value1("cast(true as Double)"), some("1.0"));
    assert_eq!(value1("cast(NULL as Int)"), None);
    assert_eq!(value1("cast(NULL as String)"), None);
    assert_eq!(value("cast(0 as Boolean)"), some("false"));
    assert_eq!(value("cast(0.5 as Bool)"), some("true"));
    assert_eq!(value("cast('TRUE' as Bool)"), some("true"));
    assert_eq!(value("cast('maybe' as Bool)"), None);
    assert_eq!(value("cast([1] as Bool)"), None);
    assert_eq!(value("cast([1, 'a'] as String)"), s(r#"[1,"a"]"#));
    // Decimal, Bool and Boolean arrived with 2016-03-23.
    assert!(crate::iotsql::parse("SELECT cast(1 AS Bool) FROM 'a'", V1).is_err());
}

#[test]
fn ceil_floor_round() {
    assert_eq!(value1("ceil(1.2)"), some("2"));
    assert_eq!(value1("ceil(-1.2)"), some("-1"));
    assert_eq!(value1("floor(1.2)"), some("1"));
    assert_eq!(value1("floor(-1.2)"), some("-2"));
    assert_eq!(value1("Round(1.2)"), some("1"));
    assert_eq!(value1("Round(1.5)"), some("2"));
    assert_eq!(value1("Round(1.7)"), some("2"));
    assert_eq!(value1("Round(-1.1)"), some("-1"));
    assert_eq!(value1("Round(-1.5)"), some("-2"));
    assert_eq!(value1("ceil('1.2')"), some("2"));
    assert_eq!(value1("floor(7)"), some("7"));
    assert_eq!(value1("round(true)"), None);
}

#[test]
fn sign_mod_remainder_nanvl_trunc() {
    assert_eq!(value1("sign(-7)"), some("-1"));
    assert_eq!(value1("sign(0)"), some("0"));
    assert_eq!(value1("sign(13)"), some("1"));
    assert_eq!(value1("sign('-2.5')"), some("-1"));
    assert_eq!(value1("mod(8, 3)"), some("2"));
    assert_eq!(value1("remainder(8, 3)"), some("2"));
    assert_eq!(value1("mod(8.5, 3)"), some("2.5"));
    assert_eq!(value1("mod('8', 3)"), some("2.0"));
    assert_eq!(value1("Nanvl(8, 3)"), some("8"));
    assert_eq!(value1("nanvl(missing, 3)"), some("3"));
    assert_eq!(value1("nanvl(NULL, 3)"), some("3"));
    assert_eq!(value1("trunc(2.3, 0)"), some("2"));
    assert_eq!(value1("trunc(2.3123, 2)"), some("2.31"));
    assert_eq!(value1("trunc(2.888, 2)"), some("2.88"));
    assert_eq!(value1("trunc(2.00, 5)"), some("2"));
}

#[test]
fn rand_is_a_fraction() {
    for _ in 0..20 {
        let r = value1("rand()").and_then(|v| v.as_f64());
        assert!(r.is_some_and(|r| (0.0..1.0).contains(&r)), "{r:?}");
    }
}

// ----- strings -----------------------------------------------------------------------

#[test]
fn chr_examples() {
    assert_eq!(value1("chr(65)"), s("A"));
    assert_eq!(value1("chr(49)"), s("1"));
    assert_eq!(value1("chr(65.9)"), s("A"));
    assert_eq!(value1("chr('66')"), s("B"));
    assert_eq!(value1("chr(300)"), None);
    assert_eq!(value1("chr(true)"), None);
}

#[test]
fn concat_examples() {
    assert_eq!(value1("concat()"), None);
    assert_eq!(value1("concat(1)"), s("1"));
    assert_eq!(value("concat([1, 2, 3], 4)"), some("[1, 2, 3, 4]"));
    assert_eq!(
        value("concat([1, 2, 3], \"hello\")"),
        some(r#"[1, 2, 3, "hello"]"#)
    );
    assert_eq!(value1("concat(\"con\", \"cat\")"), s("concat"));
    assert_eq!(value1("concat(1, \"hello\")"), s("1hello"));
    assert_eq!(value1("concat(\"he\",\"is\",\"man\")"), s("heisman"));
    assert_eq!(
        value("concat([1, 2, 3], \"hello\", [4, 5, 6])"),
        some(r#"[1, 2, 3, "hello", 4, 5, 6]"#)
    );
}

#[test]
fn endswith_startswith() {
    assert_eq!(value1("endswith(\"cat\",\"at\")"), some("true"));
    assert_eq!(value1("startswith(\"ranger\",\"ran\")"), some("true"));
    assert_eq!(value1("startswith(\"ranger\",\"x\")"), some("false"));
    assert_eq!(value1("endswith(123, 3)"), some("true"));
    assert_eq!(value1("endswith(NULL, 'a')"), None);
    assert_eq!(value1("startswith('a', missing)"), None);
}

#[test]
fn indexof_length_numbytes() {
    assert_eq!(value("indexof(\"abcd\", \"bc\")"), some("1"));
    assert_eq!(value("indexof(\"abcd\", \"x\")"), some("-1"));
    assert_eq!(value("length(\"hi\")"), some("2"));
    assert_eq!(value("length(false)"), some("5"));
    assert_eq!(value("numbytes(\"hi\")"), some("2"));
    assert_eq!(value("numbytes(\"€\")"), some("3"));
    assert!(crate::iotsql::parse("SELECT length('a') FROM 'a'", V1).is_err());
}

#[test]
fn lower_upper() {
    assert_eq!(value1("lower(\"HELLO\")"), s("hello"));
    assert_eq!(value("lower([\"HELLO\"])"), s("[\"hello\"]"));
    assert_eq!(value1("upper(\"hello\")"), s("HELLO"));
    assert_eq!(value("upper([\"hello\"])"), s("[\"HELLO\"]"));
}

#[test]
fn padding() {
    assert_eq!(value1("lpad(\"hello\", 2)"), s("  hello"));
    assert_eq!(value1("lpad(1, 3)"), s("   1"));
    assert_eq!(value1("rpad(\"hello\", 2)"), s("hello  "));
    assert_eq!(value1("rpad(1, 3)"), s("1   "));
    assert_eq!(value1("lpad('a', 2.9)"), s("  a"));
    assert_eq!(value1("lpad('a', '1')"), s(" a"));
    assert_eq!(value1("lpad('a', -4)"), s("a"));
    assert_eq!(value("length(rpad('', 5000))"), some("1000"));
    assert_eq!(value1("lpad('a', true)"), None);
}

#[test]
fn trimming() {
    // The guide prints Ltrim(" h i ") as "hi "; leading white space is what goes.
    assert_eq!(value1("Ltrim(\" h i \")"), s("h i "));
    assert_eq!(value1("rtrim(\" h i \")"), s(" h i"));
    assert_eq!(value1("Trim(\" hi \")"), s("hi"));
    assert_eq!(value1("trim('\t x \t')"), s("x"));
    assert_eq!(value1("trim(NULL)"), None);
}

#[test]
fn replace_examples() {
    assert_eq!(value1("replace(\"abcd\", \"bc\", \"x\")"), s("axd"));
    assert_eq!(value1("replace(\"abcdabcd\", \"b\", \"x\")"), s("axcdaxcd"));
    assert_eq!(value1("replace(1.5, '.', ',')"), s("1,5"));
}

#[test]
fn substring_examples() {
    assert_eq!(value1("substring(\"012345\", 0)"), s("012345"));
    assert_eq!(value1("substring(\"012345\", 2)"), s("2345"));
    assert_eq!(value1("substring(\"012345\", 2.745)"), s("2345"));
    assert_eq!(value1("substring(123, 2)"), s("3"));
    assert_eq!(value1("substring(\"012345\", -1)"), s("012345"));
    assert_eq!(value1("substring(true, 1.2)"), s("rue"));
    assert_eq!(value1("substring(false, -2.411E247)"), s("false"));
    assert_eq!(value1("substring(\"012345\", 1, 3)"), s("12"));
    assert_eq!(value1("substring(\"012345\", -50, 50)"), s("012345"));
    assert_eq!(value1("substring(\"012345\", 3, 1)"), s(""));
}

#[test]
fn regexp_examples() {
    assert_eq!(value1("regexp_matches(\"aaaa\", \"a{2,}\")"), some("true"));
    assert_eq!(value1("regexp_matches(\"aaaa\", \"b\")"), some("false"));
    assert_eq!(value1("regexp_replace(\"abcd\", \"bc\", \"x\")"), s("axd"));
    assert_eq!(
        value1("regexp_replace(\"abcd\", \"b(.*)d\", \"$1\")"),
        s("ac")
    );
    assert_eq!(value1("regexp_substr(\"hihihello\", \"hi\")"), s("hi"));
    assert_eq!(value1("regexp_substr(\"hihihello\", \"(hi)*\")"), s("hihi"));
    // Invalid patterns are Undefined, literal or computed.
    assert_eq!(value1("regexp_matches('a', '(')"), None);
    assert_eq!(value1("regexp_matches('a', concat('(', ''))"), None);
    assert_eq!(value1("regexp_matches(NULL, 'a')"), None);
    assert_eq!(value1("regexp_matches(123, '\\d+')"), some("true"));
}

// ----- values and types --------------------------------------------------------------

#[test]
fn get_examples() {
    assert_eq!(value("get([\"a\", \"b\", \"c\"], 1)"), s("b"));
    assert_eq!(value("get({\"a\":\"b\"}, \"a\")"), s("b"));
    // The guide prints get("abc", 1) as "a", but its table says 0-based index, as for
    // arrays; index 1 of "abc" is "b".
    assert_eq!(value1("get(\"abc\", 1)"), s("b"));
    assert_eq!(value("get([1, 2], 5)"), None);
    assert_eq!(value("get([1, 2], -1)"), None);
    assert_eq!(value("get([1, 2], '1')"), some("2"));
    assert_eq!(value("get({'1': 'x'}, 1)"), None);
    assert_eq!(value1("get(5, 0)"), None);
}

#[test]
fn is_null_and_is_undefined() {
    assert_eq!(value1("isNull(5)"), some("false"));
    assert_eq!(value1("isNull(Null)"), some("true"));
    assert_eq!(value1("isNull(missing)"), some("false"));
    assert_eq!(value("isUndefined(5)"), some("false"));
    assert_eq!(value("isUndefined(floor([1,2,3]))"), some("true"));
    assert_eq!(value("isUndefined(NULL)"), some("false"));
}

#[test]
fn type_checks() {
    let payload = r#"{"s":"x","i":1,"d":1.5,"b":true,"a":[],"o":{},"n":null,"e":""}"#;
    let check = |f: &str, key: &str| value_v(&format!("{f}({key})"), V1, payload);
    assert_eq!(check("isString", "s"), some("true"));
    assert_eq!(check("isString", "i"), some("false"));
    assert_eq!(check("isNumber", "i"), some("true"));
    assert_eq!(check("isNumber", "d"), some("true"));
    assert_eq!(check("isNumber", "s"), some("false"));
    assert_eq!(check("isBoolean", "b"), some("true"));
    assert_eq!(check("isArray", "a"), some("true"));
    assert_eq!(check("isObject", "o"), some("true"));
    assert_eq!(check("isObject", "a"), some("false"));
    assert_eq!(check("isEmpty", "a"), some("true"));
    assert_eq!(check("isEmpty", "o"), some("true"));
    assert_eq!(check("isEmpty", "e"), some("true"));
    assert_eq!(check("isEmpty", "s"), some("false"));
    assert_eq!(check("isEmpty", "n"), some("false"));
    assert_eq!(check("ISSTRING", "s"), some("true"));
}

#[test]
fn get_or_default_fills_gaps() {
    assert_eq!(value("get_or_default(missing, 'none')"), s("none"));
    assert_eq!(value("get_or_default(NULL, 1)"), some("1"));
    assert_eq!(value("get_or_default(2, 1)"), some("2"));
}

const TRANSFORM_PAYLOAD: &str = r#"{
    "attributes": {"data1": 1, "data2": 2},
    "values": [{"a": 3}, {"b": 4}, {"c": 5}]
}"#;

#[test]
fn transform_example_1() {
    let out = json(
        "select value transform(\"enrichArray\", attributes, values) from 'A/B'",
        V2,
        TRANSFORM_PAYLOAD,
    );
    assert_eq!(
        out,
        j(
            r#"[{"a": 3, "data1": 1, "data2": 2}, {"b": 4, "data1": 1, "data2": 2}, {"c": 5, "data1": 1, "data2": 2}]"#
        )
    );
}

#[test]
fn transform_example_2() {
    let out = json(
        "select value transform(\"enrichArray\", {\"key\": attributes.data1}, values) from 'A/B'",
        V2,
        TRANSFORM_PAYLOAD,
    );
    assert_eq!(
        out,
        j(r#"[{"a": 3, "key": 1}, {"b": 4, "key": 1}, {"c": 5, "key": 1}]"#)
    );
}

#[test]
fn transform_example_3() {
    let payload = r#"{
      "data1": "example",
      "data2": {
        "a": "first attribute",
        "b": "second attribute",
        "c": [
          {"x": {"someInt": 5, "someString": "hello"}, "y": true},
          {"x": {"someInt": 10, "someString": "world"}, "y": false}
        ]
      }
    }"#;
    let out = json(
        "select value transform('enrichArray', (select a, b from data2), (select value c from data2)) from 'A/B'",
        V2,
        payload,
    );
    assert_eq!(
        out,
        j(r#"[
          {"x": {"someInt": 5, "someString": "hello"}, "y": true, "a": "first attribute", "b": "second attribute"},
          {"x": {"someInt": 10, "someString": "world"}, "y": false, "a": "first attribute", "b": "second attribute"}
        ]"#)
    );
    assert_eq!(value("transform('other', {}, [])"), None);
}

// ----- encoding and hashing ----------------------------------------------------------

#[test]
fn decode_example() {
    let out = json(
        "SELECT decode(encoded_temp,\"base64\").temperature AS temp from 'topic/subtopic'",
        V2,
        r#"{"encoded_temp": "eyAidGVtcGVyYXR1cmUiOiAzMyB9Cg=="}"#,
    );
    assert_eq!(out, j(r#"{ "temp": 33 }"#));
    // Not JSON: the decoded string; not base64: Null.
    assert_eq!(value("decode('aGk=', 'base64')"), s("hi"));
    assert_eq!(value("decode('%%%', 'base64')"), some("null"));
    assert_eq!(value("decode('aGk=', 'rot13')"), None);
}

#[test]
fn encode_converts_values_to_strings() {
    assert_eq!(value("encode('hi', 'base64')"), s("aGk="));
    assert_eq!(value("encode(12, 'base64')"), s("MTI="));
    assert_eq!(value("encode(NULL, 'base64')"), None);
    let out = json(
        "SELECT encode(*, 'base64') AS raw FROM 'a'",
        V2,
        r#"{"a": 1}"#,
    );
    assert_eq!(out, j(r#"{"raw":"eyJhIjogMX0="}"#));
}

#[test]
fn hashing_examples() {
    assert_eq!(
        value1("md2(\"hello\")"),
        s("a9046c73e00331af68917d3804f70655")
    );
    assert_eq!(
        value1("md5(\"hello\")"),
        s("5d41402abc4b2a76b9719d911017c592")
    );
    assert_eq!(
        value1("sha1('hello')"),
        s("aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d")
    );
    assert_eq!(
        value1("sha256('hello')"),
        s("2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824")
    );
    assert_eq!(
        value1("sha224('hello')"),
        s("ea09ae9cc6768c50fcee903ed054556e5bfc8347907f12598aa24193")
    );
    assert_eq!(value1("crc32('hello')"), s("3610a686"));
    assert_eq!(
        value1("sha384('hello')").map(|v| v.to_string().len()),
        Some(98)
    );
    assert_eq!(
        value1("sha512('hello')").map(|v| v.to_string().len()),
        Some(130)
    );
    // Standard string conversions apply to non-strings.
    assert_eq!(value1("md5(1)"), value1("md5('1')"));
    assert_eq!(value1("md5(missing)"), None);
}

// ----- message context ---------------------------------------------------------------

#[test]
fn context_functions() {
    assert_eq!(value1("accountid()"), s("123456789012"));
    assert_eq!(value1("clientid()"), s("sensor-client"));
    assert_eq!(
        value1("principal()"),
        s("ba67293af50bf2506f5f93469686da660c7c844e7b3950bfb16813e0d31e9373")
    );
    assert_eq!(value1("timestamp()"), some("1481825251155"));
    assert_eq!(
        value1("traceid()"),
        s("12345678-1234-1234-1234-123456789012")
    );
    assert_eq!(value1("sql_version()"), s("2015-10-08"));
    assert_eq!(value("sql_version()"), s("2016-03-23"));
    let uuid = value1("newuuid()").and_then(|v| v.as_str().map(str::to_owned));
    assert!(uuid.is_some_and(|u| u.len() == 36 && u.as_bytes()[14] == b'4'));
}

#[test]
fn context_defaults_without_mqtt() {
    let msg = Message::new("a", b"{}");
    let rule = stmt(
        "SELECT clientid() AS c, principal() AS p, traceid() AS t FROM 'a'",
        V1,
    );
    let Ok(Some(Output::Json(out))) = rule.evaluate(&msg) else {
        panic!("rule did not fire")
    };
    assert_eq!(out.get("c"), s("n/a").as_ref());
    assert_eq!(out.get("p"), None);
    assert!(
        out.get("t")
            .and_then(|t| t.as_str())
            .is_some_and(|t| t.len() == 36)
    );
}

#[test]
fn topic_examples() {
    let sql =
        "SELECT topic() AS all, topic(1) AS first, topic(3) AS third, topic(9) AS none FROM '#'";
    let out = run_on(sql, V1, "things/myThings/thingOne", "{}");
    assert_eq!(
        out,
        Some(Output::Json(j(
            r#"{"all":"things/myThings/thingOne","first":"things","third":"thingOne"}"#
        )))
    );
}

#[test]
fn topic_with_basic_ingest() {
    let rule = stmt("SELECT topic() AS t, topic(3) AS third", V1);
    assert_eq!(rule.topic_filter(), "");
    let topic = "$aws/rules/BuildingManager/Buildings/Building5/Floor2/Room201/Lights";
    let msg = Message::new(topic, b"{}");
    assert_eq!(
        rule.evaluate(&msg),
        Ok(Some(Output::Json(j(
            r#"{"t":"Buildings/Building5/Floor2/Room201/Lights","third":"Floor2"}"#
        ))))
    );
    assert_eq!(rule.evaluate(&Message::new("a/b", b"{}")), Ok(None));
}

// ----- time --------------------------------------------------------------------------

#[test]
fn parse_time_examples() {
    assert_eq!(
        value("parse_time(\"yyyy.MM.dd G 'at' HH:mm:ss z\", 100000000, 'America/Belize' )"),
        s("1970.01.01 AD at 21:46:40 CST")
    );
    // With timestamp(): 1481825251155 is 2016-12-15T18:07:31.155Z.
    assert_eq!(
        value("parse_time(\"yyyy.MM.dd G 'at' HH:mm:ss z\", timestamp() )"),
        s("2016.12.15 AD at 18:07:31 UTC")
    );
    assert_eq!(value("parse_time('yyyy', 'x')"), None);
    assert_eq!(value("parse_time('yyyy', 0, 'Nowhere/Land')"), None);
}

#[test]
fn time_to_epoch_examples() {
    assert_eq!(
        value("time_to_epoch(\"2020-04-03 09:45:18 UTC+01:00\", \"yyyy-MM-dd HH:mm:ss VV\")"),
        some("1585903518000")
    );
    assert_eq!(
        value("time_to_epoch(\"18 December 2015\", \"dd MMMM yyyy\")"),
        some("1450396800000")
    );
    assert_eq!(
        value(
            "time_to_epoch(\"2007-12-03 10:15:30.592 America/Los_Angeles\", \"yyyy-MM-dd HH:mm:ss.SSS z\")"
        ),
        some("1196705730592")
    );
    assert_eq!(value("time_to_epoch('not a date', 'yyyy')"), None);
}

#[test]
fn time_functions_round_trip() {
    let out = value(
        "time_to_epoch(parse_time('yyyy-MM-dd HH:mm:ss.SSS Z', 1598536072677, 'Europe/Berlin'), 'yyyy-MM-dd HH:mm:ss.SSS Z')",
    );
    assert_eq!(out, some("1598536072677"));
}

// ----- functions that call other services --------------------------------------------

#[test]
fn external_functions_parse_but_do_not_run() {
    let cases = [
        (
            "SELECT aws_lambda(\"arn:aws:lambda:us-east-1:account_id:function:lambda_function\", {\"payload\":attribute1}) as output FROM 'topic-filter'",
            "aws_lambda",
        ),
        (
            "SELECT aws_lambda(\"arn:aws:lambda:us-east-1:account_id:function:lambda_function\", *) as output FROM 'topic-filter'",
            "aws_lambda",
        ),
        (
            "SELECT *, get_dynamodb(\"InServiceDevices\", \"deviceId\", id, \"arn:aws:iam::12345678910:role/getdynamo\").location AS location FROM 'some/topic'",
            "get_dynamodb",
        ),
        (
            "SELECT * from 'topic/subtopic' WHERE get_thing_shadow(\"MyThing\",\"MyThingShadow\",\"arn:aws:iam::123456789012:role/AllowsThingShadowAccess\").state.reported.alarm = 'ON'",
            "get_thing_shadow",
        ),
        (
            "SELECT * from 'topic/subtopic' WHERE get_thing_shadow(\"MyThing\",\"arn:aws:iam::123456789012:role/AllowsThingShadowAccess\").state.reported.alarm = 'ON'",
            "get_thing_shadow",
        ),
        (
            "SELECT machinelearning_predict('model', 'arn:aws:iam::1:role/r', *) AS p FROM 'a'",
            "machinelearning_predict",
        ),
        (
            "SELECT get_registry_data('DescribeThing', 'thing', 'arn:aws:iam::1:role/r') AS r FROM 'a'",
            "get_registry_data",
        ),
    ];
    for (sql, name) in cases {
        let rule = stmt(sql, V2);
        let payload = r#"{"attribute1": 21, "attribute2": "value", "id": "d1"}"#;
        let msg = Message::new(rule.topic_filter(), payload.as_bytes());
        let err = rule.evaluate(&msg);
        let want = format!("`{name}()` calls another AWS service and is not available offline");
        assert!(
            matches!(&err, Err(e) if e.message() == want),
            "{sql}: {err:?}"
        );
    }
}

#[test]
fn wrong_argument_counts_are_undefined() {
    assert_eq!(value1("abs()"), None);
    assert_eq!(value1("abs(1, 2)"), None);
    assert_eq!(value1("topic(1, 2)"), None);
    assert_eq!(value1("substring('abc')"), None);
}

#[test]
fn function_names_ignore_case() {
    assert_eq!(value1("UPPER('a')"), s("A"));
    assert_eq!(
        value1("Md5('hello')"),
        s("5d41402abc4b2a76b9719d911017c592")
    );
    let rule = stmt("SELECT ISNULL(x) AS n FROM 'a'", V1);
    assert_eq!(rule.to_string(), "SELECT isNull(x) AS n FROM 'a'");
}
