//! Property tests: printing any tree and parsing it back gives the same tree; parsing
//! never panics; evaluating any tree on a payload never panics.

use proptest::prelude::*;

use super::V2;
use crate::iotsql::ast::{
    BinaryOp, Call, Case, CastType, Expr, Literal, Query, Select, SelectItem, SubQuery, UnaryOp,
};
use crate::iotsql::lexer::is_keyword;
use crate::iotsql::{Func, Message, Template, parse};

fn ident() -> impl Strategy<Value = String> {
    "[a-zA-Z_][a-zA-Z0-9_]{0,6}".prop_filter("not a keyword", |s| !is_keyword(s))
}

/// Member names may be keywords: `state.value`, `x.end`.
fn member_name() -> impl Strategy<Value = String> {
    "[a-zA-Z_][a-zA-Z0-9_]{0,6}"
}

fn literal() -> impl Strategy<Value = Literal> {
    prop_oneof![
        Just(Literal::Null),
        any::<bool>().prop_map(Literal::Bool),
        (0..=i64::MAX).prop_map(Literal::Int),
        prop_oneof![
            any::<f64>()
                .prop_filter("finite", |d| d.is_finite())
                .prop_map(f64::abs),
            Just(1e-7),
            Just(0.5),
            Just(1e300),
        ]
        .prop_map(Literal::Decimal),
        any::<String>().prop_map(Literal::String),
    ]
}

fn binary_op() -> impl Strategy<Value = BinaryOp> {
    prop::sample::select(vec![
        BinaryOp::Or,
        BinaryOp::And,
        BinaryOp::Eq,
        BinaryOp::NotEq,
        BinaryOp::Lt,
        BinaryOp::LtEq,
        BinaryOp::Gt,
        BinaryOp::GtEq,
        BinaryOp::Add,
        BinaryOp::Sub,
        BinaryOp::Mul,
        BinaryOp::Div,
        BinaryOp::Mod,
    ])
}

fn select_of(expr: BoxedStrategy<Expr>) -> impl Strategy<Value = Select> {
    let item = (
        expr.clone(),
        prop::option::of(prop::collection::vec(ident(), 1..3)),
    )
        .prop_map(|(expr, alias)| SelectItem { expr, alias });
    prop_oneof![
        expr.prop_map(|expr| Select {
            value: true,
            items: vec![SelectItem { expr, alias: None }],
        }),
        prop::collection::vec(item, 1..4).prop_map(|items| Select {
            value: false,
            items
        }),
    ]
}

fn expr() -> impl Strategy<Value = Expr> {
    let leaf = prop_oneof![
        Just(Expr::Star),
        literal().prop_map(Expr::Lit),
        ident().prop_map(Expr::Field),
        Just(Expr::Field("value".to_owned())),
    ];
    leaf.prop_recursive(5, 48, 4, |inner| {
        let boxed = inner.clone().boxed();
        prop_oneof![
            (inner.clone(), member_name()).prop_map(|(b, n)| Expr::Member(Box::new(b), n)),
            (inner.clone(), inner.clone()).prop_map(|(b, i)| Expr::Index(Box::new(b), Box::new(i))),
            (
                prop::sample::select(vec![UnaryOp::Not, UnaryOp::Neg]),
                inner.clone()
            )
                .prop_map(|(op, e)| Expr::Unary(op, Box::new(e))),
            (binary_op(), inner.clone(), inner.clone()).prop_map(|(op, l, r)| Expr::Binary(
                op,
                Box::new(l),
                Box::new(r)
            )),
            (
                prop::sample::select(Func::ALL.to_vec()),
                prop::collection::vec(inner.clone(), 0..4)
            )
                .prop_map(|(f, args)| Expr::Call(Call::new(f, args))),
            (inner.clone(), prop::sample::select(CastType::ALL.to_vec()))
                .prop_map(|(e, t)| Expr::Cast(Box::new(e), t)),
            (
                prop::option::of(inner.clone()),
                prop::collection::vec((inner.clone(), inner.clone()), 1..3),
                prop::option::of(inner.clone())
            )
                .prop_map(|(operand, branches, otherwise)| Expr::Case(Box::new(
                    Case {
                        operand,
                        branches,
                        otherwise
                    }
                ))),
            prop::collection::vec(inner.clone(), 0..4).prop_map(Expr::Array),
            prop::collection::vec((any::<String>(), inner.clone()), 0..3).prop_map(Expr::Object),
            (
                select_of(boxed),
                inner.clone(),
                prop::option::of(inner.clone())
            )
                .prop_map(|(select, from, where_clause)| Expr::Subquery(Box::new(
                    SubQuery {
                        select,
                        from,
                        where_clause
                    }
                ))),
        ]
    })
}

