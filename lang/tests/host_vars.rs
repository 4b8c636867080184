//! A host command can fill the variables its arguments name (`/sockread %line`): the VM
//! stores them as `%name = value` would, into a local of that name when one is declared and a
//! global otherwise.

use rustirc_lang::{Engine, Host, Limits, Value};

/// Answers `/sockread ... %name` by filling `%name` with `line N`.
#[derive(Default)]
struct Reader {
    lines: Vec<String>,
    seen: Vec<String>,
    writes: Vec<(String, Value)>,
    n: u32,
}

impl Host for Reader {
    fn echo(&mut self, _window: &str, text: &str) {
        self.lines.push(text.to_string());
    }

    fn command(&mut self, name: &str, args: &str, _silent: bool) -> Option<Result<(), String>> {
        if name != "sockread" {
            return None;
        }
        self.seen.push(args.to_string());
        let var = args.rsplit(' ').next().unwrap_or("");
        let Some(var) = var.strip_prefix('%') else {
            return Some(Err(format!("/sockread: no variable in '{args}'")));
        };
        self.n += 1;
        self.writes.push((
            var.to_string(),
            Value::from_string(format!("line {}", self.n)),
        ));
        Some(Ok(()))
    }

    fn take_var_writes(&mut self) -> Vec<(String, Value)> {
        std::mem::take(&mut self.writes)
    }
}

#[test]
fn sockread_fills_the_named_variable() {
    let mut e = Engine::new(Limits::default());
    let src = "alias t {\n  var %l = old\n  sockread -f %l\n  echo -a local %l\n  sockread 10 %g\n  echo -a global %g\n  var %n = 5\n  sockread %n %l\n  echo -a again %l\n}\n";
    let report = e.load("t.mrc", src.as_bytes(), false);
    assert!(!report.has_errors(), "{:?}", report.diagnostics);
    let mut host = Reader::default();
    e.run_command("t", &mut host).expect("runs");
    assert_eq!(
        host.lines,
        ["local line 1", "global line 2", "again line 3"]
    );
    // The variable is passed by name; other words are evaluated as usual.
    assert_eq!(host.seen, ["-f %l", "10 %g", "5 %l"]);
    assert_eq!(
        e.vm.st.globals.get("g").map(|v| v.as_str().into_owned()),
        Some("line 2".to_string())
    );
    assert!(e.vm.st.globals.get("l").is_none());
}

/// Records which script's code runs each host command.
#[derive(Default)]
struct Who(Vec<(Option<usize>, String)>);

impl Host for Who {
    fn echo(&mut self, _window: &str, _text: &str) {}

    fn script_command(
        &mut self,
        script: Option<usize>,
        name: &str,
        args: &str,
        _silent: bool,
    ) -> Option<Result<(), String>> {
        self.0.push((script, format!("{name} {args}")));
        Some(Ok(()))
    }
}

#[test]
fn host_commands_know_whose_code_runs_them() {
    let mut e = Engine::new(Limits::default());
    e.load("a.mrc", b"alias a.run hostcmd from a | b.run\n", false);
    e.load("b.mrc", b"alias b.run hostcmd from b\n", false);
    let mut host = Who::default();
    e.run_command("hostcmd typed | a.run", &mut host)
        .expect("runs");
    assert_eq!(
        host.0,
        [
            (None, "hostcmd typed".to_string()),
            (Some(0), "hostcmd from a".to_string()),
            (Some(1), "hostcmd from b".to_string()),
        ]
    );
}
