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

/// A one-thread HTTP server on loopback: answers each request with its method, path and
/// body; `/missing` is a 404 and `/away` a redirect to another port.
fn http_server() -> u16 {
    use std::io::{BufRead, BufReader, Read, Write};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut r = BufReader::new(stream);
            let mut first = String::new();
            r.read_line(&mut first).unwrap();
            let mut length = 0;
            loop {
                let mut h = String::new();
                r.read_line(&mut h).unwrap();
                if h.trim().is_empty() {
                    break;
                }
                if let Some(v) = h.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap();
                }
            }
            let mut body = vec![0; length];
            r.read_exact(&mut body).unwrap();
            let mut words = first.split_whitespace();
            let (method, path) = (words.next().unwrap(), words.next().unwrap());
            let reply = match path {
                "/missing" => "HTTP/1.1 404 Not Found\r\nContent-Length: 4\r\n\r\ngone".to_string(),
                "/away" => "HTTP/1.1 302 Found\r\nLocation: http://127.0.0.1:9/\r\nContent-Length: 0\r\n\r\n".to_string(),
                _ => {
                    let text = format!(
                        "{{\"method\": \"{method}\", \"path\": \"{path}\", \"body\": {:?}}}",
                        String::from_utf8_lossy(&body)
                    );
                    format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{text}",
                        text.len()
                    )
                }
            };
            let _ = r.get_mut().write_all(reply.as_bytes());
        }
    });
    port
}

#[test]
fn http_is_carried_out_by_the_client_under_the_network_permission() {
    let port = http_server();
    let script = format!(
        "import irc\n__script_name__ = 'fetcher'\n\
def get(args, raw):\n    r = irc.http('http://127.0.0.1:{port}/' + raw)\n    return '%d %s' % (r.status, r.json()['path'] if r.ok else r.text)\n\
def post(args, raw):\n    r = irc.http('http://127.0.0.1:{port}/new', method='post', body={{'name': raw}})\n    d = r.json()\n    return '%s %s' % (d['method'], d['body'])\n\
def away(args, raw):\n    r = irc.http('http://127.0.0.1:{port}/away')\n    return '%d %s' % (r.status, r.headers['location'])\n\
irc.add_command('get', get)\nirc.add_command('post', post)\nirc.add_command('elsewhere', away)\n"
    );
    support::check(
        &[("fetcher.py", &script)],
        &format!(
            ":: status /get hello\n== status fetcher is not allowed to connect to 127.0.0.1 port {port}\n\
             == audit \"script\":\"fetcher\"\n\
             @ answer fetcher connect:127.0.0.1:{port} always\n\
             :: status /get hello\n== status 200 /hello\n\
             :: status /get missing\n== status 404 gone\n\
             :: status /post bob\n== status POST {{\"name\": \"bob\"}}\n\
             :: status /elsewhere\n== status 302 http://127.0.0.1:9/\n"
        ),
    );
}
