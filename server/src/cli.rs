//! The server binary's command line: `serve` (the default) and the operator's commands. Parsed
//! by hand (no argument crate for seven commands); every command has `--help`, and a usage
//! error exits with code 2 and says what was wrong.

use std::path::PathBuf;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    Serve,
    Migrate,
    CreateAdmin(NewAdmin),
    Backup {
        to: PathBuf,
    },
    Restore {
        from: PathBuf,
    },
    Verify,
    ImportCatalogue {
        file: PathBuf,
        /// Check only: report what the import would do and write nothing.
        check: bool,
    },
    /// `--help` of the whole binary or of one command.
    Help(&'static str),
}

/// `create-admin`'s options.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NewAdmin {
    pub name: String,
    pub cccd: String,
    pub phone: String,
    pub email: String,
    /// The province, when it was never set up: its identifier code and name.
    pub province_code: Option<String>,
    pub province_name: Option<String>,
}

pub const USAGE: &str = "\
Cổng Dịch vụ công — provincial public-service portal and one-stop back office.

Usage: server [COMMAND] [OPTIONS]

Commands:
  serve                 run the portal (the default); configuration from the environment (README)
  migrate               bring the database's schema up to date, then stop
  create-admin          create a province administrator and print a one-time link to set the password
  backup --to DIR       copy the database and the uploaded files into DIR, with a manifest and checksums
  restore --from DIR    bring a backup back into an empty database and data directory
  verify                check every dossier's history chain and every stored file's SHA-256
  import-catalogue FILE import a catalogue file (docs/catalogue-format.md): all of it or nothing

Each command takes --help. Exit codes: 0 done, 1 failed or found problems, 2 wrong usage.
";

pub const SERVE_HELP: &str = "\
Usage: server [serve]

Runs the portal on LEPTOS_SITE_ADDR with the database DATABASE_URL (SQLite under DATA_DIR by
default), running the migrations first. With DEMO_DATA set, an empty database gets the demo data.
Without it, a database with no province administrator prints a one-time setup link.
";

pub const MIGRATE_HELP: &str = "\
Usage: server migrate

Runs the migrations on DATABASE_URL and stops. `serve` runs them too; this lets an upgrade
migrate before the new version takes traffic.
";

pub const CREATE_ADMIN_HELP: &str = "\
Usage: server create-admin --name NAME --cccd CCCD --phone PHONE [--email EMAIL]
                           [--province-code CODE --province-name NAME]

Creates a province administrator (who signs in with the CCCD) and prints a one-time link, valid
for 24 hours, with which they choose their password: no password ever passes on the command
line. On a database whose province was never set up, --province-code (the electronic identifier
code, e.g. 000.00.00.H45) and --province-name create it.
";

pub const BACKUP_HELP: &str = "\
Usage: server backup --to DIR

Copies the database (SQLite: a consistent online copy; PostgreSQL: pg_dump from one snapshot)
and every uploaded file into DIR, which must be empty or absent, with manifest.json: counts of
every table, and the size and SHA-256 of every file. Safe while the portal serves.
";

pub const RESTORE_HELP: &str = "\
Usage: server restore --from DIR

Checks the backup in DIR against its manifest, then brings it back into DATABASE_URL (which must
be empty: a new SQLite file, or a PostgreSQL database without tables) and DATA_DIR/uploads (empty
or absent), and checks the counts and every history chain of the result.
";

pub const VERIFY_HELP: &str = "\
Usage: server verify

Checks every dossier's history chain (each event's hash, the links between them, the head kept
with the dossier) and every stored file's size and SHA-256. Prints what is wrong; exits 1 if
anything is.
";

pub const IMPORT_CATALOGUE_HELP: &str = "\
Usage: server import-catalogue FILE [--check]

Reads a catalogue file (docs/catalogue-format.md: agencies with their units, sectors and
procedures), checks all of it and prints every problem with the code of its record and the
field; a file with any problem imports nothing (exit 1). Otherwise imports it in one
transaction: a procedure gets a new version only where something changed, so importing the
same file again changes nothing. With --check, says what the import would do and writes nothing.
";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}\n\nTry `server --help`.")]
pub struct UsageError(pub String);

fn usage(msg: impl Into<String>) -> UsageError {
    UsageError(msg.into())
}

