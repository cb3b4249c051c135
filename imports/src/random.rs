//! Random sources: OS entropy by default, seeded for reproducible runs.

use rand::{RngCore, SeedableRng};

/// A guest's random source: any `rand::RngCore`.
pub type Random = Box<dyn RngCore + Send>;

/// The host's entropy (`getrandom(2)`).
pub fn os() -> Random {
    Box::new(rand::rngs::OsRng)
}

/// A deterministic generator (ChaCha8) seeded with `seed`: the same seed
/// gives the same bytes on every host.
pub fn seeded(seed: u64) -> Random {
    Box::new(rand_chacha::ChaCha8Rng::seed_from_u64(seed))
}

#[cfg(test)]
mod tests {
    #[test]
    fn seeded_repeats() {
        let (mut a, mut b) = (super::seeded(7), super::seeded(7));
        let (mut x, mut y) = ([0u8; 16], [0u8; 16]);
        a.fill_bytes(&mut x);
        b.fill_bytes(&mut y);
        assert_eq!(x, y);
        assert_ne!(x, [0u8; 16]);
    }
}
