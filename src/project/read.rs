//! Reading a picked or dropped folder in the browser: every file with its path relative to the
//! project root.

use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    DataTransfer, File, FileList, FileSystemDirectoryEntry, FileSystemEntry, FileSystemFileEntry,
};

/// Files of an `<input type=file webkitdirectory>`: their `webkitRelativePath` starts with the
/// picked folder's name, which is dropped. A plain multiple-file input has no such path and
/// gives bare names.
pub fn from_input(list: &FileList) -> Vec<(String, File)> {
    files(list)
        .map(|file| {
            let path = match relative_path(&file).split_once('/') {
                Some((_, below)) => below.to_owned(),
                None => file.name(),
            };
            (path, file)
        })
        .collect()
}

/// The name of the folder an input's files were picked from, if they were.
pub fn folder_of(list: &FileList) -> Option<String> {
    let first = files(list).next()?;
    relative_path(&first)
        .split_once('/')
        .map(|(folder, _)| folder.to_owned())
}

fn files(list: &FileList) -> impl Iterator<Item = File> + '_ {
    (0..list.length()).filter_map(|i| list.get(i))
}

fn relative_path(file: &File) -> String {
    js_sys::Reflect::get(file, &"webkitRelativePath".into())
        .ok()
        .and_then(|v| v.as_string())
        .unwrap_or_default()
}

/// The entries of a drop, taken during the event (the list is emptied after it).
pub fn dropped_entries(transfer: &DataTransfer) -> Vec<FileSystemEntry> {
    let items = transfer.items();
    (0..items.length())
        .filter_map(|i| items.get(i)?.webkit_get_as_entry().ok().flatten())
        .collect()
}

/// Every file below the dropped entries. One dropped folder is the project root; several dropped
/// items are taken as the root's contents.
pub async fn from_entries(entries: Vec<FileSystemEntry>) -> Result<Vec<(String, File)>, String> {
    let root = match entries.as_slice() {
        [only] if only.is_directory() => format!("/{}/", only.name()),
        _ => "/".to_owned(),
    };
    let mut stack = entries;
    let mut files = Vec::new();
    while let Some(entry) = stack.pop() {
        // The toolkit never deploys these; walking node_modules alone can take minutes.
        let name = entry.name();
        let nested = entry.full_path().trim_start_matches('/').contains('/');
        if entry.is_directory() && nested && (name == "node_modules" || name.starts_with('.')) {
            continue;
        }
        if entry.is_directory() {
            let reader = entry
                .unchecked_into::<FileSystemDirectoryEntry>()
                .create_reader();
            // readEntries answers in batches (100 in Chromium) until an empty one.
            loop {
                let batch = promise(|ok, err| {
                    let _ = reader.read_entries_with_callback_and_callback(ok, err);
                })
                .await?;
                let batch: js_sys::Array = batch.unchecked_into();
                if batch.length() == 0 {
                    break;
                }
                stack.extend(batch.iter().map(|e| e.unchecked_into::<FileSystemEntry>()));
            }
        } else if entry.is_file() {
            let path = entry.full_path();
            let file_entry: FileSystemFileEntry = entry.unchecked_into();
            let file =
                promise(|ok, err| file_entry.file_with_callback_and_callback(ok, err)).await?;
            let path = path.strip_prefix(&root).unwrap_or(&path).to_owned();
            files.push((path, file.unchecked_into()));
        }
    }
    Ok(files)
}

async fn promise(
    mut start: impl FnMut(&js_sys::Function, &js_sys::Function),
) -> Result<JsValue, String> {
    JsFuture::from(js_sys::Promise::new(&mut |ok, err| start(&ok, &err)))
        .await
        .map_err(|e| format!("the folder could not be read: {e:?}"))
}

/// The whole file as bytes.
pub async fn bytes(file: &web_sys::Blob) -> Result<Vec<u8>, String> {
    let buffer = JsFuture::from(file.array_buffer())
        .await
        .map_err(|_| "a file could not be read".to_owned())?;
    Ok(js_sys::Uint8Array::new(&buffer).to_vec())
}
