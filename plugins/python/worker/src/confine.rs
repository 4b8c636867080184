//! The worker confines itself before a script's code runs (Linux): Landlock lets it open
//! files only under the script's data folder (and paths a file permission grants) for
//! reading and writing, and under the Python installation for reading; it may not bind or
//! connect TCP sockets, nor signal processes outside its own sandbox (the client). A
//! seccomp filter then refuses the system calls that start programs (`execve`,
//! `execveat`, new processes through `fork`, `vfork` or `clone` without `CLONE_THREAD`),
//! create sockets, signal other processes, trace or read other processes' memory, and a
//! few kernel interfaces a script has no use for. Refused calls fail with `EPERM`, which
//! Python raises as `PermissionError: [Errno 1] Operation not permitted`.
//!
//! Both are irreversible and inherited by threads started afterwards; the worker starts its
//! watchdog thread only after this.

#[cfg(target_os = "linux")]
use std::path::Path;
use std::path::PathBuf;

/// What was put in place, in words, for the hello and the logs.
pub struct Report {
    /// `landlock (fully enforced)`, `seccomp` …
    pub parts: Vec<String>,
}

/// Confines the process: read-only `read_only`, read-write `read_write`.
///
/// # Errors
/// When a layer the kernel supports cannot be put in place.
#[cfg(target_os = "linux")]
pub fn confine(read_only: &[PathBuf], read_write: &[PathBuf]) -> Result<Report, String> {
    let parts = vec![landlock_layer(read_only, read_write)?, seccomp_layer()?];
    Ok(Report { parts })
}

/// Elsewhere: nothing but the resource limits and the Python layers.
#[cfg(not(target_os = "linux"))]
pub fn confine(_read_only: &[PathBuf], _read_write: &[PathBuf]) -> Result<Report, String> {
    Ok(Report {
        parts: vec!["no operating-system confinement on this system".to_string()],
    })
}

#[cfg(target_os = "linux")]
fn landlock_layer(read_only: &[PathBuf], read_write: &[PathBuf]) -> Result<String, String> {
    use landlock::{
        Access, AccessFs, AccessNet, PathBeneath, PathFd, Ruleset, RulesetAttr, RulesetCreatedAttr,
        RulesetStatus, Scope, ABI,
    };
    let abi = ABI::V6;
    let e = |what: &str, err: &dyn std::fmt::Display| format!("landlock: {what}: {err}");
    let mut rs = Ruleset::default()
        .handle_access(AccessFs::from_all(abi))
        .map_err(|x| e("file rules", &x))?
        .handle_access(AccessNet::from_all(abi))
        .map_err(|x| e("network rules", &x))?
        .scope(Scope::from_all(abi))
        .map_err(|x| e("scopes", &x))?
        .create()
        .map_err(|x| e("cannot create the ruleset", &x))?;
    let rights = |p: &Path, write: bool| match (p.is_dir(), write) {
        (true, true) => AccessFs::from_all(abi),
        (true, false) => AccessFs::from_read(abi),
        (false, true) => AccessFs::from_file(abi),
        (false, false) => AccessFs::from_read(abi) & AccessFs::from_file(abi),
    };
    let all = read_only
        .iter()
        .map(|p| (p, false))
        .chain(read_write.iter().map(|p| (p, true)));
    for (p, write) in all {
        if !p.exists() {
            continue;
        }
        let fd = PathFd::new(p).map_err(|x| e(&p.display().to_string(), &x))?;
        rs = rs
            .add_rule(PathBeneath::new(fd, rights(p, write)))
            .map_err(|x| e(&p.display().to_string(), &x))?;
    }
    let status = rs
        .restrict_self()
        .map_err(|x| e("cannot restrict the worker", &x))?;
    Ok(match status.ruleset {
        RulesetStatus::FullyEnforced => "landlock".to_string(),
        RulesetStatus::PartiallyEnforced => "landlock (partly: an older kernel)".to_string(),
        RulesetStatus::NotEnforced => "no landlock (the kernel does not have it)".to_string(),
    })
}

