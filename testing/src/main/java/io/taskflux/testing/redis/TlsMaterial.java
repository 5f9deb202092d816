package io.taskflux.testing.redis;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A throw-away certificate authority and a server certificate for {@code localhost} and {@code
 * 127.0.0.1}, made with {@code openssl} in a directory of the test's. The CA certificate is what a
 * client trusts; {@link #generate(Path, String)} with another name gives an unrelated CA for "wrong
 * CA is refused" tests.
 *
 * @param caCert PEM certificate of the CA
 * @param serverCert PEM certificate of the server, signed by the CA
 * @param serverKey PEM private key of the server
 */
public record TlsMaterial(Path caCert, Path serverCert, Path serverKey) {

  /** Generates the files under {@code dir}, with {@code name} in the CA's common name. */
  public static TlsMaterial generate(Path dir, String name) {
    try {
      Files.createDirectories(dir);
      Path ext = dir.resolve("san.ext");
      Files.writeString(
          ext, "subjectAltName=DNS:localhost,IP:127.0.0.1\n", StandardCharsets.US_ASCII);
      run(dir, "openssl", "genrsa", "-out", "ca.key", "2048");
      run(
          dir,
          "openssl",
          "req",
          "-x509",
          "-new",
          "-nodes",
          "-key",
          "ca.key",
          "-sha256",
          "-days",
          "2",
          "-subj",
          "/CN=" + name + "-ca",
          "-out",
          "ca.crt");
      run(dir, "openssl", "genrsa", "-out", "server.key", "2048");
      run(
          dir,
          "openssl",
          "req",
          "-new",
          "-key",
          "server.key",
          "-subj",
          "/CN=localhost",
          "-out",
          "server.csr");
      run(
          dir,
          "openssl",
          "x509",
          "-req",
          "-in",
          "server.csr",
          "-CA",
          "ca.crt",
          "-CAkey",
          "ca.key",
          "-CAcreateserial",
          "-days",
          "2",
          "-sha256",
          "-extfile",
          "san.ext",
          "-out",
          "server.crt");
      return new TlsMaterial(
          dir.resolve("ca.crt"), dir.resolve("server.crt"), dir.resolve("server.key"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot generate TLS material with openssl", e);
    }
  }

  private static void run(Path dir, String... command) throws IOException {
    Process p =
        new ProcessBuilder(List.of(command))
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    try {
      if (p.waitFor() != 0) {
        throw new IOException(String.join(" ", command) + " failed: " + out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
