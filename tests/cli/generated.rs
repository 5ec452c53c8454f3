//! The checked-in completions and man pages match what the CLI generates now.

use std::path::Path;

use crate::support::{Env, root};

#[test]
fn completions_are_current() {
    let env = Env::new(None);
    for (shell, file) in [
        ("bash", "soilctl.bash"),
        ("zsh", "_soilctl"),
        ("fish", "soilctl.fish"),
        ("powershell", "_soilctl.ps1"),
        ("elvish", "soilctl.elv"),
    ] {
        let out = env.run(&["generate", "completions", shell]).expect(0);
        let checked_in = std::fs::read_to_string(root().join("completions").join(file))
            .unwrap_or_else(|_| panic!("completions/{file} is missing: run scripts/generate.sh"));
        assert!(
            out.stdout == checked_in,
            "completions/{file} is out of date: run scripts/generate.sh"
        );
        assert!(
            !out.stdout.contains("generate"),
            "the hidden generate command leaked into {file}"
        );
    }
}

#[test]
fn man_pages_are_current() {
    let env = Env::new(None);
    let dir = env.path("man");
    env.run(&["generate", "man", "--out-dir", dir.to_str().unwrap()])
        .expect(0);
    let fresh = list(&dir);
    let checked_in = list(&root().join("man"));
    assert_eq!(
        fresh, checked_in,
        "man/ has other pages than the CLI: run scripts/generate.sh"
    );
    for name in &fresh {
        let a = std::fs::read(dir.join(name)).unwrap();
        let b = std::fs::read(root().join("man").join(name)).unwrap();
        assert!(a == b, "man/{name} is out of date: run scripts/generate.sh");
    }
    assert!(fresh.iter().any(|n| n == "soilctl-thing-create.1"));
    let top = std::fs::read_to_string(dir.join("soilctl.1")).unwrap();
    assert!(
        top.contains("Exit codes"),
        "the man page must document the exit codes"
    );
}

fn list(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}
