//! Writing outputs atomically: a single file (temp file, fsync, 0644, rename) or a whole
//! folder (staging folder, then renames), so a failed run leaves no half-written output and
//! never damages an old one.

use crate::error::Error;
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// Fills a staging folder with `fill`, then puts it in place of `out_dir`. Refuses an
/// existing `out_dir` that holds anything but `owned_files` (the files this kind of output
/// writes: `PLAN_FILES` for a plan), so a user's folder is never replaced.
pub fn write_dir_atomically(
    out_dir: &Path,
    owned_files: &[&str],
    fill: impl FnOnce(&Path) -> std::io::Result<()>,
) -> Result<(), Error> {
    let err = |path: &Path, source: std::io::Error| Error::Output { path: path.to_path_buf(), source };
    let name = out_dir
        .file_name()
        .ok_or_else(|| err(out_dir, std::io::Error::other("the output folder needs a name")))?
        .to_string_lossy()
        .into_owned();
    let parent = match out_dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if out_dir.exists() {
        let entries = fs::read_dir(out_dir).map_err(|e| err(out_dir, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| err(out_dir, e))?;
            let file = entry.file_name().to_string_lossy().into_owned();
            if !owned_files.contains(&file.as_str()) {
                return Err(err(
                    out_dir,
                    std::io::Error::other(format!(
                        "it holds `{file}`, which flexplan did not write; choose a new or empty folder \
                         (flexplan replaces the whole output folder)"
                    )),
                ));
            }
        }
    } else {
        fs::create_dir_all(&parent).map_err(|e| err(&parent, e))?;
    }
    let staging = tempfile::Builder::new()
        .prefix(&format!(".{name}.flexplan-staging-"))
        .tempdir_in(&parent)
        .map_err(|e| err(&parent, e))?;
    fill(staging.path()).map_err(|e| err(out_dir, e))?;
    let staging_path = staging.keep();
    let old = parent.join(format!(".{name}.flexplan-old-{}", std::process::id()));
    let had_old = out_dir.exists();
    if had_old {
        if let Err(e) = fs::rename(out_dir, &old) {
            let _ = fs::remove_dir_all(&staging_path);
            return Err(err(out_dir, e));
        }
    }
    if let Err(e) = fs::rename(&staging_path, out_dir) {
        if had_old {
            let _ = fs::rename(&old, out_dir);
        }
        let _ = fs::remove_dir_all(&staging_path);
        return Err(err(out_dir, e));
    }
    if had_old {
        let _ = fs::remove_dir_all(&old);
    }
    Ok(())
}

/// Writes `dir/name` through a temporary file in `dir`, fsynced and renamed into place at the
/// end, so a reader sees the old file or the whole new one. The file gets the usual 0644
/// permissions (a temporary file is created owner-only). The one single-file writer of the
/// crate: plan-directory tables, a plan's `forecast.csv`, sweep results.
pub fn write_file_atomically<F>(dir: &Path, name: &str, write_body: F) -> Result<(), Error>
where
    F: FnOnce(&mut dyn Write) -> io::Result<()>,
{
    let path: PathBuf = dir.join(name);
    let with_path = |source: io::Error| Error::Output { path: path.clone(), source };
    let temp =
        tempfile::Builder::new().prefix(&format!(".{name}.")).suffix(".tmp").tempfile_in(dir).map_err(with_path)?;
    let mut out = BufWriter::with_capacity(1 << 16, temp);
    write_body(&mut out).map_err(with_path)?;
    let temp = out.into_inner().map_err(|error| with_path(error.into_error()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        temp.as_file().set_permissions(std::fs::Permissions::from_mode(0o644)).map_err(with_path)?;
    }
    temp.as_file().sync_all().map_err(with_path)?;
    temp.persist(&path).map_err(|error| with_path(error.error))?;
    Ok(())
}
