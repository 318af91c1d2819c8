//! `genie-mock-provider`: the mock provider as a process, for the C, Python and Node tests and
//! the demo. Prints `PORT=<n>` as its first stdout line, then serves until killed (or, with
//! `--exit-on-stdin-eof`, until its stdin closes, so a test runner that dies takes it along).

use std::io::Write;
use std::process::ExitCode;

use genie_mock_provider::{MockProvider, Options};
use tokio::io::AsyncReadExt;

const USAGE: &str = "\
usage: genie-mock-provider [--port N] [--exit-on-stdin-eof] [--fault MODEL=SCRIPT]... [--verbose]

  --port N              listen on 127.0.0.1:N (default 0: a free port)
  --exit-on-stdin-eof   exit when standard input reaches end of file
  --fault MODEL=SCRIPT  register a fault script for MODEL (repeatable; see README.md)
  --verbose             print one JSON line per attempt to stderr

The first line on stdout is PORT=<n>.";

struct Args {
    options: Options,
    exit_on_stdin_eof: bool,
    faults: Vec<(String, String)>,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        options: Options::default(),
        exit_on_stdin_eof: false,
        faults: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--port" => {
                let value = it.next().ok_or("--port needs a value")?;
                args.options.port = value
                    .parse()
                    .map_err(|_| format!("--port {value}: expected a port number (0-65535)"))?;
            }
            "--exit-on-stdin-eof" => args.exit_on_stdin_eof = true,
            "--verbose" => args.options.verbose = true,
            "--fault" => {
                let value = it.next().ok_or("--fault needs MODEL=SCRIPT")?;
                let (model, script) = value
                    .split_once('=')
                    .ok_or_else(|| format!("--fault {value}: expected MODEL=SCRIPT"))?;
                args.faults.push((model.to_owned(), script.to_owned()));
            }
            "-h" | "--help" => return Err(String::new()),
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(args)
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(message) => {
            if !message.is_empty() {
                eprintln!("genie-mock-provider: {message}");
            }
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("genie-mock-provider: cannot start a runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    runtime.block_on(run(args))
}

async fn run(args: Args) -> ExitCode {
    let mock = match MockProvider::bind(args.options.clone()).await {
        Ok(mock) => mock,
        Err(e) => {
            eprintln!(
                "genie-mock-provider: cannot listen on 127.0.0.1:{}: {e}",
                args.options.port
            );
            return ExitCode::FAILURE;
        }
    };
    for (model, script) in &args.faults {
        if let Err(e) = mock.set_fault(model, script) {
            eprintln!("genie-mock-provider: --fault {model}={script}: {e}");
            return ExitCode::from(2);
        }
    }
    let mut stdout = std::io::stdout().lock();
    if writeln!(stdout, "PORT={}", mock.addr.port())
        .and_then(|()| stdout.flush())
        .is_err()
    {
        return ExitCode::FAILURE;
    }
    drop(stdout);
    if args.exit_on_stdin_eof {
        let mut stdin = tokio::io::stdin();
        let mut buf = [0u8; 1024];
        while matches!(stdin.read(&mut buf).await, Ok(n) if n > 0) {}
    } else {
        std::future::pending::<()>().await;
    }
    drop(mock);
    ExitCode::SUCCESS
}
