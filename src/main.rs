//! The `madinati` binary: everything is in the library; see `madinati --help`.

fn main() -> std::process::ExitCode {
    madinati::cli::main()
}
