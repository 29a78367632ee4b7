//! Randomness from the operating system, for task tokens, UUIDs, jitter and `$random()`.

use std::sync::Mutex;

use rand::rngs::StdRng;
use rand::{RngCore, SeedableRng};

pub struct RngEntropy(Mutex<StdRng>);

impl RngEntropy {
    pub fn new() -> Self {
        RngEntropy(Mutex::new(StdRng::from_os_rng()))
    }
}

impl Default for RngEntropy {
    fn default() -> Self {
        Self::new()
    }
}

impl state_lang::Entropy for RngEntropy {
    fn next_u64(&self) -> u64 {
        self.0.lock().unwrap_or_else(|p| p.into_inner()).next_u64()
    }
}
