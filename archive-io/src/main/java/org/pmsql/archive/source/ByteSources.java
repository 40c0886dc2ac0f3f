package org.pmsql.archive.source;

import io.airlift.compress.zstd.ZstdInputStream;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.z.ZCompressorInputStream;
import org.pmsql.archive.source.ArchiveFormatException;
import org.tukaani.xz.LZMAInputStream;
import org.tukaani.xz.XZFormatException;

/**
 * Opens an archive file by its suffix. The suffixes are libpcp's (io.c). Like libpcp, formats
 * without random access are expanded once into a private temporary file that is deleted on close,
 * so memory stays constant whatever the volume size.
 */
public final class ByteSources {
  /** Compression suffixes libpcp accepts, longest first so ".bz2" wins over ".bz". */
  public static final List<String> COMPRESSED_SUFFIXES =
      List.of(".lzma", ".bz2", ".zst", ".xz", ".bz", ".gz", ".Z", ".z");

  private ByteSources() {}

  public static ByteSource open(Path file) throws IOException {
    String name = file.toString();
    String suffix = compressionSuffix(name);
    if (suffix.isEmpty()) {
      return new FileByteSource(name, file, () -> {});
    }
    if (suffix.equals(".xz")) {
      try {
        return new XzByteSource(name, file);
      } catch (XZFormatException | org.tukaani.xz.CorruptedInputException e) {
        throw new ArchiveFormatException(name, 0, "not a valid xz file: " + e.getMessage());
      }
    }
    return expandToTemporaryFile(name, file, suffix);
  }

  /** The compression suffix of a file name, or "" when it is not compressed. */
  public static String compressionSuffix(String name) {
    for (String suffix : COMPRESSED_SUFFIXES) {
      if (name.endsWith(suffix)) {
        return suffix;
      }
    }
    return "";
  }

  private static ByteSource expandToTemporaryFile(String name, Path file, String suffix)
      throws IOException {
    Path temporary = Files.createTempFile("pmsql-", suffix.replace('.', '-'));
    try (InputStream raw = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
        InputStream in = decompressor(suffix, raw)) {
      Files.copy(in, temporary, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temporary);
      // Decoders report damage with assorted exception types; all mean the same to a user.
      throw new ArchiveFormatException(name, 0, "cannot decompress: " + e.getMessage());
    }
    return new FileByteSource(name, temporary, () -> deleteQuietly(temporary));
  }

  private static InputStream decompressor(String suffix, InputStream raw) throws IOException {
    switch (suffix) {
      case ".lzma":
        return new LZMAInputStream(raw);
      case ".bz2":
      case ".bz":
        return new BZip2CompressorInputStream(raw, true);
      case ".gz":
      case ".z":
        return new GZIPInputStream(raw, 1 << 16);
      case ".Z":
        return new ZCompressorInputStream(raw);
      case ".zst":
        return new ZstdInputStream(raw);
      default:
        throw new IllegalArgumentException(suffix);
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException ignored) {
      // A temporary file that outlives us is harmless; the close itself must not fail for it.
    }
  }
}
