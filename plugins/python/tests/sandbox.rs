//! Escape attempts: each is refused with an error that says what was refused, nothing of
//! the file it went for is shown, and the client and the script go on. The worker refuses
//! at several layers (the script's builtins and import allowlist, an audit hook, Landlock
//! and seccomp); each attempt here goes past the first layer it can.

mod support;

use support::{client, shown, temp_dir};

const SCRIPT: &str = r#"
import irc
import random
import typing

HOST = "/etc/hostname"

def attempt(f):
    def run(args, raw):
        r = f()
        return "ESCAPED: %r" % (r,)
    return run

def sys_():
    return typing.sys

def open_(): return open(HOST).read()
def io_open(): return sys_().modules["io"].open(HOST).read()
def real_builtins(): return sys_().modules["builtins"].open(HOST).read()
def getframe():
    for depth in range(1, 20):
        g = sys_()._getframe(depth).f_globals
        if "builtins" in g and g.get("__name__") != __name__:
            return g["builtins"].open(HOST).read()
def client_globals():
    f = sys_()._getframe(0)
    while f.f_back is not None:
        f = f.f_back
    return f.f_globals
def frame_walk(): return client_globals()["builtins"].open(HOST).read()
def tamper_read():
    g = client_globals()
    g["_running"][0] = False
    return g["builtins"].open(HOST).read()
def tamper_run():
    g = client_globals()
    g["_running"][0] = False
    return g["os"].execv("/bin/sh", ["sh", "-c", "id"])
def subclasses():
    for c in object.__subclasses__():
        g = getattr(getattr(c, "__init__", None), "__globals__", None)
        if g and "system" in g:
            return g["system"]("id")
    return None
def gc_objects(): return len(sys_().modules["gc"].get_objects())
def sys_modules(): return sys_().modules["os"].system("id")
def os_system(): return random._os.system("id")
def os_read(): return random._os.open(HOST, random._os.O_RDONLY)
def subprocess_(): return sys_().modules["importlib"].import_module("subprocess").run(["id"])
def posix(): return sys_().modules["posix"].execv("/bin/sh", ["sh", "-c", "id"])
def importlib_(): return sys_().modules["importlib"].import_module("os").popen("id").read()
def exec_(): return exec("import os")
def real_exec():
    ns = {}
    sys_().modules["builtins"].exec("import os\nr = os.system('id')", ns)
    return ns.get("r")
def import_hook(): return __builtins__["__import__"]("os")
def pickle_():
    p = sys_().modules["importlib"].import_module("pickle")
    return p.loads(b"cposix\nsystem\n(S'id'\ntR.")
def socket_():
    s = sys_().modules["importlib"].import_module("socket")
    return s.socket()
def ctypes_():
    c = sys_().modules["importlib"].import_module("ctypes")
    return c.CDLL(None)
def kill_client(): return random._os.kill(random._os.getppid(), 9)
def write_outside(): return open("/tmp/rustirc-python-escape.txt", "w").write("x")

for name, f in list(globals().items()):
    if callable(f) and name not in ("attempt", "sys_") and not name.startswith("_") \
            and getattr(f, "__module__", None) == __name__:
        irc.add_command("try_" + name.rstrip("_"), attempt(f))

irc.add_command("ok", lambda a, r: "still alive")
irc.add_command("sandbox", lambda a, r: irc.config("sandbox"))
"#;

fn attempt(cmd: &str, want: &[&str]) {
    let dir = temp_dir("sandbox");
    let mut c = client();
    c.set_data_dir(&dir).unwrap();
    c.load_script("escape.py", SCRIPT.as_bytes());
    let loaded = shown(&mut c).join("\n");
    assert!(!loaded.contains("python:"), "{loaded}");
    c.type_line("status", &format!("/try_{cmd}"));
    let text = shown(&mut c).join("\n");
    assert!(!text.contains("ESCAPED"), "/try_{cmd}: {text}");
    let host = std::fs::read_to_string("/etc/hostname").unwrap_or_default();
    if !host.trim().is_empty() {
        assert!(!text.contains(host.trim()), "/try_{cmd}: {text}");
    }
    assert!(
        want.iter().any(|w| text.contains(w)),
        "/try_{cmd}: expected one of {want:?}, got: {text}"
    );
    assert!(text.contains("escape.py"), "{text}");
    c.type_line("status", "/ok");
    assert_eq!(shown(&mut c), ["still alive"], "after /try_{cmd}");
    std::fs::remove_dir_all(&dir).ok();
}

const OUTSIDE: &str = "is outside the script's data folder";
const NOT_ALLOWED: &str = "is not allowed in scripts";

#[test]
fn open_reads_only_the_data_folder() {
    attempt("open", &[OUTSIDE]);
}

#[test]
fn io_open() {
    attempt("io_open", &[OUTSIDE]);
}

#[test]
fn the_real_builtins_module() {
    attempt("real_builtins", &[OUTSIDE]);
}

#[test]
fn frame_walking_through_getframe() {
    attempt("getframe", &["the client's frames are not the script's"]);
}

#[test]
fn walking_frames_back_to_the_client() {
    attempt("frame_walk", &[OUTSIDE]);
}

/// With the Python layers switched off from inside (what CPython cannot prevent), the
/// operating system still refuses: Landlock the file, seccomp the program.
#[test]
fn with_the_python_layers_tampered_with_landlock_refuses_the_file() {
    attempt(
        "tamper_read",
        &["PermissionError: [Errno 13] Permission denied: '/etc/hostname'"],
    );
}

