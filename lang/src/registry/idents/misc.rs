//! Pure identifiers outside the other families: `$nopath`, `$nofile`, `$mask`, `$version`,
//! `$os`, `$beta`.

use crate::error::RunResult;
use crate::registry::{Args, Arity, Cx, IdentSpec};
use crate::value::Value;

/// The misc family table.
pub const IDENTS: &[IdentSpec] = &[
    IdentSpec {
        name: "nopath",
        arity: Arity::exact(1),
        run: nopath,
    },
    IdentSpec {
        name: "nofile",
        arity: Arity::exact(1),
        run: nofile,
    },
    IdentSpec {
        name: "mask",
        arity: Arity::exact(2),
        run: mask,
    },
    IdentSpec {
        name: "version",
        arity: Arity::exact(0),
        run: version,
    },
    IdentSpec {
        name: "os",
        arity: Arity::exact(0),
        run: os,
    },
    IdentSpec {
        name: "beta",
        arity: Arity::exact(0),
        run: beta,
    },
];

/// Byte offset just after the last `\` or `/`, or 0.
fn split_at_sep(s: &str) -> usize {
    s.rfind(['\\', '/']).map_or(0, |i| i + 1)
}

/// `$nopath(file)`: the file name without its folder; `$nopath(c:\mirc\mirc.exe)` → `mirc.exe`.
fn nopath(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    let s = a.text(0);
    Ok(Value::text(&s[split_at_sep(&s)..]))
}

/// `$nofile(file)`: the folder part, with its trailing separator;
/// `$nofile(c:\mirc\mirc.exe)` → `c:\mirc\`.
fn nofile(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    let s = a.text(0);
    Ok(Value::text(&s[..split_at_sep(&s)]))
}

/// A host with its first label replaced by `*` (`*.example.com`), or an IPv4 address with its
/// last part replaced (`1.2.3.*`). Hosts with fewer than two dots are kept whole.
fn wild_host(host: &str) -> String {
    let dots = host.matches('.').count();
    let is_ip = dots == 3 && host.bytes().all(|b| b.is_ascii_digit() || b == b'.');
    if is_ip {
        let cut = host.rfind('.').unwrap_or(0);
        return format!("{}.*", &host[..cut]);
    }
    if dots >= 2 {
        if let Some(i) = host.find('.') {
            return format!("*{}", &host[i..]);
        }
    }
    host.to_string()
}

/// `$mask(nick!user@host, type)`: a ban mask of type 0–19 (0 `*!user@host` … 9
/// `nick!*@*.host`; 10–19 the same with host digits as `?` and no `*.` shortening);
/// `$mask(nick!user@host,7)` → `nick!*@host`.
fn mask(_cx: &mut Cx, a: &Args<'_>) -> RunResult<Value> {
    let addr = a.text(0);
    let ty = a.int(1);
    if !(0..=19).contains(&ty) {
        return Ok(Value::Null);
    }
    let Some((left, host)) = addr.rsplit_once('@') else {
        return Ok(Value::Null);
    };
    let (nick, user) = left.split_once('!').unwrap_or((left, "*"));
    let base = ty % 10;
    let digits_wild = ty >= 10;
    let host = if digits_wild {
        host.chars()
            .map(|c| if c.is_ascii_digit() { '?' } else { c })
            .collect()
    } else if matches!(base, 3 | 4 | 8 | 9) {
        wild_host(host)
    } else {
        host.to_string()
    };
    let bare_user = user.trim_start_matches('~');
    let nick_part = if base >= 5 { nick } else { "*" };
    let user_part = match base % 5 {
        0 => user.to_string(),
        1 | 3 => format!("*{bare_user}"),
        _ => "*".to_string(),
    };
    Ok(Value::from_string(format!(
        "{nick_part}!{user_part}@{host}"
    )))
}

/// `$version`: this interpreter's version number, e.g. `0.1.0`.
fn version(_cx: &mut Cx, _a: &Args<'_>) -> RunResult<Value> {
    Ok(Value::text(env!("CARGO_PKG_VERSION")))
}

/// `$os`: the operating system, e.g. `linux`.
fn os(_cx: &mut Cx, _a: &Args<'_>) -> RunResult<Value> {
    Ok(Value::text(std::env::consts::OS))
}

/// `$beta`: the beta number, `$null` for releases.
fn beta(_cx: &mut Cx, _a: &Args<'_>) -> RunResult<Value> {
    Ok(Value::Null)
}

#[cfg(test)]
mod tests {
    use crate::registry::idents::text::tests::call;

    #[test]
    fn conformance_rows() {
        let rows: &[(&str, &[&str], &str)] = &[
            ("nopath", &["c:\\mirc\\mirc.exe"], "mirc.exe"),
            ("nofile", &["c:\\mirc\\mirc.exe"], "c:\\mirc\\"),
            ("nopath", &["a/b/c.txt"], "c.txt"),
            ("mask", &["nick!user@host", "7"], "nick!*@host"),
            (
                "mask",
                &["Dana!dana@staff.quakenet.org", "2"],
                "*!*@staff.quakenet.org",
            ),
            (
                "mask",
                &["nick!user@host.example.com", "5"],
                "nick!user@host.example.com",
            ),
            (
                "mask",
                &["nick!user@host.example.com", "9"],
                "nick!*@*.example.com",
            ),
            (
                "mask",
                &["nick!~user@host.example.com", "3"],
                "*!*user@*.example.com",
            ),
            (
                "mask",
                &["nick!~user@host.example.com", "8"],
                "nick!*user@*.example.com",
            ),
            (
                "mask",
                &["nick!user@host.example.com", "2"],
                "*!*@host.example.com",
            ),
            (
                "mask",
                &["nick!user@host.example.com", "7"],
                "nick!*@host.example.com",
            ),
            (
                "mask",
                &["nick!user@host123.example.com", "12"],
                "*!*@host???.example.com",
            ),
            (
                "mask",
                &["nick!user@host.example.com", "0"],
                "*!user@host.example.com",
            ),
            (
                "mask",
                &["nick!~user@host.example.com", "1"],
                "*!*user@host.example.com",
            ),
            (
                "mask",
                &["nick!user@host.example.com", "4"],
                "*!*@*.example.com",
            ),
            (
                "mask",
                &["nick!~user@host.example.com", "6"],
                "nick!*user@host.example.com",
            ),
            ("mask", &["nick!user@1.2.3.4", "4"], "*!*@1.2.3.*"),
            ("os", &[], std::env::consts::OS),
            ("version", &[], env!("CARGO_PKG_VERSION")),
        ];
        for (name, args, want) in rows {
            assert_eq!(call(name, args), *want, "${name}({})", args.join(","));
        }
    }
}