fn topic_filter() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![Just("+".to_owned()), "[a-zA-Z0-9 '_$-]{0,5}"],
        1..4,
    )
    .prop_flat_map(|levels| {
        prop::bool::ANY.prop_map(move |hash| {
            let mut levels = levels.clone();
            if hash {
                levels.push("#".to_owned());
            }
            levels.join("/")
        })
    })
    .prop_filter("non-empty", |t| !t.is_empty())
}

fn query() -> impl Strategy<Value = Query> {
    (
        select_of(expr().boxed()),
        prop::option::of(topic_filter()),
        prop::option::of(expr()),
    )
        .prop_map(|(select, from, where_clause)| Query {
            select,
            from,
            where_clause,
        })
}

/// Strings built from SQL-ish fragments, to reach deep parser states.
fn token_soup() -> impl Strategy<Value = String> {
    let fragment = prop::sample::select(vec![
        "SELECT",
        "VALUE",
        "value",
        "*",
        ",",
        "FROM",
        "'a/+'",
        "WHERE",
        "AS",
        "x",
        "a.b",
        "[",
        "]",
        "(",
        ")",
        "{",
        "}",
        ":",
        "'s'",
        "\"d\"",
        "1",
        "2.5e3",
        "-",
        "+",
        "/",
        "%",
        "=",
        "<>",
        "<",
        "<=",
        ">",
        ">=",
        "AND",
        "OR",
        "NOT",
        "CASE",
        "WHEN",
        "THEN",
        "ELSE",
        "END",
        "TRUE",
        "NULL",
        "cast",
        "Int",
        "topic",
        "get",
        "regexp_matches",
        "'('",
        "${",
        ".",
        "0",
    ]);
    prop::collection::vec(fragment, 0..24).prop_map(|parts| parts.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn print_then_parse_is_identity(q in query()) {
        let text = q.to_string();
        let parsed = parse(&text, V2);
        prop_assert!(parsed.is_ok(), "{}\n{}", text, parsed.err().map(|d| d.to_string()).unwrap_or_default());
        if let Ok(stmt) = parsed {
            prop_assert_eq!(stmt.query(), &q, "printed as {}", text);
        }
    }

    #[test]
    fn parse_never_panics(text in any::<String>()) {
        let _ = parse(&text, V2);
        let _ = parse(&text, super::V1);
        let _ = Template::parse(&text, V2);
    }

    #[test]
    fn token_soup_never_panics_and_round_trips(text in token_soup()) {
        for version in [super::V1, V2] {
            if let Ok(stmt) = parse(&text, version) {
                let printed = stmt.to_string();
                let again = parse(&printed, version);
                prop_assert!(again.as_ref().is_ok_and(|a| a == &stmt), "{} -> {}", text, printed);
            }
        }
        let _ = Template::parse(&format!("k/${{{text}}}"), V2);
    }

    #[test]
    fn evaluation_never_panics(q in query(), payload in prop::sample::select(vec![
        r#"{"a": 1, "value": [1, {"b": "2"}], "s": "x", "n": null, "d": 2.5}"#,
        "", "not json", "[1,2]", "80",
    ])) {
        let text = q.to_string();
        if let Ok(stmt) = parse(&text, V2) {
            let topic = stmt.topic_filter().replace(['+', '#'], "x");
            let _ = stmt.evaluate(&Message::new(&topic, payload.as_bytes()));
        }
    }
}
