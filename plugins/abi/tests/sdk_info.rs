//! `export_plugin!` writes the info the loader reads: name, version, and (ABI 1.1) the
//! permissions it declares, NUL-terminated.
#![allow(unsafe_code)]

use rustirc_plugin_abi::sdk::{Event, Host, Outcome, Plugin};
use std::ffi::CStr;

struct Backup;

impl Plugin for Backup {
    fn init(_host: &Host) -> Result<Backup, String> {
        Ok(Backup)
    }
    fn on_event(&mut self, _host: &Host, _event: &Event) -> Outcome {
        Outcome::Continue
    }
}

rustirc_plugin_abi::export_plugin!(
    Backup,
    name = "backup",
    author = "Me",
    description = "Copies logs",
    permissions = "run, file-read:/var/log/irc",
);

#[test]
fn the_info_carries_the_declared_permissions() {
    let info = plugin_get_info();
    // SAFETY: the macro's static info, with NUL-terminated static strings.
    let text = |p| unsafe { CStr::from_ptr(p) }.to_str().unwrap().to_string();
    // SAFETY: as above.
    let info = unsafe { &*info };
    assert_eq!(
        (info.abi_major, info.abi_minor),
        (
            rustirc_plugin_abi::sys::ABI_MAJOR,
            rustirc_plugin_abi::sys::ABI_MINOR
        )
    );
    assert_eq!(info.abi_minor, 1);
    assert_eq!(text(info.name), "backup");
    assert_eq!(text(info.permissions), "run, file-read:/var/log/irc");
}