#[cfg(target_os = "linux")]
fn seccomp_layer() -> Result<String, String> {
    use seccompiler::{
        BpfProgram, SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter,
        SeccompRule,
    };
    use std::collections::BTreeMap;
    let Ok(arch) = std::env::consts::ARCH.try_into() else {
        return Ok(format!(
            "no seccomp filter (not written for {})",
            std::env::consts::ARCH
        ));
    };
    let e = |err: &dyn std::fmt::Display| format!("seccomp: {err}");
    let pid = u64::from(std::process::id());
    let cond = |arg, op, value| SeccompCondition::new(arg, SeccompCmpArgLen::Dword, op, value);
    let not_me = || -> Result<Vec<SeccompRule>, String> {
        Ok(vec![SeccompRule::new(vec![
            cond(0, SeccompCmpOp::Ne, pid).map_err(|x| e(&x))?
        ])
        .map_err(|x| e(&x))?])
    };
    let mut rules: BTreeMap<i64, Vec<SeccompRule>> = BTreeMap::new();
    for sys in [
        libc::SYS_execve,
        libc::SYS_execveat,
        libc::SYS_fork,
        libc::SYS_vfork,
        libc::SYS_socket,
        libc::SYS_socketpair,
        libc::SYS_tkill,
        libc::SYS_ptrace,
        libc::SYS_process_vm_readv,
        libc::SYS_process_vm_writev,
        libc::SYS_pidfd_open,
        libc::SYS_pidfd_getfd,
        libc::SYS_pidfd_send_signal,
        libc::SYS_bpf,
        libc::SYS_perf_event_open,
        libc::SYS_userfaultfd,
        libc::SYS_unshare,
        libc::SYS_setns,
        libc::SYS_mount,
        libc::SYS_umount2,
        libc::SYS_pivot_root,
        libc::SYS_chroot,
        libc::SYS_keyctl,
        libc::SYS_add_key,
        libc::SYS_request_key,
        libc::SYS_io_uring_setup,
    ] {
        rules.insert(sys, Vec::new());
    }
    // Signals only to this process.
    rules.insert(libc::SYS_kill, not_me()?);
    rules.insert(libc::SYS_tgkill, not_me()?);
    // Threads only: a clone without CLONE_THREAD is a new process.
    let thread = u64::try_from(libc::CLONE_THREAD).unwrap_or(0x10000);
    rules.insert(
        libc::SYS_clone,
        vec![SeccompRule::new(vec![
            cond(0, SeccompCmpOp::MaskedEq(thread), 0).map_err(|x| e(&x))?
        ])
        .map_err(|x| e(&x))?],
    );
    let filter = SeccompFilter::new(
        rules,
        SeccompAction::Allow,
        SeccompAction::Errno(u32::try_from(libc::EPERM).unwrap_or(1)),
        arch,
    )
    .map_err(|x| e(&x))?;
    let prog: BpfProgram = filter
        .try_into()
        .map_err(|x: seccompiler::BackendError| e(&x))?;
    // clone3 passes its flags in memory a filter cannot read: it fails as if the kernel did
    // not have it, and the C library falls back to clone, which the filter above sees.
    let mut clone3 = BTreeMap::new();
    clone3.insert(libc::SYS_clone3, Vec::new());
    let filter3 = SeccompFilter::new(
        clone3,
        SeccompAction::Allow,
        SeccompAction::Errno(u32::try_from(libc::ENOSYS).unwrap_or(38)),
        arch,
    )
    .map_err(|x| e(&x))?;
    let prog3: BpfProgram = filter3
        .try_into()
        .map_err(|x: seccompiler::BackendError| e(&x))?;
    seccompiler::apply_filter_all_threads(&prog).map_err(|x| e(&x))?;
    seccompiler::apply_filter_all_threads(&prog3).map_err(|x| e(&x))?;
    Ok("seccomp".to_string())
}