#[test]
fn with_the_python_layers_tampered_with_seccomp_refuses_the_program() {
    attempt(
        "tamper_run",
        &["PermissionError: [Errno 1] Operation not permitted"],
    );
}

#[test]
fn subclasses_walk_to_a_modules_globals() {
    attempt("subclasses", &["os.system: running programs", NOT_ALLOWED]);
}

#[test]
fn gc_get_objects() {
    attempt("gc_objects", &["gc.get_objects", "KeyError: 'gc'"]);
}

#[test]
fn sys_modules() {
    attempt(
        "sys_modules",
        &["os.system: running programs is not allowed"],
    );
}

#[test]
fn os_system() {
    attempt("os_system", &["os.system: running programs is not allowed"]);
}

#[test]
fn os_open() {
    attempt("os_read", &[OUTSIDE]);
}

#[test]
fn subprocess() {
    attempt(
        "subprocess",
        &["subprocess.Popen: running programs is not allowed"],
    );
}

#[test]
fn posix_exec() {
    attempt("posix", &["os.exec: running programs is not allowed"]);
}

#[test]
fn importlib() {
    attempt("importlib", &["running programs is not allowed"]);
}

#[test]
fn exec_of_code_that_imports() {
    attempt("exec", &["exec() is not available in scripts"]);
}

#[test]
fn the_real_exec() {
    attempt(
        "real_exec",
        &[
            "import of 'os' is not allowed in scripts",
            "os.system: running programs",
        ],
    );
}

#[test]
fn builtins_import() {
    attempt("import_hook", &["import of 'os' is not allowed in scripts"]);
}

#[test]
fn a_pickle_payload() {
    attempt(
        "pickle",
        &["pickle.find_class: unpickling objects is not allowed"],
    );
}

#[test]
fn socket() {
    attempt("socket", &["socket.__new__: sockets is not allowed"]);
}

#[test]
fn ctypes() {
    attempt(
        "ctypes",
        &["ctypes.dlopen: loading native code is not allowed", OUTSIDE],
    );
}

#[test]
fn signalling_the_client() {
    attempt(
        "kill_client",
        &["os.kill: signalling processes is not allowed"],
    );
}

#[test]
fn writing_outside_the_data_folder() {
    attempt("write_outside", &[OUTSIDE]);
    assert!(!std::path::Path::new("/tmp/rustirc-python-escape.txt").exists());
}

#[test]
fn the_worker_is_confined_by_the_operating_system() {
    let mut c = client();
    let dir = temp_dir("sandbox");
    c.set_data_dir(&dir).unwrap();
    c.load_script("escape.py", SCRIPT.as_bytes());
    c.take_output();
    c.type_line("status", "/sandbox");
    let text = shown(&mut c).join("\n");
    assert!(text.contains("address space 512 MiB"), "{text}");
    if cfg!(target_os = "linux") {
        assert!(text.contains("seccomp"), "{text}");
        assert!(text.contains("landlock"), "{text}");
    }
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn relative_paths_land_in_the_data_folder() {
    let dir = temp_dir("sandbox");
    let mut c = client();
    c.set_data_dir(&dir).unwrap();
    c.load_script(
        "notes.py",
        br#"
import irc

def note(args, raw):
    with open("notes.txt", "a") as f:
        f.write(raw + "\n")
    with open("notes.txt") as f:
        return "notes: " + " | ".join(f.read().split("\n")[:-1])

irc.add_command("note", note)
"#,
    );
    c.take_output();
    c.type_line("status", "/note first");
    c.type_line("status", "/note second");
    assert_eq!(shown(&mut c), ["notes: first", "notes: first | second"]);
    let saved =
        std::fs::read_to_string(dir.join("python").join("notes").join("notes.txt")).unwrap();
    assert_eq!(saved, "first\nsecond\n");
    std::fs::remove_dir_all(&dir).ok();
}

/// A file permission adds its path to the confinement: granted, the write lands; the same
/// script without the grant is refused.
#[test]
fn a_file_grant_adds_its_path() {
    let outside = temp_dir("granted");
    let target = outside.join("out.txt");
    let script = format!(
        "import irc\nirc.add_command('put', lambda a, r: open({:?}, 'w').write('kept') and 'written')\n",
        target.display().to_string()
    );
    for granted in [false, true] {
        let dir = temp_dir("sandbox");
        let file = dir.join("put.py");
        std::fs::write(&file, &script).unwrap();
        let name = file.display().to_string();
        let allow = if granted {
            format!("@ allow file-write:{}\n", outside.display())
        } else {
            String::new()
        };
        let want = if granted {
            "== status written".to_string()
        } else {
            "== status is outside the script's data folder".to_string()
        };
        let steps =
            rustirc_core::replay::parse(&format!("{allow}:: status /put\n{want}\n")).unwrap();
        let data = dir.join("data");
        std::fs::create_dir_all(&data).unwrap();
        let mut session = rustirc_core::replay::Session::with_setup(
            &[(name, script.clone().into_bytes())],
            rustirc_core::replay::leading_grants(&steps),
            &|c| {
                c.add_engine(support::engine());
                c.set_data_dir(&data).unwrap();
            },
        );
        let r = rustirc_core::replay::run(&steps, &mut session);
        std::fs::remove_dir_all(&dir).ok();
        if let Err(m) = r {
            panic!("granted {granted}: {m}");
        }
        assert_eq!(target.exists(), granted);
    }
    std::fs::remove_dir_all(&outside).ok();
}
