//! How the demo prints: colours only on a terminal (and never with `NO_COLOR`), the labelled
//! lines of a scenario block, durations, the one-line answer preview, and the summary table.

use std::io::IsTerminal;
use std::time::Duration;

/// When to colour the output.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

/// Terminal styling: every method returns the text unchanged when colour is off.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    color: bool,
}

impl Style {
    pub fn new(when: ColorWhen) -> Style {
        let color = match when {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => {
                std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none()
            }
        };
        Style { color }
    }

    /// No colours.
    pub const fn plain() -> Style {
        Style { color: false }
    }

    fn paint(&self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    pub fn bold(&self, text: &str) -> String {
        self.paint("1", text)
    }

    pub fn dim(&self, text: &str) -> String {
        self.paint("2", text)
    }

    pub fn green(&self, text: &str) -> String {
        self.paint("32", text)
    }

    pub fn red(&self, text: &str) -> String {
        self.paint("1;31", text)
    }

    pub fn yellow(&self, text: &str) -> String {
        self.paint("33", text)
    }

    pub fn cyan(&self, text: &str) -> String {
        self.paint("36", text)
    }

    /// `ok` in green or `FAIL` in red.
    pub fn verdict(&self, ok: bool) -> String {
        if ok {
            self.green("ok")
        } else {
            self.red("FAIL")
        }
    }

    /// A scenario's heading: a rule with its number and name.
    pub fn heading(&self, index: usize, total: usize, name: &str, title: &str) {
        let head = format!("── {index}/{total} {name} ");
        let rule = "─".repeat(78usize.saturating_sub(head.chars().count()));
        println!();
        println!("{}", self.cyan(&format!("{head}{rule}")));
        println!("{}", self.bold(title));
    }

    /// One labelled line of a block (`  inject   ...`).
    pub fn line(&self, label: &str, text: &str) {
        println!("  {} {text}", self.dim(&format!("{label:<9}")));
    }

    /// A continuation line under a labelled one.
    pub fn more(&self, text: &str) {
        println!("  {:<9} {text}", "");
    }
}

/// `12 ms`, `1.23 s`.
pub fn duration(d: Duration) -> String {
    ms((d.as_secs_f64() * 1e3).round() as u64)
}

/// Milliseconds as `12 ms` below 10 s, `12.3 s` above.
pub fn ms(ms: u64) -> String {
    if ms < 10_000 {
        format!("{ms} ms")
    } else {
        format!("{:.1} s", ms as f64 / 1000.0)
    }
}

/// Seconds with one decimal, for configuration values (`1.5 s`).
pub fn secs(ms: u64) -> String {
    format!("{:.1} s", ms as f64 / 1000.0)
}

/// The first `max` characters of `text`, quoted, with an ellipsis when cut.
pub fn preview(text: &str, max: usize) -> String {
    let mut out: String = text.chars().take(max).collect();
    if text.chars().count() > max {
        out.push('…');
    }
    format!("{out:?}")
}

/// `1,048,576`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// One row of the closing table.
#[derive(Clone, Debug)]
pub struct Row {
    pub name: String,
    /// The model that answered, or `— CODE` for a call that ended with an error.
    pub answered_by: String,
    pub complete: bool,
    pub attempts: usize,
    pub elapsed: Duration,
    /// Why the scenario did not behave as expected; empty when it did.
    pub failures: Vec<String>,
}

impl Row {
    pub fn ok(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Prints the summary table and returns whether every row passed.
pub fn summary(style: &Style, rows: &[Row], wall: Duration) -> bool {
    let name_w = rows.iter().map(|r| r.name.len()).max().unwrap_or(8).max(8);
    let by_w = rows
        .iter()
        .map(|r| r.answered_by.chars().count())
        .max()
        .unwrap_or(11)
        .max(11);
    println!();
    let title = format!(
        " {:>2}  {:<name_w$}  {:<by_w$}  {:<8}  {:>8}  {:>8}  verdict",
        "#", "scenario", "answered by", "complete", "attempts", "time"
    );
    println!("{}", style.bold(&title));
    for (i, row) in rows.iter().enumerate() {
        let answered = format!("{:<by_w$}", row.answered_by);
        println!(
            " {:>2}  {:<name_w$}  {}  {:<8}  {:>8}  {:>8}  {}",
            i + 1,
            row.name,
            if row.answered_by.starts_with('—') {
                style.yellow(&answered)
            } else {
                answered
            },
            if row.complete { "yes" } else { "no" },
            row.attempts,
            duration(row.elapsed),
            style.verdict(row.ok()),
        );
    }
    let failed: Vec<&Row> = rows.iter().filter(|r| !r.ok()).collect();
    println!();
    if failed.is_empty() {
        println!(
            "{} {} scenarios behaved as expected in {:.1} s.",
            style.green("ok"),
            rows.len(),
            wall.as_secs_f64()
        );
        true
    } else {
        println!(
            "{} {} of {} scenarios did not behave as expected ({:.1} s):",
            style.red("FAIL"),
            failed.len(),
            rows.len(),
            wall.as_secs_f64()
        );
        for row in failed {
            for failure in &row.failures {
                println!("  {}: {failure}", row.name);
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(thousands(1_048_576), "1,048,576");
        assert_eq!(thousands(999), "999");
        assert_eq!(ms(1_234), "1234 ms");
        assert_eq!(ms(12_345), "12.3 s");
        assert_eq!(preview("naïve café", 5), "\"naïve…\"");
        assert_eq!(preview("abc", 5), "\"abc\"");
    }
}
