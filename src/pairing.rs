//! Pairing a device with its owner, free of I/O. A provisioned device asks for a pairing
//! code (it publishes to `device/<thing>/pairing/request`); the stack's pairing function
//! makes a short code, keeps only its digest and its expiry as attributes of the thing, and
//! sends the code back to that device alone (`device/<thing>/pairing/code`), which shows it.
//! The owner confirms with `soilctl pair CODE --group G`: the code finds the thing (ListThings
//! by attribute), and the thing is marked as the group's (the `owner` attribute, which the
//! device policy's owner-facing topics name) and added to the group.
//!
//! A code is 8 characters of Crockford's base32 (40 bits), shown as `XXXX-XXXX`; typed input
//! ignores case, spaces and dashes and reads O as 0 and I or L as 1, so what a person misreads
//! still pairs. The digest is SHA-256 over the normalised code, in hex, so the registry never
//! holds a code that still works.

use std::collections::BTreeMap;

use sha2::{Digest, Sha256};

/// The attribute holding the digest of the thing's live pairing code.
pub const CODE_ATTRIBUTE: &str = "pairingCode";
/// The attribute holding when that code expires, in seconds since the epoch.
pub const EXPIRES_ATTRIBUTE: &str = "pairingExpires";
/// The attribute naming the group that owns the thing.
pub const OWNER_ATTRIBUTE: &str = "owner";
/// How long a code lasts unless the stack says otherwise, in seconds.
pub const DEFAULT_LIFETIME_SECS: u64 = 600;
/// The characters of a code: Crockford's base32, with no I, L, O or U.
const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters in a code.
const LENGTH: usize = 8;

/// The topic a device asks for a code on.
pub fn request_topic(thing: &str) -> String {
    format!("device/{thing}/pairing/request")
}

/// The topic a device receives its code on.
pub fn code_topic(thing: &str) -> String {
    format!("device/{thing}/pairing/code")
}

/// Why typed text is not a pairing code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("a pairing code has 8 letters and digits (such as 7KQF-2M9D); this has {0}")]
    Length(usize),
    #[error("{0:?} is not in a pairing code (codes use digits and letters other than U)")]
    Character(char),
}

/// A code in its normalised form (8 characters of the alphabet, no dash).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code(String);

impl Code {
    /// The code that 5 random bytes (40 bits) make.
    pub fn from_random(bytes: [u8; 5]) -> Code {
        let bits = bytes.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        let text = (0..LENGTH)
            .map(|i| char::from(ALPHABET[((bits >> (35 - 5 * i)) & 31) as usize]))
            .collect();
        Code(text)
    }

    /// Reads what a person typed.
    pub fn parse(input: &str) -> Result<Code, CodeError> {
        let mut text = String::with_capacity(LENGTH);
        for c in input.chars().filter(|c| !matches!(c, '-' | ' ' | '\t')) {
            let c = match c.to_ascii_uppercase() {
                'O' => '0',
                'I' | 'L' => '1',
                c if c.is_ascii() && ALPHABET.contains(&(c as u8)) => c,
                _ => return Err(CodeError::Character(c)),
            };
            text.push(c);
        }
        match text.chars().count() {
            LENGTH => Ok(Code(text)),
            n => Err(CodeError::Length(n)),
        }
    }

    /// As a device shows it: `7KQF-2M9D`.
    pub fn display(&self) -> String {
        format!("{}-{}", &self.0[..4], &self.0[4..])
    }

