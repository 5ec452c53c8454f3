//! The function catalog: every built-in function name, resolved once at parse time to a
//! [`Func`] value, with its canonical spelling and the SQL version that introduced it.

use crate::iotsql::SqlVersion;

macro_rules! catalog {
    ($( $variant:ident => $name:literal, $version:ident, $external:literal; )*) => {
        /// A built-in function, resolved from its (case-insensitive) name at parse time.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Func {
            $( $variant, )*
        }

        impl Func {
            /// Every function, in catalog order.
            pub const ALL: &'static [Func] = &[ $( Func::$variant, )* ];

            /// The canonical spelling, as the developer guide writes it.
            pub fn name(self) -> &'static str {
                match self {
                    $( Func::$variant => $name, )*
                }
            }

            /// The first SQL version that supports the function.
            pub fn since(self) -> SqlVersion {
                match self {
                    $( Func::$variant => SqlVersion::$version, )*
                }
            }

            /// Whether the function calls another AWS service (and so cannot run offline).
            pub fn is_external(self) -> bool {
                match self {
                    $( Func::$variant => $external, )*
                }
            }
        }
    };
}

catalog! {
    Abs => "abs", V2015_10_08, false;
    AccountId => "accountid", V2015_10_08, false;
    Acos => "acos", V2015_10_08, false;
    Asin => "asin", V2015_10_08, false;
    Atan => "atan", V2015_10_08, false;
    Atan2 => "atan2", V2015_10_08, false;
    AwsLambda => "aws_lambda", V2015_10_08, true;
    BitAnd => "bitand", V2015_10_08, false;
    BitOr => "bitor", V2015_10_08, false;
    BitXor => "bitxor", V2015_10_08, false;
    BitNot => "bitnot", V2015_10_08, false;
    Ceil => "ceil", V2015_10_08, false;
    Chr => "chr", V2015_10_08, false;
    ClientId => "clientid", V2015_10_08, false;
    Concat => "concat", V2015_10_08, false;
    Cos => "cos", V2015_10_08, false;
    Cosh => "cosh", V2015_10_08, false;
    Crc32 => "crc32", V2015_10_08, false;
    Decode => "decode", V2016_03_23, false;
    Encode => "encode", V2016_03_23, false;
    EndsWith => "endswith", V2015_10_08, false;
    Exp => "exp", V2015_10_08, false;
    Floor => "floor", V2015_10_08, false;
    Get => "get", V2015_10_08, false;
    GetDynamoDb => "get_dynamodb", V2016_03_23, true;
    GetMqttProperty => "get_mqtt_property", V2016_03_23, false;
    GetOrDefault => "get_or_default", V2016_03_23, false;
    GetRegistryData => "get_registry_data", V2016_03_23, true;
    GetSecret => "get_secret", V2015_10_08, true;
    GetThingShadow => "get_thing_shadow", V2016_03_23, true;
    GetUserProperties => "get_user_properties", V2016_03_23, false;
    IndexOf => "indexof", V2016_03_23, false;
    IsArray => "isArray", V2015_10_08, false;
    IsBoolean => "isBoolean", V2015_10_08, false;
    IsEmpty => "isEmpty", V2015_10_08, false;
    IsNull => "isNull", V2015_10_08, false;
    IsNumber => "isNumber", V2015_10_08, false;
    IsObject => "isObject", V2015_10_08, false;
    IsString => "isString", V2015_10_08, false;
    IsUndefined => "isUndefined", V2016_03_23, false;
    Length => "length", V2016_03_23, false;
    Ln => "ln", V2015_10_08, false;
    Log => "log", V2015_10_08, false;
    Lower => "lower", V2015_10_08, false;
    Lpad => "lpad", V2015_10_08, false;
    Ltrim => "ltrim", V2015_10_08, false;
    MachineLearningPredict => "machinelearning_predict", V2015_10_08, true;
    Md2 => "md2", V2015_10_08, false;
    Md5 => "md5", V2015_10_08, false;
    Mod => "mod", V2015_10_08, false;
    Nanvl => "nanvl", V2015_10_08, false;
    NewUuid => "newuuid", V2015_10_08, false;
    NumBytes => "numbytes", V2016_03_23, false;
    ParseTime => "parse_time", V2016_03_23, false;
    Power => "power", V2015_10_08, false;
    Principal => "principal", V2015_10_08, false;
    Rand => "rand", V2015_10_08, false;
    RegexpMatches => "regexp_matches", V2015_10_08, false;
    RegexpReplace => "regexp_replace", V2015_10_08, false;
    RegexpSubstr => "regexp_substr", V2015_10_08, false;
    Remainder => "remainder", V2015_10_08, false;
    Replace => "replace", V2015_10_08, false;
    Rpad => "rpad", V2015_10_08, false;
    Round => "round", V2015_10_08, false;
    Rtrim => "rtrim", V2015_10_08, false;
    Sha1 => "sha1", V2015_10_08, false;
    Sha224 => "sha224", V2015_10_08, false;
    Sha256 => "sha256", V2015_10_08, false;
    Sha384 => "sha384", V2015_10_08, false;
    Sha512 => "sha512", V2015_10_08, false;
    Sign => "sign", V2015_10_08, false;
    Sin => "sin", V2015_10_08, false;
    Sinh => "sinh", V2015_10_08, false;
    SourceIp => "sourceip", V2016_03_23, false;
    SqlVersion => "sql_version", V2015_10_08, false;
    Sqrt => "sqrt", V2015_10_08, false;
    StartsWith => "startswith", V2015_10_08, false;
    Substring => "substring", V2015_10_08, false;
    Tan => "tan", V2015_10_08, false;
    Tanh => "tanh", V2015_10_08, false;
    TimeToEpoch => "time_to_epoch", V2016_03_23, false;
    Timestamp => "timestamp", V2015_10_08, false;
    Topic => "topic", V2015_10_08, false;
    TraceId => "traceid", V2015_10_08, false;
    Transform => "transform", V2016_03_23, false;
    Trim => "trim", V2015_10_08, false;
    Trunc => "trunc", V2015_10_08, false;
    Upper => "upper", V2015_10_08, false;
}

