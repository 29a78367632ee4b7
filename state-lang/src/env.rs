//! What an expression may see besides the state's input: the context object `$$`, the variables in
//! scope, and an injected source of randomness (for `States.UUID`, `$random()`, `$uuid()`).

use serde_json::Value;

use crate::vars::Variables;

/// A source of randomness passed in by the caller; tests use a fixed sequence.
pub trait Entropy {
    fn next_u64(&self) -> u64;

    /// A random version-4 UUID in its canonical text form.
    fn uuid_v4(&self) -> String {
        let hi = self.next_u64();
        let lo = self.next_u64();
        let mut b = [0u8; 16];
        b[..8].copy_from_slice(&hi.to_be_bytes());
        b[8..].copy_from_slice(&lo.to_be_bytes());
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut s = String::with_capacity(36);
        for (i, x) in b.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                s.push('-');
            }
            s.push(char::from(HEX[usize::from(x >> 4)]));
            s.push(char::from(HEX[usize::from(x & 0x0f)]));
        }
        s
    }

    /// A random float in [0, 1).
    fn next_f64(&self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A deterministic generator (SplitMix64), for tests and for seeded runs.
pub struct SeededEntropy(std::cell::Cell<u64>);

impl SeededEntropy {
    pub fn new(seed: u64) -> Self {
        SeededEntropy(std::cell::Cell::new(seed))
    }
}

impl Entropy for SeededEntropy {
    fn next_u64(&self) -> u64 {
        let mut z = self.0.get().wrapping_add(0x9E37_79B9_7F4A_7C15);
        self.0.set(z);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

/// Everything an expression is evaluated against, apart from its input.
pub struct Env<'a> {
    /// The context object, `$$` in JSONPath and `$states.context` in JSONata.
    pub context: &'a Value,
    /// Variables visible to the state.
    pub vars: &'a Variables,
    pub entropy: &'a dyn Entropy,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_version_4_in_canonical_form() {
        let e = SeededEntropy::new(3);
        let u = e.uuid_v4();
        assert_eq!(u.len(), 36);
        let parts: Vec<&str> = u.split('-').collect();
        assert_eq!(parts.iter().map(|p| p.len()).collect::<Vec<_>>(), [8, 4, 4, 4, 12]);
        assert!(parts[2].starts_with('4'));
        assert!(matches!(parts[3].as_bytes()[0], b'8' | b'9' | b'a' | b'b'));
        assert!(u.chars().all(|c| c == '-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_ne!(u, e.uuid_v4());
    }
}
