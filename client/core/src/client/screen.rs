//! What the client does with an event before any script sees it: answers it needs for its
//! own commands (a USERHOST reply finishing a `/ban`).

use super::Client;
use crate::state::Event;

impl Client {
    /// Looks at `ev` before it is dispatched; `false` drops it.
    pub(super) fn screen(&mut self, ev: &Event) -> bool {
        self.userhost_reply(ev);
        true
    }
}