impl Func {
    /// Resolves a function name, ignoring ASCII case as AWS does.
    pub fn lookup(name: &str) -> Option<Func> {
        Func::ALL
            .iter()
            .copied()
            .find(|f| f.name().eq_ignore_ascii_case(name))
    }

    /// The known name closest to `name`, for "did you mean" hints.
    pub(crate) fn closest(name: &str) -> Option<Func> {
        let lower = name.to_ascii_lowercase();
        Func::ALL
            .iter()
            .copied()
            .map(|f| (edit_distance(&lower, &f.name().to_ascii_lowercase()), f))
            .filter(|(d, _)| *d <= 2.max(lower.len() / 3))
            .min_by_key(|(d, _)| *d)
            .map(|(_, f)| f)
    }
}

/// Edit distance over characters, counting a swap of neighbours as one edit (optimal
/// string alignment), so `FORM` is one edit from `FROM`.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    for i in 0..=a.len() {
        d[i * width] = i;
    }
    for (j, cell) in d.iter_mut().enumerate().take(width) {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[(i - 1) * width + j] + 1)
                .min(d[i * width + j - 1] + 1)
                .min(d[(i - 1) * width + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[(i - 2) * width + j - 2] + 1);
            }
            d[i * width + j] = best;
        }
    }
    d[a.len() * width + b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_ignores_case() {
        assert_eq!(Func::lookup("ISNULL"), Some(Func::IsNull));
        assert_eq!(Func::lookup("Topic"), Some(Func::Topic));
        assert_eq!(Func::lookup("nope"), None);
    }

    #[test]
    fn names_are_unique() {
        for (i, a) in Func::ALL.iter().enumerate() {
            for b in &Func::ALL[i + 1..] {
                assert!(!a.name().eq_ignore_ascii_case(b.name()), "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn closest_suggests_typos() {
        assert_eq!(Func::closest("topc"), Some(Func::Topic));
        assert_eq!(Func::closest("timestmp"), Some(Func::Timestamp));
        assert_eq!(Func::closest("xyzzyplugh"), None);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("FORM", "FROM"), 1);
        assert_eq!(edit_distance("", "abc"), 3);
    }
}
