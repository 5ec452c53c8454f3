//! Examples from the developer guide's SQL reference pages (SQL reference, SELECT, FROM,
//! WHERE, data types, literals, CASE, JSON extensions, nested object queries, SQL
//! versions, binary payloads and substitution templates), each with the guide's result.

use super::{V1, V2, j, json, run_on, stmt};
use crate::iotsql::{Message, Output, Template};

const COLOR_TEMP: &str = r#"{"color":"red", "temperature":50}"#;

// ----- SQL reference overview --------------------------------------------------------

#[test]
fn reference_overview_example() {
    let out = json(
        "SELECT color AS rgb FROM 'topic/subtopic' WHERE temperature > 50",
        V1,
        r#"{"color":"red","temperature":100}"#,
    );
    assert_eq!(out, j(r#"{"rgb":"red"}"#));
}

// ----- SELECT clause -----------------------------------------------------------------

#[test]
fn select_star_returns_the_payload() {
    let out = json("SELECT * FROM 'topic/subtopic'", V1, COLOR_TEMP);
    assert_eq!(out, j(COLOR_TEMP));
}

#[test]
fn select_a_key() {
    let out = json("SELECT color FROM 'topic/subtopic'", V1, COLOR_TEMP);
    assert_eq!(out, j(r#"{"color":"red"}"#));
}

#[test]
fn select_with_alias() {
    let out = json(
        "SELECT color AS my_color FROM 'topic/subtopic'",
        V1,
        COLOR_TEMP,
    );
    assert_eq!(out, j(r#"{"my_color":"red"}"#));
}

#[test]
fn select_several_items() {
    let out = json(
        "SELECT color as my_color, temperature as fahrenheit FROM 'topic/subtopic'",
        V1,
        COLOR_TEMP,
    );
    assert_eq!(out, j(r#"{"my_color":"red","fahrenheit":50}"#));
}

#[test]
fn select_star_plus_items() {
    let out = json(
        "SELECT *, 15 as speed FROM 'topic/subtopic'",
        V1,
        COLOR_TEMP,
    );
    assert_eq!(out, j(r#"{"color":"red", "temperature":50, "speed":15}"#));
    // Keys keep the payload's order, then the added items.
    assert_eq!(
        out.to_string(),
        r#"{"color":"red","temperature":50,"speed":15}"#
    );
}

#[test]
fn select_value_outputs_a_bare_value() {
    let out = json("SELECT VALUE color FROM 'topic/subtopic'", V1, COLOR_TEMP);
    assert_eq!(out, j(r#""red""#));
}

#[test]
fn select_drills_into_nested_objects() {
    let out = json(
        "SELECT color.red as red_value FROM 'topic/subtopic'",
        V1,
        r#"{"color":{"red":255,"green":0,"blue":0}, "temperature":50}"#,
    );
    assert_eq!(out, j(r#"{"red_value":255}"#));
}

#[test]
fn select_with_functions_and_grouping() {
    let out = json(
        "SELECT (temperature - 32) * 5 / 9 AS celsius, upper(color) as my_color FROM 'topic/subtopic'",
        V1,
        COLOR_TEMP,
    );
    assert_eq!(out, j(r#"{"celsius":10,"my_color":"RED"}"#));
}

// ----- FROM clause -------------------------------------------------------------------

#[test]
fn from_exact_topic() {
    let sql = "SELECT temperature AS t FROM 'topic/subtopic'";
    let out = run_on(sql, V1, "topic/subtopic", r#"{"temperature": 50}"#);
    assert_eq!(out, Some(Output::Json(j(r#"{"t": 50}"#))));
    assert_eq!(
        run_on(sql, V1, "topic/subtopic-2", r#"{"temperature": 50}"#),
        None
    );
}

#[test]
fn from_multi_level_wildcard() {
    let sql = "SELECT temperature AS t FROM 'topic/#'";
    let cases = [
        (
            "topic/subtopic",
            r#"{"temperature": 50}"#,
            Some(r#"{"t": 50}"#),
        ),
        (
            "topic/subtopic-2",
            r#"{"temperature": 60}"#,
            Some(r#"{"t": 60}"#),
        ),
        (
            "topic/subtopic-3/details",
            r#"{"temperature": 70}"#,
            Some(r#"{"t": 70}"#),
        ),
        ("topic-2/subtopic-x", r#"{"temperature": 80}"#, None),
    ];
    for (topic, payload, want) in cases {
        let got = run_on(sql, V1, topic, payload);
        assert_eq!(got, want.map(|w| Output::Json(j(w))), "{topic}");
    }
}

#[test]
fn from_single_level_wildcard() {
    let sql = "SELECT temperature AS t FROM 'topic/+'";
    let cases = [
        (
            "topic/subtopic",
            r#"{"temperature": 50}"#,
            Some(r#"{"t": 50}"#),
        ),
        (
            "topic/subtopic-2",
            r#"{"temperature": 60}"#,
            Some(r#"{"t": 60}"#),
        ),
        ("topic/subtopic-3/details", r#"{"temperature": 70}"#, None),
        ("topic-2/subtopic-x", r#"{"temperature": 80}"#, None),
    ];
    for (topic, payload, want) in cases {
        let got = run_on(sql, V1, topic, payload);
        assert_eq!(got, want.map(|w| Output::Json(j(w))), "{topic}");
    }
}

// ----- WHERE clause ------------------------------------------------------------------

#[test]
fn where_false_gives_no_output() {
    let sql =
        "SELECT color AS my_color FROM 'topic/subtopic' WHERE temperature > 50 AND color <> 'red'";
    let out = run_on(
        sql,
        V1,
        "topic/subtopic",
        r#"{"color":"red", "temperature":40}"#,
    );
    assert_eq!(out, None);
}

#[test]
fn where_with_non_json_payload() {
    let sql = "SELECT decode(encode(*, 'base64'), 'base64') AS value FROM 'topic/subtopic' WHERE decode(encode(*, 'base64'), 'base64') > 50";
    let out = run_on(sql, V2, "topic/subtopic", "80");
    assert_eq!(out, Some(Output::Json(j(r#"{"value":80}"#))));
    assert_eq!(run_on(sql, V2, "topic/subtopic", "20"), None);
}

#[test]
fn where_undefined_does_not_fire() {
    let sql = "SELECT * FROM 'a' WHERE nothing = 1";
    assert_eq!(run_on(sql, V1, "a", r#"{"x":1}"#), None);
    // Undefined AND false is Undefined, not false; either way the rule does not fire.
    let sql = "SELECT * FROM 'a' WHERE NOT (nothing = 1 AND false)";
    assert_eq!(run_on(sql, V1, "a", r#"{"x":1}"#), None);
}

#[test]
fn where_cannot_see_select_aliases() {
    let sql = "SELECT temperature AS t FROM 'a' WHERE t > 1";
    assert_eq!(run_on(sql, V1, "a", r#"{"temperature":50}"#), None);
}

// ----- Data types --------------------------------------------------------------------

#[test]
fn null_keyword_creates_null() {
    let out = json("SELECT NULL AS n FROM 'topic/subtopic'", V1, "{}");
    assert_eq!(out, j(r#"{"n":null}"#));
}

#[test]
fn undefined_keys_are_omitted() {
    let out = json("SELECT foo, bar FROM 'a'", V1, r#"{"foo":null}"#);
    assert_eq!(out, j(r#"{"foo":null}"#));
}

#[test]
fn whole_number_decimals_depend_on_version() {
    // With 2016-03-23, 10.0 is processed as the Int 10; 2015-10-08 keeps the Decimal.
    let payload = r#"{"x": 10.0, "y": 2.5}"#;
    assert_eq!(
        json("SELECT x, y FROM 'a'", V1, payload),
        j(r#"{"x":10.0,"y":2.5}"#)
    );
    assert_eq!(
        json("SELECT x, y FROM 'a'", V2, payload),
        j(r#"{"x":10,"y":2.5}"#)
    );
    assert_eq!(
        json("SELECT * FROM 'a'", V2, payload),
        j(r#"{"x":10,"y":2.5}"#)
    );
    assert_eq!(
        json("SELECT * FROM 'a'", V1, payload),
        j(r#"{"x":10.0,"y":2.5}"#)
    );
    // The cast page notes the same for cast(... AS Decimal).
    assert_eq!(
        json("SELECT cast(x AS Decimal) AS d FROM 'a'", V2, payload),
        j(r#"{"d":10}"#)
    );
    assert_eq!(
        json("SELECT cast(x AS Double) AS d FROM 'a'", V1, payload),
        j(r#"{"d":10.0}"#)
    );
}

// ----- Literals (2016-03-23) ---------------------------------------------------------

#[test]
fn object_literal() {
    let out = json(
        "SELECT {'latitude': get(lat_long, 0),'longitude':get(lat_long, 1)} as lat_long FROM 'topic/subtopic'",
        V2,
        r#"{"lat_long": [47.606,-122.332]}"#,
    );
    assert_eq!(
        out,
        j(r#"{"lat_long":{"latitude":47.606,"longitude":-122.332}}"#)
    );
}

#[test]
fn array_literal() {
    // The guide's payload has lat 47.696 and prints 47.606 in the output, a typo; the
    // selected value is the payload's.
    let out = json(
        "SELECT [lat,long] as lat_long FROM 'topic/subtopic'",
        V2,
        r#"{"lat": 47.696, "long": -122.332}"#,
    );
    assert_eq!(out, j(r#"{"lat_long": [47.696,-122.332]}"#));
}

#[test]
fn literals_need_2016() {
    assert!(crate::iotsql::parse("SELECT [lat,long] as x FROM 'a'", V1).is_err());
    assert!(crate::iotsql::parse("SELECT {'a': 1} as x FROM 'a'", V1).is_err());
}

// ----- CASE --------------------------------------------------------------------------

const TRAFFIC: &str = "SELECT CASE color
        WHEN 'green' THEN 'go'
        WHEN 'yellow' THEN 'caution'
        WHEN 'red' THEN 'stop'
        ELSE 'you are not at a stop light' END as instructions
    FROM 'topic/subtopic'";

#[test]
fn case_example() {
    let out = json(TRAFFIC, V1, r#"{"color":"yellow"}"#);
    assert_eq!(out, j(r#"{"instructions":"caution"}"#));
    let out = json(TRAFFIC, V1, r#"{"color":"blue"}"#);
    assert_eq!(out, j(r#"{"instructions":"you are not at a stop light"}"#));
}

#[test]
fn case_of_undefined_is_undefined() {
    let out = json(TRAFFIC, V1, r#"{"other":"yellow"}"#);
    assert_eq!(out, j("{}"));
    let out = json(
        "SELECT CASE c WHEN 1 THEN 'one' END AS x FROM 'a'",
        V1,
        r#"{"c":2}"#,
    );
    assert_eq!(out, j("{}"));
}

#[test]
fn searched_case() {
    let sql = "SELECT CASE WHEN humidity < 20 THEN 'dry' WHEN humidity < 60 THEN 'ok' ELSE 'wet' END AS soil FROM 'a'";
    assert_eq!(json(sql, V1, r#"{"humidity":10}"#), j(r#"{"soil":"dry"}"#));
    assert_eq!(json(sql, V1, r#"{"humidity":"30"}"#), j(r#"{"soil":"ok"}"#));
    assert_eq!(json(sql, V1, r#"{"humidity":90}"#), j(r#"{"soil":"wet"}"#));
    assert_eq!(json(sql, V1, "{}"), j(r#"{"soil":"wet"}"#));
}

// ----- JSON extensions ---------------------------------------------------------------

#[test]
fn dot_operator_and_dotted_alias() {
    let out = json(
        "SELECT foo.bar AS bar.baz FROM 'topic/subtopic'",
        V1,
        r#"{"foo": {"bar": "RED", "bar1": "GREEN", "bar2": "BLUE"}}"#,
    );
    assert_eq!(out, j(r#"{"bar":{"baz":"RED"}}"#));
}

const MYDATA: &str = r#"{"mydata": {"item2": {"0": {"my-key": "myValue"}}}}"#;

#[test]
fn get_reaches_keys_with_digits_and_hyphens() {
    let sql =
        r#"SELECT * from 'iot/rules' WHERE get(get(get(mydata,"item2"),"0"),"my-key") = "myValue""#;
    let out = run_on(sql, V1, "iot/rules", MYDATA);
    assert_eq!(out, Some(Output::Json(j(MYDATA))));
}

#[test]
fn dot_notation_cannot_reach_such_keys() {
    let err = crate::iotsql::parse(
        r#"SELECT * from 'iot/rules' WHERE mydata.item2.0.my-key= "myValue""#,
        V1,
    );
    let Err(d) = err else {
        panic!("should not parse")
    };
    assert_eq!(d.message, "a key after `.` cannot start with a digit");
    assert!(d.hint.is_some_and(|h| h.contains("get(")));
}

#[test]
fn star_as_function_argument() {
    let payload = r#"{"deviceid" : "iot123", "temp" : 54.98, "humidity" : 32.43, "coords" : {"latitude" : 47.615694, "longitude" : -122.3359976}}"#;
    let out = json(
        "SELECT temp, md5(deviceid) AS hashed_id FROM 'topic/#'",
        V1,
        payload,
    );
    assert_eq!(
        out,
        j(r#"{"temp": 54.98, "hashed_id": "e37f81fb397e595c4aeb5645b8cbbbd1"}"#)
    );
}

// ----- Nested object queries (2016-03-23) --------------------------------------------

const SENML: &str = r#"{"e": [
    { "n": "temperature", "u": "Cel", "t": 1234, "v": 22.5 },
    { "n": "light", "u": "lm", "t": 1235, "v": 135 },
    { "n": "acidity", "u": "pH", "t": 1235, "v": 7 }
]}"#;

#[test]
fn nested_select_value() {
    let out = json(
        "SELECT (SELECT VALUE n FROM e) as sensors FROM 'my/topic'",
        V2,
        SENML,
    );
    assert_eq!(
        out,
        j(r#"{"sensors": ["temperature", "light", "acidity"]}"#)
    );
}

#[test]
fn nested_select_with_where() {
    let out = json(
        "SELECT (SELECT v FROM e WHERE n = 'temperature') as temperature FROM 'my/topic'",
        V2,
        SENML,
    );
    assert_eq!(out, j(r#"{"temperature": [{"v": 22.5}]}"#));
}

#[test]
fn nested_select_flattened() {
    let out = json(
        "SELECT get((SELECT v FROM e WHERE n = 'temperature'), 0).v as temperature FROM 'topic'",
        V2,
        SENML,
    );
    assert_eq!(out, j(r#"{"temperature": 22.5}"#));
}

#[test]
fn nested_select_needs_2016() {
    assert!(crate::iotsql::parse("SELECT (SELECT VALUE n FROM e) as s FROM 'a'", V1).is_err());
}

// ----- SQL versions ------------------------------------------------------------------

#[test]
fn select_value_array_is_top_level_in_2016() {
    let payload = r#"{"a": {"b":"c"}, "arr":[1,2,3,4]}"#;
    assert_eq!(
        json("SELECT VALUE arr FROM 'topic'", V2, payload),
        j("[1,2,3,4]")
    );
    let msg = Message::new("topic", payload.as_bytes());
    let err = stmt("SELECT VALUE arr FROM 'topic'", V1).evaluate(&msg);
    assert!(err.is_err_and(|e| e.message().contains("2016-03-23")));
}

#[test]
fn default_version_is_2015() {
    assert_eq!(crate::iotsql::SqlVersion::default(), V1);
    assert_eq!("2016-03-23".parse(), Ok(V2));
    assert_eq!(V2.to_string(), "2016-03-23");
    assert!("beta".parse::<crate::iotsql::SqlVersion>().is_err());
}

// ----- Binary payloads ---------------------------------------------------------------

const BINARY: &[u8] = &[0x00, 0xff, 0x10, b'{', 0x80];

fn run_bytes(sql: &str, payload: &[u8], ts: i64) -> Option<Output> {
    let mut msg = Message::new("topic/subtopic", payload);
    msg.timestamp_ms = ts;
    msg.principal = Some("ABCD1EFG3HIJK2LMNOP5");
    match stmt(sql, V2).evaluate(&msg) {
        Ok(out) => out,
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn binary_select_star_passes_bytes_through() {
    let out = run_bytes("SELECT * FROM 'topic/subtopic'", BINARY, 1);
    assert_eq!(out, Some(Output::Binary(BINARY.to_vec())));
}

#[test]
fn binary_with_timestamp_condition() {
    let sql = "SELECT * FROM 'topic/subtopic' WHERE timestamp() % 12 = 0";
    assert_eq!(
        run_bytes(sql, BINARY, 1_200),
        Some(Output::Binary(BINARY.to_vec()))
    );
    assert_eq!(run_bytes(sql, BINARY, 1_201), None);
}

#[test]
fn binary_star_with_added_items_keeps_the_bytes() {
    let sql = "SELECT *, principal() as principal, timestamp() as time FROM 'topic/subtopic'";
    assert_eq!(
        run_bytes(sql, BINARY, 5),
        Some(Output::Binary(BINARY.to_vec()))
    );
    // An empty or JSON payload takes the added data.
    assert_eq!(
        run_bytes(sql, b"", 5),
        Some(Output::Json(j(
            r#"{"principal":"ABCD1EFG3HIJK2LMNOP5","time":5}"#
        )))
    );
    assert_eq!(
        run_bytes(sql, br#"{"a":1}"#, 5),
        Some(Output::Json(j(
            r#"{"a":1,"principal":"ABCD1EFG3HIJK2LMNOP5","time":5}"#
        )))
    );
}

#[test]
fn binary_encoded_as_base64() {
    let sql = "SELECT encode(*, 'base64') AS data, timestamp() AS ts FROM 'topic/subtopic'";
    assert_eq!(
        run_bytes(sql, BINARY, 7),
        Some(Output::Json(j(r#"{"data":"AP8Qe4A=","ts":7}"#)))
    );
    // For the Lambda action: the same with only the data.
    let sql = "SELECT encode(*, 'base64') AS data FROM 'topic/subtopic'";
    assert_eq!(
        run_bytes(sql, b"hello", 7),
        Some(Output::Json(j(r#"{"data":"aGVsbG8="}"#)))
    );
}

#[test]
fn binary_fields_are_undefined() {
    let sql = "SELECT * FROM 'topic/subtopic' WHERE device_type = 'thermostat'";
    assert_eq!(run_bytes(sql, BINARY, 1), None);
    let tpl = Template::parse("device/${device_id}", V2);
    let msg = Message::new("topic/subtopic", BINARY);
    assert_eq!(tpl.map(|t| t.render(&msg)), Ok(Ok("device/".to_owned())));
}

#[test]
fn binary_string_input_decoded_back() {
    let sql = "SELECT decode(encode(*, 'base64'), 'base64') AS payload FROM 'topic/subtopic'";
    assert_eq!(
        run_bytes(sql, b"plain text", 1),
        Some(Output::Json(j(r#"{"payload":"plain text"}"#)))
    );
}

// ----- Substitution templates --------------------------------------------------------

#[test]
fn republish_topic_template() {
    let payload = r#"{"deviceid": "iot123", "temp": 54.98, "humidity": 32.43, "coords": {"latitude": 47.615694, "longitude": -122.3359976}}"#;
    let mut msg = Message::new("my/iot/topic", payload.as_bytes());
    msg.timestamp_ms = 1_579_637_878_451;
    let tpl = Template::parse("${topic()}/republish", V1);
    assert_eq!(
        tpl.map(|t| t.render(&msg)),
        Ok(Ok("my/iot/topic/republish".to_owned()))
    );
    let rule = stmt("SELECT *, timestamp() AS timestamp FROM 'my/iot/topic'", V1);
    let out = rule.evaluate(&msg);
    let want = j(
        r#"{"deviceid": "iot123", "temp": 54.98, "humidity": 32.43, "coords": {"latitude": 47.615694, "longitude": -122.3359976}, "timestamp": 1579637878451}"#,
    );
    assert_eq!(out, Ok(Some(Output::Json(want))));
}

#[test]
fn parse_time_template_gives_the_year() {
    let mut msg = Message::new("A/B", b"{}");
    msg.timestamp_ms = 1_497_028_786_000; // 2017-06-09T17:19:46Z
    let tpl = Template::parse("${parse_time('yyyy', timestamp(), 'UTC')}", V2);
    assert_eq!(tpl.map(|t| t.render(&msg)), Ok(Ok("2017".to_owned())));
}

#[test]
fn get_secret_template_is_not_available_offline() {
    let tpl = Template::parse(
        "${get_secret('API_KEY', 'SecretString', 'API_KEY_VALUE', 'arn:aws:iam::12345678910:role/getsecret')}",
        V2,
    );
    let msg = Message::new("a", b"{}");
    let err = tpl.map(|t| t.render(&msg));
    assert!(
        matches!(err, Ok(Err(e)) if e.message() == "`get_secret()` calls another AWS service and is not available offline")
    );
}

#[test]
fn template_display_is_canonical() {
    let tpl = Template::parse("${TOPIC(2)}/${ timestamp( ) }.json", V1);
    assert_eq!(
        tpl.map(|t| t.to_string()),
        Ok("${topic(2)}/${timestamp()}.json".to_owned())
    );
}

#[test]
fn undefined_alone_serializes_as_empty() {
    let out = run_on("SELECT VALUE missing FROM 'a'", V1, "a", "{}");
    assert_eq!(out, Some(Output::Binary(Vec::new())));
    assert_eq!(out.map(|o| o.to_bytes()), Some(Vec::new()));
    let out = run_on("SELECT VALUE color FROM 'a'", V1, "a", COLOR_TEMP);
    assert_eq!(out.map(|o| o.to_bytes()), Some(b"\"red\"".to_vec()));
}

#[test]
fn spaces_in_keys_pass_through_star() {
    let payload = r#"{"soil moisture": 29, "id": "s3"}"#;
    assert_eq!(json("SELECT * FROM 'a'", V1, payload), j(payload));
    assert_eq!(
        json("SELECT get(*, 'soil moisture') AS m FROM 'a'", V1, payload),
        j(r#"{"m": 29}"#)
    );
}

#[test]
fn array_payloads_are_json_without_keys() {
    let out = run_on("SELECT * FROM 'a'", V1, "a", "[1, {\"b\": 2}]");
    assert_eq!(out, Some(Output::Json(j("[1, {\"b\": 2}]"))));
    let out = run_on("SELECT *, 1 AS x FROM 'a'", V1, "a", "[1]");
    assert_eq!(out, Some(Output::Json(j("[1]"))));
    let out = run_on(
        "SELECT get(*, 1).b AS b, missing FROM 'a'",
        V1,
        "a",
        "[1, {\"b\": 2}]",
    );
    assert_eq!(out, Some(Output::Json(j(r#"{"b": 2}"#))));
    let out = run_on("SELECT VALUE * FROM 'a'", V2, "a", "[1.0]");
    assert_eq!(out, Some(Output::Json(j("[1]"))));
}
