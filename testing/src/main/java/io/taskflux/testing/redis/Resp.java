package io.taskflux.testing.redis;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A minimal blocking RESP2 client the harness uses to set up and probe its servers (cluster
 * formation, readiness, {@code INFO}). It has no dependency, so the harness does not need the
 * client under test to manage its own servers. Errors come back as {@link RespError}.
 */
public final class Resp implements Closeable {

  /** An error reply from the server. */
  public static final class RespError extends RuntimeException {
    RespError(String message) {
      super(message);
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private Resp(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /** Connects to a plain-text port on loopback, waiting at most {@code timeoutMillis}. */
  public static Resp connect(int port, int timeoutMillis) throws IOException {
    Socket socket = new Socket();
    socket.connect(new InetSocketAddress("127.0.0.1", port), timeoutMillis);
    socket.setSoTimeout(10_000);
    return new Resp(socket);
  }

  /**
   * Connects over TLS to {@code localhost:port}, trusting only the CA certificate in {@code
   * caCertPem}; the handshake fails when the server's certificate is not signed by it.
   */
  public static Resp connectTls(int port, java.nio.file.Path caCertPem) throws IOException {
    try {
      java.security.cert.Certificate ca;
      try (InputStream pem = java.nio.file.Files.newInputStream(caCertPem)) {
        ca = java.security.cert.CertificateFactory.getInstance("X.509").generateCertificate(pem);
      }
      java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", ca);
      javax.net.ssl.TrustManagerFactory tmf =
          javax.net.ssl.TrustManagerFactory.getInstance(
              javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      javax.net.ssl.SSLContext ctx = javax.net.ssl.SSLContext.getInstance("TLS");
      ctx.init(null, tmf.getTrustManagers(), null);
      javax.net.ssl.SSLSocket socket =
          (javax.net.ssl.SSLSocket) ctx.getSocketFactory().createSocket("localhost", port);
      socket.setSoTimeout(10_000);
      socket.startHandshake();
      return new Resp(socket);
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException("cannot set up TLS trust for " + caCertPem, e);
    }
  }

  /** Sends one command and reads its reply: String, Long, byte[]-as-String, List or null. */
  public Object call(String... args) throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    buf.write(('*' + String.valueOf(args.length) + "\r\n").getBytes(StandardCharsets.UTF_8));
    for (String arg : args) {
      byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
      buf.write(('$' + String.valueOf(bytes.length) + "\r\n").getBytes(StandardCharsets.UTF_8));
      buf.write(bytes);
      buf.write("\r\n".getBytes(StandardCharsets.UTF_8));
    }
    out.write(buf.toByteArray());
    out.flush();
    return read();
  }

  /** {@link #call} for a reply known to be text. */
  public String callString(String... args) throws IOException {
    Object reply = call(args);
    return reply == null ? null : reply.toString();
  }

  private Object read() throws IOException {
    int type = in.read();
    if (type < 0) {
      throw new IOException("connection closed by server");
    }
    String line = readLine();
    switch (type) {
      case '+':
        return line;
      case '-':
        throw new RespError(line);
      case ':':
        return Long.parseLong(line);
      case '$':
        {
          int len = Integer.parseInt(line);
          if (len < 0) {
            return null;
          }
          byte[] data = in.readNBytes(len);
          in.readNBytes(2);
          return new String(data, StandardCharsets.UTF_8);
        }
      case '*':
        {
          int len = Integer.parseInt(line);
          if (len < 0) {
            return null;
          }
          List<Object> items = new ArrayList<>(len);
          for (int i = 0; i < len; i++) {
            items.add(read());
          }
          return items;
        }
      default:
        throw new IOException("unexpected RESP type byte " + type);
    }
  }

  private String readLine() throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) != '\r') {
      if (c < 0) {
        throw new IOException("connection closed by server");
      }
      sb.append((char) c);
    }
    in.read(); // '\n'
    return sb.toString();
  }

  /** Changes how long a read waits for a reply before a {@code SocketTimeoutException}. */
  public void setReadTimeout(int millis) throws IOException {
    socket.setSoTimeout(millis);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
