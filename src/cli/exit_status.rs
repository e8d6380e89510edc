//! The one error type of the command line and the one place it becomes an exit status:
//! `0` clean, `1` the book has errors or the command found what it refuses, `2` the
//! command could not run (README's table; `tests/testsuite/exit_codes.rs`). Every line
//! written here starts `copbook: `.

use std::fmt::Display;
use std::process::ExitCode;

/// Exit code when the book has errors (findings, invalid settings, a broken SUMMARY.md).
const BOOK_HAS_ERRORS: u8 = 1;
/// Exit code when the command could not run (no such folder, unreadable book.toml, an
/// address in use, an unwritable output folder).
const COULD_NOT_RUN: u8 = 2;

/// Why a command did not end cleanly.
#[derive(Debug)]
pub enum CliError {
    /// The book has errors, or the command refused (exit 1). The message, if any, is
    /// written as `copbook: …`; `None` when the command has already said what it found.
    Failed(Option<String>),
    /// The command could not run (exit 2): written as `copbook: …`, with every cause.
    CouldNotRun(anyhow::Error),
}

impl CliError {
    /// The book has errors (exit 1); `e` is written as it displays.
    pub fn failed(e: impl Display) -> CliError {
        CliError::Failed(Some(e.to_string()))
    }

    /// The command could not run (exit 2); `e` is written as it displays, without its
    /// causes.
    pub fn could_not_run(e: impl Display) -> CliError {
        CliError::CouldNotRun(anyhow::Error::msg(e.to_string()))
    }

    /// A book that could not be read or built: exit 2 when it could not be read
    /// (`unreadable`: no folder, no book.toml), 1 when it has errors.
    pub fn of_book(e: impl Display, unreadable: bool) -> CliError {
        if unreadable {
            CliError::could_not_run(e)
        } else {
            CliError::failed(e)
        }
    }
}

/// Anything `?` meets (I/O, the store, JSON, a context added with `anyhow`) means the
/// command could not run.
impl<E: Into<anyhow::Error>> From<E> for CliError {
    fn from(e: E) -> CliError {
        CliError::CouldNotRun(e.into())
    }
}

/// Writes `text` to standard error, every line starting `copbook: `.
pub fn report(text: &str) {
    for line in text.lines() {
        eprintln!("copbook: {line}");
    }
}

/// The exit status of a command's outcome, its error written first.
pub fn exit_code(outcome: Result<(), CliError>) -> ExitCode {
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(CliError::Failed(message)) => {
            if let Some(message) = message {
                report(&message);
            }
            ExitCode::from(BOOK_HAS_ERRORS)
        }
        Err(CliError::CouldNotRun(e)) => {
            report(&format!("{e:#}"));
            ExitCode::from(COULD_NOT_RUN)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_book_error_exits_2_only_when_the_book_could_not_be_read() {
        assert!(matches!(
            CliError::of_book("nowhere: no such book folder", true),
            CliError::CouldNotRun(_)
        ));
        assert!(matches!(
            CliError::of_book("book/book.toml: bad", false),
            CliError::Failed(Some(m)) if m == "book/book.toml: bad"
        ));
    }

    #[test]
    fn an_error_met_by_question_mark_could_not_run_and_keeps_its_causes() {
        fn open() -> Result<(), CliError> {
            let missing = std::fs::read("/nonexistent/copbook/file");
            anyhow::Context::context(missing, "reading the file")?;
            Ok(())
        }
        match open() {
            Err(CliError::CouldNotRun(e)) => {
                let text = format!("{e:#}");
                assert!(text.starts_with("reading the file: "), "{text}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn exit_codes_are_0_1_and_2() {
        assert_eq!(exit_code(Ok(())), ExitCode::SUCCESS);
        assert_eq!(
            exit_code(Err(CliError::Failed(None))),
            ExitCode::from(BOOK_HAS_ERRORS)
        );
        assert_eq!(
            exit_code(Err(CliError::could_not_run("no"))),
            ExitCode::from(COULD_NOT_RUN)
        );
    }
}
