//! `command` targets: a program with the input on stdin, killed when its timeout expires.

use std::io::{Read, Write};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use super::TargetError;

/// How often a running program is checked for exit.
const POLL: Duration = Duration::from_millis(5);

/// Runs `program args…` with `input` on stdin; fails on a non-zero exit (with stderr's last
/// line) or when it runs longer than `timeout` (it is then killed).
pub(crate) fn run(
    program: &str,
    args: &[String],
    input: &str,
    timeout: Duration,
) -> Result<(), TargetError> {
    let mut child = Command::new(program)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|error| TargetError::Spawn {
            program: program.to_owned(),
            error,
        })?;
    // Feed stdin and drain stderr on their own threads, so that a program that reads little
    // or writes much never blocks against us.
    let stdin = child.stdin.take().map(|mut stdin| {
        let input = input.to_owned();
        // A program may exit without reading its input: a broken pipe is not an error here.
        thread::spawn(move || drop(stdin.write_all(input.as_bytes())))
    });
    let stderr = child.stderr.take().map(|mut stderr| {
        thread::spawn(move || {
            let mut text = String::new();
            drop(stderr.read_to_string(&mut text));
            text
        })
    });
    let Some(status) = wait_until(&mut child, Instant::now() + timeout)? else {
        drop(child.kill());
        drop(child.wait());
        return Err(TargetError::CommandTimeout {
            program: program.to_owned(),
            timeout,
        });
    };
    if let Some(stdin) = stdin {
        drop(stdin.join());
    }
    let stderr = stderr
        .and_then(|reader| reader.join().ok())
        .unwrap_or_default();
    if status.success() {
        return Ok(());
    }
    Err(TargetError::CommandFailed {
        program: program.to_owned(),
        status: status.to_string(),
        stderr: stderr
            .lines()
            .rev()
            .find(|line| !line.trim().is_empty())
            .unwrap_or("")
            .trim()
            .to_owned(),
    })
}

/// The exit status, or `None` if the program is still running at `deadline`.
fn wait_until(child: &mut Child, deadline: Instant) -> Result<Option<ExitStatus>, TargetError> {
    loop {
        if let Some(status) = child.try_wait()? {
            return Ok(Some(status));
        }
        let now = Instant::now();
        if now >= deadline {
            return Ok(None);
        }
        thread::sleep(POLL.min(deadline - now));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sh(script: &str) -> Vec<String> {
        vec!["-c".to_owned(), script.to_owned()]
    }

    #[test]
    fn the_program_reads_the_input_on_stdin() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let script = format!("cat > '{}'", out.display());
        run("sh", &sh(&script), "\"hello\"\n", Duration::from_secs(10)).unwrap();
        assert_eq!(fs_err::read_to_string(out).unwrap(), "\"hello\"\n");
    }

    #[test]
    fn a_non_zero_exit_fails_with_the_last_stderr_line() {
        let error = run(
            "sh",
            &sh("echo first >&2; echo 'no route to pager' >&2; echo >&2; exit 3"),
            "x",
            Duration::from_secs(10),
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "`sh` failed (exit status: 3): no route to pager"
        );
    }

    #[test]
    fn a_program_past_its_timeout_is_killed() {
        let started = Instant::now();
        let error = run("sleep", &["30".to_owned()], "", Duration::from_millis(200)).unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(10));
        assert_eq!(
            error.to_string(),
            "`sleep` did not finish within 200ms and was killed"
        );
    }

    #[test]
    fn a_missing_program_is_reported() {
        let error = run("/nonexistent/notify", &[], "", Duration::from_secs(1)).unwrap_err();
        assert!(
            error
                .to_string()
                .starts_with("cannot run `/nonexistent/notify`: "),
            "{error}"
        );
    }
}
