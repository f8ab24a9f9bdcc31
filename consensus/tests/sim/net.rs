//! The simulated network: seeded loss, delay (hence reordering) and partitions.

use rand::Rng;
use rand_chacha::ChaCha8Rng;

#[derive(Clone, Debug)]
pub struct NetConfig {
    /// Probability that a message is lost.
    pub drop: f64,
    /// One-way delay range (ms); independent per message, so messages reorder.
    pub min_delay_ms: u64,
    pub max_delay_ms: u64,
}

impl Default for NetConfig {
    fn default() -> Self {
        NetConfig { drop: 0.02, min_delay_ms: 5, max_delay_ms: 60 }
    }
}

#[derive(Debug)]
pub struct Network {
    pub config: NetConfig,
    /// Partition group of each node; nodes talk only within their group.
    groups: Option<Vec<u8>>,
}

impl Network {
    pub fn new(config: NetConfig) -> Network {
        Network { config, groups: None }
    }

    pub fn partition(&mut self, groups: Vec<u8>) {
        self.groups = Some(groups);
    }

    pub fn heal(&mut self) {
        self.groups = None;
    }

    pub fn connected(&self, a: usize, b: usize) -> bool {
        self.groups.as_ref().is_none_or(|g| g[a] == g[b])
    }

    /// Delay of a message from `from` to `to`, or `None` if it is lost.
    pub fn route(&self, rng: &mut ChaCha8Rng, from: usize, to: usize) -> Option<u64> {
        if !self.connected(from, to) || rng.random::<f64>() < self.config.drop {
            return None;
        }
        Some(rng.random_range(self.config.min_delay_ms..=self.config.max_delay_ms))
    }
}
