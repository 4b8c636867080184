//! A Python script's host calls go through the client's permission check like every other
//! engine's: `irc.command("/run …")` is refused without the `run` permission (an error at
//! once, a request, a line in the audit log) and allowed with it; an mSL alias it calls runs
//! with the Python script's permissions (the caller's).

mod support;

const GO: &str = "import irc\n__script_name__ = 'pygo'\nirc.add_command('go', lambda a, r: irc.command('/run true') or irc.echo('status', 'started'))\nirc.add_command('viaalias', lambda a, r: irc.command('/dorun'))\n";
const GRANTED_MRC: &str = "; name: granted\nalias dorun run true | echo -s dorun ran\n";

#[test]
fn refused_without_the_grant_allowed_with_it_and_audited() {
    support::check(
        &[("go.py", GO), ("granted.mrc", GRANTED_MRC)],
        "@ allow granted run\n\
         :: status /go\n== status pygo is not allowed to run true\n!= status started\n\
         == perms pygo asks for run: run true\n== audit \"script\":\"pygo\"\n\
         :: status /viaalias\n== status pygo is not allowed to run true\n!= status dorun ran\n\
         @ answer pygo run once\n== audit \"event\":\"grant-once\"\n\
         :: status /go\n== status started\n:: status /viaalias\n== status dorun ran\n",
    );
}
