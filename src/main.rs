//! The `revlens` binary: hands the arguments and standard streams to
//! [`revlens::cli::run`] and exits with the code it returns.

fn main() {
    let code = revlens::cli::run(
        std::env::args_os(),
        &mut std::io::stdout().lock(),
        &mut std::io::stderr().lock(),
    );
    std::process::exit(code);
}
