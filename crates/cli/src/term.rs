//! Standard output for people. A reader that goes away (`duizhang … | head`) is not an error:
//! what is printed after it left is dropped, and the run carries on and ends as it would.

use std::io::{ErrorKind, StdoutLock, Write};

/// The locked standard output, quiet on a closed pipe.
pub fn stdout() -> Quiet<StdoutLock<'static>> {
    Quiet(std::io::stdout().lock())
}

pub struct Quiet<W>(W);

impl<W: Write> Write for Quiet<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self.0.write(buf) {
            Err(e) if e.kind() == ErrorKind::BrokenPipe => Ok(buf.len()),
            other => other,
        }
    }

    fn flush(&mut self) -> std::io::Result<()> {
        match self.0.flush() {
            Err(e) if e.kind() == ErrorKind::BrokenPipe => Ok(()),
            other => other,
        }
    }
}

/// `println!` that a closed pipe does not turn into a panic.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!($crate::term::stdout(), $($arg)*);
    }};
}
pub(crate) use say;

/// `eprintln!` that a closed pipe (`2>&1 | head`) does not turn into a panic: progress and
/// notices for people are dropped when nobody reads them.
macro_rules! note {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}
pub(crate) use note;

#[cfg(test)]
mod tests {
    use super::*;

    struct Closed;

    impl Write for Closed {
        fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
            Err(ErrorKind::BrokenPipe.into())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Err(ErrorKind::BrokenPipe.into())
        }
    }

    #[test]
    fn writing_to_a_closed_pipe_is_not_an_error() {
        let mut out = Quiet(Closed);
        assert!(writeln!(out, "店铺 1 个").is_ok());
        assert!(out.flush().is_ok());
    }
}