    /// What the registry keeps: SHA-256 of the normalised code, in lower-case hex.
    pub fn digest(&self) -> String {
        Sha256::digest(self.0.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

/// Where a thing stands, read from its attributes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    /// Owned by this group.
    Paired { owner: String },
    /// Waiting for its owner with a code of this digest, until `expires` (epoch seconds).
    Waiting { digest: String, expires: u64 },
    /// Neither.
    Unpaired,
}

impl State {
    pub fn of(attributes: &BTreeMap<String, String>) -> State {
        if let Some(owner) = attributes.get(OWNER_ATTRIBUTE).filter(|o| !o.is_empty()) {
            return State::Paired {
                owner: owner.clone(),
            };
        }
        match (
            attributes.get(CODE_ATTRIBUTE),
            attributes
                .get(EXPIRES_ATTRIBUTE)
                .and_then(|e| e.parse().ok()),
        ) {
            (Some(digest), Some(expires)) if !digest.is_empty() => State::Waiting {
                digest: digest.clone(),
                expires,
            },
            _ => State::Unpaired,
        }
    }
}

/// Why a code does not pair the thing it found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    /// The thing already has an owner.
    AlreadyPaired { owner: String },
    /// The code expired at this time (epoch seconds).
    Expired { at: u64 },
    /// The thing holds another code (or none): a newer request replaced this one.
    Replaced,
}

/// Whether `code` pairs a thing with these attributes at `now` (epoch seconds).
pub fn check(code: &Code, attributes: &BTreeMap<String, String>, now: u64) -> Result<(), Refusal> {
    match State::of(attributes) {
        State::Paired { owner } => Err(Refusal::AlreadyPaired { owner }),
        State::Waiting { digest, .. } if digest != code.digest() => Err(Refusal::Replaced),
        State::Waiting { expires, .. } if now >= expires => Err(Refusal::Expired { at: expires }),
        State::Waiting { .. } => Ok(()),
        State::Unpaired => Err(Refusal::Replaced),
    }
}

/// The attribute changes (UpdateThing with merge; an empty value removes one) that a new code
/// makes: its digest and expiry.
pub fn issued(code: &Code, now: u64, lifetime_secs: u64) -> BTreeMap<String, String> {
    BTreeMap::from([
        (CODE_ATTRIBUTE.to_owned(), code.digest()),
        (
            EXPIRES_ATTRIBUTE.to_owned(),
            (now + lifetime_secs).to_string(),
        ),
    ])
}

/// The attribute changes that pairing with `owner` makes: the owner set. The code's digest
/// stays, so that the same code typed again is told the device is paired already (the
/// owner takes precedence over any code, see [`check`]).
pub fn paired(owner: &str) -> BTreeMap<String, String> {
    BTreeMap::from([(OWNER_ATTRIBUTE.to_owned(), owner.to_owned())])
}

/// The attribute changes that unpairing makes: no owner, no code.
pub fn unpaired() -> BTreeMap<String, String> {
    BTreeMap::from([
        (OWNER_ATTRIBUTE.to_owned(), String::new()),
        (CODE_ATTRIBUTE.to_owned(), String::new()),
        (EXPIRES_ATTRIBUTE.to_owned(), String::new()),
    ])
}

/// What a device that asked receives on its code topic: the code to show and when it expires
/// (epoch seconds).
pub fn code_answer(code: &Code, expires: u64) -> serde_json::Value {
    serde_json::json!({"code": code.display(), "expiresAt": expires})
}

/// What a device that has an owner receives when it asks for a code: that owner.
pub fn owner_answer(owner: &str) -> serde_json::Value {
    serde_json::json!({ "owner": owner })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn attrs(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn codes_are_forty_bits_of_crockford_base32() {
        assert_eq!(Code::from_random([0; 5]).display(), "0000-0000");
        assert_eq!(Code::from_random([0xff; 5]).display(), "ZZZZ-ZZZZ");
        // 0x0842108421 is 00001 repeated eight times.
        assert_eq!(
            Code::from_random([0x08, 0x42, 0x10, 0x84, 0x21]).display(),
            "1111-1111"
        );
    }

    #[test]
    fn typed_codes_forgive_case_dashes_and_look_alikes() {
        let code = Code::parse("7KQF-2M9D").unwrap();
        assert_eq!(Code::parse("7kqf 2m9d").unwrap(), code);
        assert_eq!(Code::parse("7KQF2M9D").unwrap(), code);
        assert_eq!(
            Code::parse("O1IL-0000").unwrap(),
            Code::parse("0111-0000").unwrap()
        );
        assert_eq!(Code::parse("7KQF-2M9"), Err(CodeError::Length(7)));
        assert_eq!(Code::parse("7KQF-2M9DX"), Err(CodeError::Length(9)));
        assert_eq!(Code::parse("7KQF-2M9U"), Err(CodeError::Character('U')));
        assert_eq!(Code::parse("7KQF-2M9é"), Err(CodeError::Character('é')));
    }

    #[test]
    fn the_digest_is_sha256_of_the_normalised_code() {
        // Python: hashlib.sha256(b"00000000").hexdigest()
        let digest = "7e071fd9b023ed8f18458a73613a0834f6220bd5cc50357ba3493c6040a9ea8c";
        assert_eq!(Code::parse("0000-0000").unwrap().digest(), digest);
        assert_eq!(Code::parse("o000 0000").unwrap().digest(), digest);
    }

    #[test]
    fn a_code_pairs_only_while_it_is_the_live_one() {
        let code = Code::parse("7KQF-2M9D").unwrap();
        let waiting = issued(&code, 1_000, 600);
        assert_eq!(check(&code, &waiting, 1_599), Ok(()));
        assert_eq!(
            check(&code, &waiting, 1_600),
            Err(Refusal::Expired { at: 1_600 })
        );
        let other = Code::parse("7KQF-2M9E").unwrap();
        assert_eq!(check(&other, &waiting, 1_000), Err(Refusal::Replaced));
        assert_eq!(check(&code, &attrs(&[]), 1_000), Err(Refusal::Replaced));
        let owned = attrs(&[("owner", "garden-a"), (CODE_ATTRIBUTE, &code.digest())]);
        assert_eq!(
            check(&code, &owned, 1_000),
            Err(Refusal::AlreadyPaired {
                owner: "garden-a".into()
            })
        );
    }

    #[test]
    fn pairing_sets_the_owner_and_unpairing_removes_everything() {
        let code = Code::parse("7KQF-2M9D").unwrap();
        let mut attributes = issued(&code, 1_000, 600);
        attributes.extend(paired("garden-a"));
        assert_eq!(
            check(&code, &attributes, 1_000),
            Err(Refusal::AlreadyPaired {
                owner: "garden-a".into()
            }),
            "the code used once is told who has the device"
        );
        assert_eq!(unpaired().len(), 3);
        assert!(unpaired().values().all(String::is_empty));
        assert_eq!(
            State::of(&attrs(&[("owner", "")])),
            State::Unpaired,
            "an emptied owner is no owner"
        );
    }

    #[test]
    fn the_device_is_told_its_code_or_its_owner() {
        let code = Code::parse("7KQF2M9D").unwrap();
        assert_eq!(
            code_answer(&code, 42),
            serde_json::json!({"code": "7KQF-2M9D", "expiresAt": 42})
        );
        assert_eq!(owner_answer("g"), serde_json::json!({"owner": "g"}));
    }
}
