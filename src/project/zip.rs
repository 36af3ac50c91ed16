//! A minimal zip writer: stored (uncompressed) entries, enough for an exported project that any
//! unzip tool and twilio-run's users can open. Projects are small text files, so compression
//! would save little and cost a dependency.

use super::hash::crc32;

/// The zip archive of `files` (name with `/` separators, bytes), in the order given.
pub fn zip_stored(files: &[(String, Vec<u8>)]) -> Vec<u8> {
    let mut out = Vec::new();
    let mut central = Vec::new();
    for (name, data) in files {
        let offset = out.len() as u32;
        let crc = crc32(data);
        let size = data.len() as u32;
        let name = name.as_bytes();
        // Local file header: version 2.0, flag bit 11 (UTF-8 names), stored, 1980-01-01 00:00.
        out.extend_from_slice(&0x0403_4b50u32.to_le_bytes());
        push_common(&mut out, crc, size, name.len());
        out.extend_from_slice(name);
        out.extend_from_slice(data);
        // Central directory entry, made by Unix (3) so the mode bits below are read.
        central.extend_from_slice(&0x0201_4b50u32.to_le_bytes());
        central.extend_from_slice(&0x0314u16.to_le_bytes());
        push_common(&mut central, crc, size, name.len());
        central.extend_from_slice(&[0; 6]); // comment length, disk, internal attributes
        central.extend_from_slice(&(0o100_644u32 << 16).to_le_bytes());
        central.extend_from_slice(&offset.to_le_bytes());
        central.extend_from_slice(name);
    }
    let central_offset = out.len() as u32;
    let count = files.len() as u16;
    out.extend_from_slice(&central);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0; 4]); // this disk, disk with the directory
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&count.to_le_bytes());
    out.extend_from_slice(&(central.len() as u32).to_le_bytes());
    out.extend_from_slice(&central_offset.to_le_bytes());
    out.extend_from_slice(&[0; 2]); // comment length
    out
}

/// The fields local headers and central entries share, from "version needed" to the extra length.
fn push_common(out: &mut Vec<u8>, crc: u32, size: u32, name_len: usize) {
    out.extend_from_slice(&20u16.to_le_bytes());
    out.extend_from_slice(&0x0800u16.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // stored
    out.extend_from_slice(&0u16.to_le_bytes()); // time
    out.extend_from_slice(&0x0021u16.to_le_bytes()); // date: 1980-01-01
    out.extend_from_slice(&crc.to_le_bytes());
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&(name_len as u16).to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes()); // extra length
}

#[cfg(test)]
mod tests {
    use super::*;

    fn u32_at(bytes: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap())
    }

    fn u16_at(bytes: &[u8], at: usize) -> u16 {
        u16::from_le_bytes(bytes[at..at + 2].try_into().unwrap())
    }

    /// Reads the archive back through its central directory, as unzip does.
    fn read_back(zip: &[u8]) -> Vec<(String, Vec<u8>)> {
        let end = zip.len() - 22;
        assert_eq!(u32_at(zip, end), 0x0605_4b50);
        let count = u16_at(zip, end + 10) as usize;
        let mut at = u32_at(zip, end + 16) as usize;
        let mut files = Vec::new();
        for _ in 0..count {
            assert_eq!(u32_at(zip, at), 0x0201_4b50);
            let crc = u32_at(zip, at + 16);
            let size = u32_at(zip, at + 20) as usize;
            let name_len = u16_at(zip, at + 28) as usize;
            let local = u32_at(zip, at + 42) as usize;
            let name = String::from_utf8(zip[at + 46..at + 46 + name_len].to_vec()).unwrap();
            assert_eq!(u32_at(zip, local), 0x0403_4b50);
            let start = local + 30 + u16_at(zip, local + 26) as usize;
            let data = zip[start..start + size].to_vec();
            assert_eq!(crc32(&data), crc, "{name}");
            files.push((name, data));
            at += 46 + name_len;
        }
        files
    }

    #[test]
    fn entries_read_back_through_the_central_directory() {
        let files = vec![
            (
                "functions/hello.js".to_owned(),
                b"exports.handler = 1;".to_vec(),
            ),
            ("assets/empty.txt".to_owned(), Vec::new()),
            ("README.md".to_owned(), "héllo".as_bytes().to_vec()),
        ];
        let zip = zip_stored(&files);
        assert_eq!(read_back(&zip), files);
    }

    #[test]
    fn an_empty_archive_is_just_the_end_record() {
        assert_eq!(zip_stored(&[]).len(), 22);
    }
}
