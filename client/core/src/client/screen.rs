//! What the client does with an event before any script sees it: answers it needs for its
//! own commands (a USERHOST reply finishing a `/ban` or `/ignore`), and the ignore list.

use super::Client;
use crate::state::Event;

impl Client {
    /// Looks at `ev` before it is dispatched; `false` drops it (an ignored user's message).
    pub(super) fn screen(&mut self, ev: &mut Event) -> bool {
        self.userhost_reply(ev);
        !self.ignored(ev)
    }
}
