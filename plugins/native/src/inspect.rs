//! What the loader reads from a plugin file before it is opened: its format (ELF, Mach-O,
//! PE), its architecture, whether it is a shared library, and its exported symbols. Opening a
//! library runs its constructors, so a file that is not a plugin for this client is refused
//! here, from its header, with what to do about it.

use object::{Architecture, BinaryFormat, Object, ObjectKind};
use rustirc_plugin_abi::sys::REQUIRED_EXPORTS;

/// What a plugin file's header says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Inspection {
    /// `ELF`, `Mach-O`, `PE` …
    pub format: String,
    /// `x86_64`, `aarch64` …
    pub arch: String,
    /// `shared library`, `executable`, `relocatable object` …
    pub kind: String,
    /// The required exports it has, in [`REQUIRED_EXPORTS`] order.
    pub present: Vec<String>,
    /// The required exports it lacks.
    pub missing: Vec<String>,
    /// Why the loader refuses it, when it does.
    pub refusal: Option<String>,
}

/// The format plugins have on this platform.
pub fn native_format() -> BinaryFormat {
    if cfg!(target_os = "macos") {
        BinaryFormat::MachO
    } else if cfg!(windows) {
        BinaryFormat::Pe
    } else {
        BinaryFormat::Elf
    }
}

/// The file name extension of plugins on this platform (`so`, `dylib`, `dll`).
pub fn native_extension() -> &'static str {
    if cfg!(target_os = "macos") {
        "dylib"
    } else if cfg!(windows) {
        "dll"
    } else {
        "so"
    }
}

/// The architecture this client runs on, as `object` names it.
pub fn native_arch() -> Architecture {
    if cfg!(target_arch = "x86_64") {
        if cfg!(target_pointer_width = "32") {
            Architecture::X86_64_X32
        } else {
            Architecture::X86_64
        }
    } else if cfg!(target_arch = "aarch64") {
        Architecture::Aarch64
    } else if cfg!(target_arch = "x86") {
        Architecture::I386
    } else if cfg!(target_arch = "arm") {
        Architecture::Arm
    } else if cfg!(target_arch = "riscv64") {
        Architecture::Riscv64
    } else if cfg!(target_arch = "powerpc64") {
        Architecture::PowerPc64
    } else if cfg!(target_arch = "s390x") {
        Architecture::S390x
    } else if cfg!(target_arch = "loongarch64") {
        Architecture::LoongArch64
    } else {
        Architecture::Unknown
    }
}

fn format_name(f: BinaryFormat) -> &'static str {
    match f {
        BinaryFormat::Elf => "ELF",
        BinaryFormat::MachO => "Mach-O",
        BinaryFormat::Pe => "PE",
        BinaryFormat::Coff => "COFF",
        BinaryFormat::Wasm => "WebAssembly",
        BinaryFormat::Xcoff => "XCOFF",
        _ => "unknown",
    }
}

/// `x86_64`, `aarch64` … as people write them.
pub fn arch_name(a: Architecture) -> String {
    match a {
        Architecture::X86_64 => "x86_64".into(),
        Architecture::X86_64_X32 => "x86_64 (x32)".into(),
        Architecture::Aarch64 => "aarch64".into(),
        Architecture::I386 => "i386".into(),
        Architecture::Arm => "arm".into(),
        Architecture::Riscv64 => "riscv64".into(),
        Architecture::Riscv32 => "riscv32".into(),
        Architecture::PowerPc64 => "powerpc64".into(),
        Architecture::S390x => "s390x".into(),
        Architecture::LoongArch64 => "loongarch64".into(),
        Architecture::Mips => "mips".into(),
        Architecture::Mips64 => "mips64".into(),
        Architecture::Unknown => "an unknown architecture".into(),
        other => format!("{other:?}").to_ascii_lowercase(),
    }
}

fn kind_name(k: ObjectKind) -> &'static str {
    match k {
        ObjectKind::Dynamic => "shared library",
        ObjectKind::Executable => "executable",
        ObjectKind::Relocatable => "relocatable object",
        ObjectKind::Core => "core dump",
        _ => "file of unknown kind",
    }
}

/// Reads the header of `bytes` (the file `file`) and decides whether the loader would open
/// it.
///
/// # Errors
/// When the file is not an object file at all: that it is not a shared library, and the
/// parser's reason.
pub fn inspect(file: &str, bytes: &[u8]) -> Result<Inspection, String> {
    let obj = object::File::parse(bytes).map_err(|e| {
        format!(
            "{file} is not a shared library ({} plugins are {} files, .{}): {e}",
            std::env::consts::OS,
            format_name(native_format()),
            native_extension()
        )
    })?;
    let format = obj.format();
    let arch = obj.architecture();
    let kind = obj.kind();
    let exports: Vec<String> = obj
        .exports()
        .unwrap_or_default()
        .iter()
        .map(|e| {
            let n = String::from_utf8_lossy(e.name()).into_owned();
            // Mach-O prefixes C symbols with an underscore.
            match (format, n.strip_prefix('_')) {
                (BinaryFormat::MachO, Some(s)) => s.to_string(),
                _ => n,
            }
        })
        .collect();
    let (present, missing): (Vec<&str>, Vec<&str>) = REQUIRED_EXPORTS
        .iter()
        .partition(|r| exports.iter().any(|e| e == *r));
    let mut ins = Inspection {
        format: format_name(format).to_string(),
        arch: arch_name(arch),
        kind: kind_name(kind).to_string(),
        present: present.iter().map(|s| (*s).to_string()).collect(),
        missing: missing.iter().map(|s| (*s).to_string()).collect(),
        refusal: None,
    };
    ins.refusal = if format != native_format() {
        Some(format!(
            "{file} is a {} file; this client loads {} shared libraries (.{}) on {}",
            ins.format,
            format_name(native_format()),
            native_extension(),
            std::env::consts::OS
        ))
    } else if arch != native_arch() {
        Some(format!(
            "{file} is built for {}; this client runs on {}: rebuild the plugin for {}",
            ins.arch,
            arch_name(native_arch()),
            arch_name(native_arch())
        ))
    } else if kind != ObjectKind::Dynamic {
        Some(format!(
            "{file} is {} {}, not a shared library: build it as a cdylib (Rust) or with -shared -fPIC (C)",
            if ins.kind.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" },
            ins.kind
        ))
    } else if !ins.missing.is_empty() {
        Some(format!(
            "{file} does not export {}: a plugin exports {} (export_plugin! writes them in Rust)",
            ins.missing.join(", "),
            REQUIRED_EXPORTS.join(", ")
        ))
    } else {
        None
    };
    Ok(ins)
}
