//! Send-rate limiting as a sans-IO queue: lines go in, come out when the token bucket allows,
//! and time only moves when the caller says so.
//!
//! This module knows nothing about which lines are urgent; the state sends PONG and QUIT
//! around it.

use super::config::Flood;
use crate::proto::Message;
use std::collections::VecDeque;

/// A token bucket of whole lines with a FIFO of lines waiting for a token.
#[derive(Clone, Debug)]
pub struct SendQueue {
    cfg: Flood,
    tokens: u32,
    /// When the last token was earned (ms).
    last: u64,
    waiting: VecDeque<Message>,
}

impl SendQueue {
    /// A full bucket at time `now`.
    pub fn new(cfg: Flood, now: u64) -> SendQueue {
        SendQueue {
            cfg,
            tokens: cfg.burst.max(1),
            last: now,
            waiting: VecDeque::new(),
        }
    }

    fn unlimited(&self) -> bool {
        !self.cfg.enabled || self.cfg.interval_ms == 0
    }

    fn refill(&mut self, now: u64) {
        let burst = self.cfg.burst.max(1);
        if self.tokens >= burst {
            self.last = now;
            return;
        }
        let earned = now.saturating_sub(self.last) / self.cfg.interval_ms;
        if earned > 0 {
            let earned32 = u32::try_from(earned).unwrap_or(u32::MAX);
            self.tokens = self.tokens.saturating_add(earned32).min(burst);
            self.last = if self.tokens >= burst {
                now
            } else {
                self.last + earned * self.cfg.interval_ms
            };
        }
    }

    /// Queues `msg` and returns every line that may go out at `now`, in order.
    pub fn push(&mut self, msg: Message, now: u64) -> Vec<Message> {
        self.waiting.push_back(msg);
        self.drain(now)
    }

    /// Returns the waiting lines that may go out at `now`.
    pub fn drain(&mut self, now: u64) -> Vec<Message> {
        if self.unlimited() {
            return self.waiting.drain(..).collect();
        }
        self.refill(now);
        let n = self.waiting.len().min(self.tokens as usize);
        self.tokens -= u32::try_from(n).unwrap_or(0);
        self.waiting.drain(..n).collect()
    }

    /// How many lines are waiting.
    pub fn len(&self) -> usize {
        self.waiting.len()
    }

    /// Whether no line is waiting.
    pub fn is_empty(&self) -> bool {
        self.waiting.is_empty()
    }

    /// When (ms) the next waiting line can go out, so the caller knows when to tick.
    pub fn next_due(&self) -> Option<u64> {
        if self.waiting.is_empty() {
            None
        } else if self.unlimited() || self.tokens > 0 {
            Some(self.last)
        } else {
            Some(self.last + self.cfg.interval_ms)
        }
    }

    /// Drops every waiting line (on disconnect).
    pub fn clear(&mut self) {
        self.waiting.clear();
    }
}

#[cfg(test)]
mod tests {
    //! The bucket must let a burst through, then release one line per interval in order, and
    //! must release everything at once when turned off.
    use super::*;

    fn line(i: u32) -> Message {
        Message::privmsg("#c", &i.to_string())
    }

    #[test]
    fn burst_then_interval() {
        let mut q = SendQueue::new(
            Flood {
                enabled: true,
                burst: 2,
                interval_ms: 1000,
            },
            0,
        );
        let mut sent = Vec::new();
        for i in 0..5 {
            sent.extend(q.push(line(i), 0));
        }
        assert_eq!(sent.len(), 2);
        assert_eq!(q.next_due(), Some(1000));
        assert!(q.drain(999).is_empty());
        assert_eq!(q.drain(1000), vec![line(2)]);
        assert_eq!(q.drain(3500), vec![line(3), line(4)]);
        assert!(q.is_empty());
        assert_eq!(q.next_due(), None);
        // A long idle period refills to the burst, not beyond.
        let out: Vec<_> = (0..4).flat_map(|i| q.push(line(i), 100_000)).collect();
        assert_eq!(out.len(), 2);
    }

    #[test]
    fn disabled_sends_everything() {
        let mut q = SendQueue::new(
            Flood {
                enabled: false,
                burst: 1,
                interval_ms: 1000,
            },
            0,
        );
        let out: Vec<_> = (0..10).flat_map(|i| q.push(line(i), 0)).collect();
        assert_eq!(out.len(), 10);
        assert_eq!(q.len(), 0);
    }
}
