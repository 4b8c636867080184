//! Frame times of the desktop window while the client is busy: the UI thread's work per frame
//! (draining the core's updates, laying out every panel, tessellating) measured with the
//! window at 1280×800 and no GPU, in three cases:
//!
//! - a channel with 100,000 lines of scrollback, idle;
//! - a server flooding the channel with 10,000 lines a second;
//! - a script in an infinite loop (no instruction or time limit) on the core thread.
//!
//! `cargo bench -p rustirc --bench frames` prints p50, p99 and the worst frame of each.

use rustirc::desktop::{build, options, Start};
use rustirc::ui::App;
use rustirc_core::settings::Settings;
use std::io::{BufRead, BufReader, Write};
use std::time::{Duration, Instant};

/// A fake IRC server: registers the client, joins it to #flood, then sends `rate` lines a
/// second for as long as the connection lasts.
fn flood_server(rate: u32) -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let Ok((c, _)) = listener.accept() else {
            return;
        };
        let mut w = c.try_clone().unwrap();
        let mut r = BufReader::new(c);
        let mut nick = String::new();
        let mut line = String::new();
        while r.read_line(&mut line).unwrap_or(0) > 0 {
            if let Some(n) = line.strip_prefix("NICK ") {
                nick = n.trim().to_string();
            }
            if line.starts_with("USER ") {
                break;
            }
            line.clear();
        }
        let _ = write!(
            w,
            ":srv 001 {nick} :Welcome\r\n:srv 376 {nick} :End\r\n:{nick}!u@h JOIN #flood\r\n:srv 353 {nick} = #flood :{nick} @op\r\n:srv 366 {nick} #flood :End\r\n"
        );
        std::thread::spawn(move || {
            let mut l = String::new();
            while r.read_line(&mut l).unwrap_or(0) > 0 {
                l.clear();
            }
        });
        let start = Instant::now();
        let mut sent: u64 = 0;
        loop {
            let due = (start.elapsed().as_secs_f64() * f64::from(rate)) as u64;
            let mut batch = String::new();
            while sent < due {
                sent += 1;
                batch.push_str(&format!(
                    ":op!o@h PRIVMSG #flood :\x0304line\x03 {sent} \x02of the flood\x02 https://example.org/{sent}\r\n"
                ));
            }
            if !batch.is_empty() && w.write_all(batch.as_bytes()).is_err() {
                return;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
    });
    port
}

/// Runs frames for `secs` seconds, one every 16 ms as a 60 Hz display would ask, and returns
/// the time each took on the UI thread.
fn frames(ctx: &egui::Context, app: &mut App, secs: f64) -> Vec<Duration> {
    let mut times = Vec::new();
    let start = Instant::now();
    while start.elapsed().as_secs_f64() < secs {
        let t = Instant::now();
        let input = egui::RawInput {
            screen_rect: Some(egui::Rect::from_min_size(
                egui::Pos2::ZERO,
                egui::vec2(1280.0, 800.0),
            )),
            time: Some(start.elapsed().as_secs_f64()),
            ..egui::RawInput::default()
        };
        let mut out = ctx.run_ui(input, |ui| app.ui(ui));
        let _ = ctx.tessellate(out.shapes, out.pixels_per_point);
        // No renderer here: the font atlas updates have nowhere to go.
        out.textures_delta.clear();
        let took = t.elapsed();
        times.push(took);
        std::thread::sleep(Duration::from_millis(16).saturating_sub(took));
    }
    times
}

fn report(what: &str, mut t: Vec<Duration>) {
    t.sort();
    let pick = |q: f64| t[((t.len() as f64 - 1.0) * q) as usize];
    println!(
        "{what}: {} frames, p50 {:.2} ms, p99 {:.2} ms, worst {:.2} ms",
        t.len(),
        pick(0.5).as_secs_f64() * 1000.0,
        pick(0.99).as_secs_f64() * 1000.0,
        t[t.len() - 1].as_secs_f64() * 1000.0
    );
}

fn main() {
    let dir = std::env::temp_dir().join(format!("rustirc-frames-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let script = dir.join("spin.mrc");
    std::fs::write(&script, "alias spin { while (1) { inc %spins } }\n").unwrap();
    let port = flood_server(10_000);
    let mut settings = Settings::parse(&format!(
        "[limits]\ninstructions = 0\nwall_ms = 0\n[[network]]\nserver = \"127.0.0.1:{port}\"\nnick = \"bench\"\n"
    ))
    .unwrap();
    settings.scripts = vec![script];
    let start = Start {
        settings,
        data: dir.join("data"),
        stdlib: false,
        connect: true,
    };
    let opts = options(&start, None);
    let ctx = egui::Context::default();
    let mut app = App::new(
        Box::new(move |prep| build(&start, prep)),
        opts,
        Some(ctx.clone()),
    );
    // Wait for the join, then show the channel.
    let end = Instant::now() + Duration::from_secs(10);
    while !app.view.buffers.contains_key(&(1, "#flood".to_string())) {
        assert!(Instant::now() < end, "the client did not join #flood");
        frames(&ctx, &mut app, 0.05);
    }
    app.view.select((1, "#flood".to_string()));
    let t = frames(&ctx, &mut app, 3.0);
    let n = app.view.buffers[&(1, "#flood".to_string())].lines.len();
    report(
        &format!("flood of 10,000 lines/s ({n} lines arrived in 3 s)"),
        t,
    );
    // 100,000 lines of scrollback, the flood still going.
    {
        let b = app.view.buffer_mut(1, "#flood");
        while b.lines.len() < 100_000 {
            let i = b.lines.len();
            b.lines.push(rustirc::ui::view::Line {
                at_ms: 0,
                text: format!("<op> \x0312scrollback\x03 line {i} \x1fwith\x1f formatting"),
                highlight: i.is_multiple_of(50),
            });
        }
    }
    let t = frames(&ctx, &mut app, 3.0);
    report("100,000+ lines of scrollback, flood going on", t);
    // A script that never ends, running on the core thread.
    app.core.call(|c| {
        c.run_command("/spin");
        None
    });
    let t = frames(&ctx, &mut app, 3.0);
    report("a script in an infinite loop on the core thread", t);
    std::process::exit(0);
}
