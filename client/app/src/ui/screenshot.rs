//! Writing a screenshot of the window as a PNG file (`rustirc --screenshot FILE`, which the
//! documentation's pictures are made with). A small encoder: 8-bit RGBA, no filtering, the
//! image data deflated with flate2.

use std::io::Write;
use std::path::Path;

fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&u32::try_from(data.len()).unwrap_or(u32::MAX).to_be_bytes());
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
}

/// The PNG encoding of a `width`×`height` RGBA image.
///
/// # Errors
/// When compressing fails (it does not for data in memory).
pub fn png(width: u32, height: u32, rgba: &[u8]) -> std::io::Result<Vec<u8>> {
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    ihdr.extend_from_slice(&[8, 6, 0, 0, 0]);
    chunk(&mut out, b"IHDR", &ihdr);
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::default());
    let row = width as usize * 4;
    for line in rgba.chunks(row.max(1)) {
        z.write_all(&[0])?;
        z.write_all(line)?;
    }
    chunk(&mut out, b"IDAT", &z.finish()?);
    chunk(&mut out, b"IEND", &[]);
    Ok(out)
}

/// Saves `image` to `path` as a PNG.
///
/// # Errors
/// When the file cannot be written.
pub fn save(image: &egui::ColorImage, path: &Path) -> std::io::Result<()> {
    let rgba: Vec<u8> = image.pixels.iter().flat_map(|p| p.to_array()).collect();
    let w = u32::try_from(image.size[0]).unwrap_or(0);
    let h = u32::try_from(image.size[1]).unwrap_or(0);
    std::fs::write(path, png(w, h, &rgba)?)
}

#[cfg(test)]
mod tests {
    //! The file starts as a PNG does and its chunks carry the right lengths.
    #[test]
    fn png_layout() {
        let p = super::png(2, 1, &[255, 0, 0, 255, 0, 255, 0, 255]).unwrap();
        assert_eq!(&p[..8], b"\x89PNG\r\n\x1a\n");
        assert_eq!(&p[8..16], b"\0\0\0\x0dIHDR");
        assert_eq!(&p[p.len() - 12..], b"\0\0\0\0IEND\xaeB`\x82");
    }
}