/// Reads `args` (without the program's name).
pub fn parse(args: &[String]) -> Result<Command, UsageError> {
    let wants_help = |rest: &[String]| rest.iter().any(|a| a == "--help" || a == "-h");
    let Some((command, rest)) = args.split_first() else { return Ok(Command::Serve) };
    let (help, rest) = match command.as_str() {
        "--help" | "-h" | "help" => return Ok(Command::Help(USAGE)),
        "serve" => (SERVE_HELP, rest),
        "migrate" => (MIGRATE_HELP, rest),
        "create-admin" => (CREATE_ADMIN_HELP, rest),
        "backup" => (BACKUP_HELP, rest),
        "restore" => (RESTORE_HELP, rest),
        "verify" => (VERIFY_HELP, rest),
        "import-catalogue" => (IMPORT_CATALOGUE_HELP, rest),
        other => return Err(usage(format!("unknown command {other:?}"))),
    };
    if wants_help(rest) {
        return Ok(Command::Help(help));
    }
    if command == "import-catalogue" {
        // One file, and the flag --check.
        let (flags, files): (Vec<&String>, Vec<&String>) = rest.iter().partition(|a| a.starts_with("--"));
        if let Some(f) = flags.iter().find(|f| f.as_str() != "--check") {
            return Err(usage(format!("import-catalogue: unknown option {f}")));
        }
        return match files.as_slice() {
            [file] => Ok(Command::ImportCatalogue { file: PathBuf::from(file), check: !flags.is_empty() }),
            [] => Err(usage("import-catalogue: which FILE?")),
            _ => Err(usage("import-catalogue: one FILE at a time")),
        };
    }
    let options = options(rest)?;
    let take = |name: &str| options.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone());
    let allow = |names: &[&str]| match options.iter().find(|(k, _)| !names.contains(&k.as_str())) {
        Some((k, _)) => Err(usage(format!("{command}: unknown option --{k}"))),
        None => Ok(()),
    };
    let required = |name: &str| take(name).ok_or_else(|| usage(format!("{command}: --{name} is required")));
    Ok(match command.as_str() {
        "serve" => {
            allow(&[])?;
            Command::Serve
        }
        "migrate" => {
            allow(&[])?;
            Command::Migrate
        }
        "verify" => {
            allow(&[])?;
            Command::Verify
        }
        "backup" => {
            allow(&["to"])?;
            Command::Backup { to: PathBuf::from(required("to")?) }
        }
        "restore" => {
            allow(&["from"])?;
            Command::Restore { from: PathBuf::from(required("from")?) }
        }
        _ => {
            allow(&["name", "cccd", "phone", "email", "province-code", "province-name"])?;
            let province_code = take("province-code");
            let province_name = take("province-name");
            if province_code.is_some() != province_name.is_some() {
                return Err(usage("create-admin: --province-code and --province-name go together"));
            }
            Command::CreateAdmin(NewAdmin {
                name: required("name")?,
                cccd: required("cccd")?,
                phone: required("phone")?,
                email: take("email").unwrap_or_default(),
                province_code,
                province_name,
            })
        }
    })
}

/// `--key value` and `--key=value` pairs; anything else is a usage error.
fn options(args: &[String]) -> Result<Vec<(String, String)>, UsageError> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut i = 0;
    while i < args.len() {
        let Some(key) = args[i].strip_prefix("--") else {
            return Err(usage(format!("unexpected argument {:?}", args[i])));
        };
        let (key, value) = match key.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => {
                i += 1;
                let v = args
                    .get(i)
                    .filter(|v| !v.starts_with("--"))
                    .ok_or_else(|| usage(format!("--{key} needs a value")))?;
                (key.to_string(), v.clone())
            }
        };
        if out.iter().any(|(k, _)| *k == key) {
            return Err(usage(format!("--{key} is given twice")));
        }
        out.push((key, value));
        i += 1;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Vec<String> {
        s.split_whitespace().map(String::from).collect()
    }

    #[test]
    fn no_command_serves_and_every_command_has_help() {
        assert_eq!(parse(&[]), Ok(Command::Serve));
        assert_eq!(parse(&args("--help")), Ok(Command::Help(USAGE)));
        for (c, h) in [
            ("serve", SERVE_HELP),
            ("migrate", MIGRATE_HELP),
            ("create-admin", CREATE_ADMIN_HELP),
            ("backup", BACKUP_HELP),
            ("restore", RESTORE_HELP),
            ("verify", VERIFY_HELP),
            ("import-catalogue", IMPORT_CATALOGUE_HELP),
        ] {
            assert_eq!(parse(&args(&format!("{c} --help"))), Ok(Command::Help(h)), "{c}");
            assert!(USAGE.contains(&format!("  {c}")), "{c} is listed");
        }
    }

    #[test]
    fn options_are_read_in_both_spellings() {
        assert_eq!(parse(&args("backup --to /srv/b")), Ok(Command::Backup { to: "/srv/b".into() }));
        assert_eq!(parse(&args("restore --from=/srv/b")), Ok(Command::Restore { from: "/srv/b".into() }));
        let admin = parse(&[
            "create-admin".into(),
            "--name".into(),
            "Mai Thị Cúc".into(),
            "--cccd=045192000205".into(),
            "--phone".into(),
            "0912345678".into(),
        ]);
        assert_eq!(
            admin,
            Ok(Command::CreateAdmin(NewAdmin {
                name: "Mai Thị Cúc".into(),
                cccd: "045192000205".into(),
                phone: "0912345678".into(),
                ..NewAdmin::default()
            }))
        );
    }

    #[test]
    fn import_catalogue_takes_one_file_and_check() {
        let import = |file: &str, check| Ok(Command::ImportCatalogue { file: file.into(), check });
        assert_eq!(parse(&args("import-catalogue /srv/c.json")), import("/srv/c.json", false));
        assert_eq!(parse(&args("import-catalogue --check c.json")), import("c.json", true));
        for wrong in ["import-catalogue", "import-catalogue a.json b.json", "import-catalogue a.json --dry"] {
            assert!(parse(&args(wrong)).is_err(), "{wrong}");
        }
    }

    #[test]
    fn usage_errors_say_what_is_wrong() {
        let said = |s: &str| parse(&args(s)).unwrap_err().0;
        assert!(said("frobnicate").contains("unknown command"));
        assert!(said("backup").contains("--to is required"));
        assert!(said("backup --to").contains("--to needs a value"));
        assert!(said("backup --to a --to b").contains("given twice"));
        assert!(said("backup --from a").contains("unknown option --from"));
        assert!(said("verify now").contains("unexpected argument"));
        assert!(said("create-admin --name A --cccd 1 --phone 2 --province-code X").contains("go together"));
    }
}
