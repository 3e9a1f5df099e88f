//! The `madinati` binary: everything is in the library; see `madinati --help`.

/// mimalloc: the server makes many small short-lived allocations per request, from several
/// threads, and holds millions of small long-lived ones (features); it is faster than the system
/// allocator on both and gives memory back after the start-up peak.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    madinati::cli::main()
}
