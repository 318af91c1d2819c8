//! `genie-demo`, the main job of issue 4: one genie client sent through every fault a provider
//! throws, against a fault-injecting mock provider started in-process (no API key, no network),
//! printing per scenario what was injected, what the client did, which model answered, whether
//! the answer is complete and how long it took, then a summary table. The exit code is 0 only
//! when every scenario behaved as expected, so CI runs it as a check. `--real` sends a couple of
//! healthy requests to the real providers whose keys are set instead.

mod call;
mod checks;
mod real;
mod report;
mod runner;
mod scenarios;
mod setup;
mod special;
mod tap;

use std::process::ExitCode;
use std::time::Instant;

use genie_core::client::Client;
use genie_mock_provider::MockProvider;

use report::{ColorWhen, Row, Style};
use runner::Demo;
use scenarios::{Scenario, SCENARIOS};
use tap::Tap;

const USAGE: &str = "\
genie-demo — genie's resilient LLM client against every fault a provider throws

USAGE
    cargo run --release -p genie-demo [-- OPTIONS]

With no option: starts a fault-injecting mock provider in-process (no API key, no network),
builds one genie Client pointed at it and runs every scenario, printing for each what was
injected, what the client did (attempts, waits, reconnects, fail-overs), which model answered,
whether the answer is complete, and the time taken; then a summary table. About 20 s.

OPTIONS
    --scenario NAME   run only these scenarios (repeat it, or NAME,NAME,...)
    --list            list the scenarios and exit
    --real            instead, send a streaming and a non-streaming request to each real
                      provider whose key is set: GEMINI_API_KEY, OPENAI_API_KEY,
                      ANTHROPIC_API_KEY (faults cannot be injected there). Only with this flag:
                      a key in the environment alone does not make the demo use the network,
                      so CI jobs that hold keys still run the offline check. Keys are read by
                      the client and never printed.
    --color WHEN      auto (colour only on a terminal and without NO_COLOR), always or never
    -h, --help        this help

EXIT STATUS
    0  every scenario behaved as expected
    1  at least one did not (the summary says which and why)
    2  bad arguments, no key for --real, or the demo could not start";

#[derive(Debug)]
struct Args {
    scenarios: Vec<String>,
    list: bool,
    real: bool,
    help: bool,
    color: ColorWhen,
}

fn parse(mut args: impl Iterator<Item = String>) -> Result<Args, String> {
    let mut parsed = Args {
        scenarios: Vec::new(),
        list: false,
        real: false,
        help: false,
        color: ColorWhen::Auto,
    };
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_owned(), Some(value.to_owned()))
            }
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs a value"))
        };
        match flag.as_str() {
            "--scenario" => {
                let names = value("--scenario")?;
                parsed.scenarios.extend(
                    names
                        .split(',')
                        .filter(|n| !n.is_empty())
                        .map(str::to_owned),
                );
            }
            "--color" => {
                parsed.color = match value("--color")?.as_str() {
                    "auto" => ColorWhen::Auto,
                    "always" => ColorWhen::Always,
                    "never" => ColorWhen::Never,
                    other => {
                        return Err(format!("--color: {other:?} is not auto, always or never"))
                    }
                }
            }
            "--list" => parsed.list = true,
            "--real" => parsed.real = true,
            "-h" | "--help" => parsed.help = true,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(parsed)
}

fn selected(names: &[String]) -> Result<Vec<&'static Scenario>, String> {
    if names.is_empty() {
        return Ok(SCENARIOS.iter().collect());
    }
    names
        .iter()
        .map(|name| {
            scenarios::find(name).ok_or_else(|| format!("no scenario named {name:?} (see --list)"))
        })
        .collect()
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> ExitCode {
    let args = match parse(std::env::args().skip(1)) {
        Ok(args) => args,
        Err(e) => {
            eprintln!("genie-demo: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if args.help {
        println!("{USAGE}");
        return ExitCode::SUCCESS;
    }
    if args.list {
        let width = SCENARIOS.iter().map(|s| s.name.len()).max().unwrap_or(0);
        for s in SCENARIOS {
            println!("{:<width$}  {}", s.name, s.title);
        }
        return ExitCode::SUCCESS;
    }
    let style = Style::new(args.color);
    if args.real {
        if !args.scenarios.is_empty() {
            eprintln!("genie-demo: --scenario applies to the mock provider, not to --real");
            return ExitCode::from(2);
        }
        return real_run(&style).await;
    }
    let chosen = match selected(&args.scenarios) {
        Ok(chosen) => chosen,
        Err(e) => {
            eprintln!("genie-demo: {e}");
            return ExitCode::from(2);
        }
    };
    mock_run(style, &chosen).await
}

async fn mock_run(style: Style, chosen: &[&Scenario]) -> ExitCode {
    let started = Instant::now();
    // On its own thread and runtime: the provider's timers do not share the client's.
    let mock = MockProvider::start_on_thread();
    let tap = match Tap::start(mock.addr).await {
        Ok(tap) => tap,
        Err(e) => {
            eprintln!("genie-demo: cannot start the wire tap: {e}");
            return ExitCode::from(2);
        }
    };
    let client = match setup::config(&mock.base_url(), &tap.url()).and_then(Client::new) {
        Ok(client) => client,
        Err(e) => {
            eprintln!("genie-demo: cannot build the client: {e}");
            return ExitCode::from(2);
        }
    };
    setup::print_header(&style, &client, &mock.base_url(), &tap.url());
    for p in real::available() {
        style.more(&style.dim(&format!(
            "{} is set: `-- --real` sends a couple of requests to the real {} instead",
            p.key_env, p.name
        )));
    }
    let demo = Demo {
        client,
        mock,
        tap,
        style,
    };
    let mut rows: Vec<Row> = Vec::new();
    for (i, scenario) in chosen.iter().enumerate() {
        rows.push(runner::run(&demo, i + 1, chosen.len(), scenario).await);
    }
    exit(report::summary(&style, &rows, started.elapsed()))
}

async fn real_run(style: &Style) -> ExitCode {
    let started = Instant::now();
    match real::run(style).await {
        Some(rows) => exit(report::summary(style, &rows, started.elapsed())),
        None => {
            let vars: Vec<&str> = real::PROVIDERS.iter().map(|p| p.key_env).collect();
            eprintln!(
                "genie-demo: --real needs an API key in the environment: set one of {}",
                vars.join(", ")
            );
            ExitCode::from(2)
        }
    }
}

fn exit(ok: bool) -> ExitCode {
    if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Result<Args, String> {
        parse(list.iter().map(|s| (*s).to_owned()))
    }

    #[test]
    fn parses_arguments() {
        let a = args(&[
            "--scenario",
            "cancel,flapping",
            "--scenario=stall-twice",
            "--color",
            "never",
        ])
        .unwrap();
        assert_eq!(a.scenarios, ["cancel", "flapping", "stall-twice"]);
        assert_eq!(a.color, ColorWhen::Never);
        assert!(args(&["--scenario"]).unwrap_err().contains("needs a value"));
        assert!(args(&["--colour"])
            .unwrap_err()
            .contains("unknown argument"));
        assert!(args(&["--color=red"]).is_err());
        assert!(selected(&["nope".into()]).is_err());
        assert_eq!(selected(&[]).unwrap().len(), SCENARIOS.len());
    }

    #[test]
    fn scenario_names_are_unique() {
        let mut names: Vec<&str> = SCENARIOS.iter().map(|s| s.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), SCENARIOS.len());
    }
}
