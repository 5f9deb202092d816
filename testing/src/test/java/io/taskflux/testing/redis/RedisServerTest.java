package io.taskflux.testing.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketTimeoutException;
import javax.net.ssl.SSLException;
import org.junit.jupiter.api.Test;

class RedisServerTest {

  @Test
  void startsOnAFreePortAndAnswers() throws IOException {
    try (RedisServer server = RedisServer.start();
        Resp r = server.connect()) {
      System.out.println("redis-server used: " + server.binary());
      assertEquals("PONG", r.callString("PING"));
      assertTrue(server.uri().startsWith("redis://127.0.0.1:"));
      assertTrue(server.dataDir().getFileName().toString().startsWith("taskflux-redis-"));
    }
  }

  @Test
  void anAcknowledgedWriteSurvivesKillAndRestart() throws IOException {
    // appendfsync always: with everysec a server whose previous fsync is still running postpones
    // the AOF write by up to 2 s and replies anyway, so a loaded machine lost ~80 of 1,000 writes.
    try (RedisServer server = RedisServer.start(RedisServerOptions.defaults().withFsyncAlways())) {
      try (Resp r = server.connect()) {
        for (int i = 0; i < 1_000; i++) {
          assertEquals("OK", r.callString("SET", "k" + i, "v" + i));
        }
      }
      long before = server.pid();
      server.kill();
      assertFalse(server.isRunning());
      server.restart();
      assertTrue(server.pid() != before);
      try (Resp r = server.connect()) {
        assertEquals("1000", String.valueOf(r.call("DBSIZE")));
        assertEquals("v999", r.callString("GET", "k999"));
      }
    }
  }

  @Test
  void withoutAofAKillLosesTheData() throws IOException {
    // The control for the test above: it shows that restart alone would not keep the data.
    try (RedisServer server =
        RedisServer.start(RedisServerOptions.defaults().withAppendOnly(false))) {
      try (Resp r = server.connect()) {
        r.call("SET", "k", "v");
      }
      server.kill();
      server.restart();
      try (Resp r = server.connect()) {
        assertNull(r.call("GET", "k"));
      }
    }
  }

  @Test
  void aKilledServerRefusesConnections() {
    RedisServer server = RedisServer.start();
    int port = server.port();
    server.close();
    assertThrows(IOException.class, () -> Resp.connect(port, 500));
  }

  @Test
  void aPausedServerAnswersNothingUntilResumed() throws IOException {
    try (RedisServer server = RedisServer.start();
        Resp r = server.connect()) {
      server.pause();
      try (Resp probe = Resp.connect(server.port(), 500)) {
        probe.setReadTimeout(300);
        assertThrows(SocketTimeoutException.class, () -> probe.call("PING"));
      }
      server.resume();
      assertEquals("PONG", r.callString("PING"));
    }
  }

  @Test
  void passwordAndAclUsersAreEnforced() throws IOException {
    RedisServerOptions options =
        RedisServerOptions.defaults()
            .withPassword("s3cret")
            .withAclUser("app", "apppass", "~ns:* +@all");
    try (RedisServer server = RedisServer.start(options)) {
      try (Resp anonymous = Resp.connect(server.port(), 1_000)) {
        Resp.RespError e = assertThrows(Resp.RespError.class, () -> anonymous.call("GET", "x"));
        assertTrue(e.getMessage().startsWith("NOAUTH"), e.getMessage());
      }
      try (Resp app = Resp.connect(server.port(), 1_000)) {
        assertEquals("OK", app.callString("AUTH", "app", "apppass"));
        assertEquals("OK", app.callString("SET", "ns:a", "1"));
        Resp.RespError e = assertThrows(Resp.RespError.class, () -> app.call("SET", "other", "1"));
        assertTrue(e.getMessage().startsWith("NOPERM"), e.getMessage());
      }
      try (Resp admin = server.connect()) {
        assertEquals("1", admin.callString("GET", "ns:a"));
      }
    }
  }

  @Test
  void tlsOnlyServerTrustsItsCaAndRefusesAnother() throws IOException {
    try (RedisServer server = RedisServer.start(RedisServerOptions.defaults().withTls())) {
      assertTrue(server.uri().startsWith("rediss://"));
      try (Resp r = Resp.connectTls(server.port(), server.tls().caCert())) {
        assertEquals("PONG", r.callString("PING"));
      }
      TlsMaterial other = TlsMaterial.generate(server.dataDir().resolve("other"), "other");
      assertThrows(SSLException.class, () -> Resp.connectTls(server.port(), other.caCert()));
      // Plain text on the TLS port gets no PONG.
      try (Resp plain = Resp.connect(server.port(), 1_000)) {
        plain.setReadTimeout(1_000);
        assertThrows(IOException.class, () -> plain.call("PING"));
      }
    }
  }

  @Test
  void theEmbeddedFallbackBinaryRuns() throws IOException {
    RedisServerOptions options = RedisServerOptions.defaults().withBinary(RedisBinary.embedded());
    try (RedisServer server = RedisServer.start(options);
        Resp r = server.connect()) {
      assertEquals(RedisBinary.Source.EMBEDDED, server.binary().source());
      assertEquals("PONG", r.callString("PING"));
      assertEquals(new RedisVersion(7, 0, 15), server.version());
      assertTrue(r.callString("INFO", "server").contains("redis_version:7.0.15"));
      // The 7.0 features the Redis tests rely on: sharded pub/sub and an ACL rule naming it.
      assertEquals(0L, r.call("SPUBLISH", "ch", "x"));
      assertEquals("OK", r.callString("ACL", "SETUSER", "u", "on", ">p", "&ch", "+ssubscribe"));
    }
  }

  @Test
  void theEmbeddedFallbackBinaryServesTls() throws IOException {
    RedisServerOptions options =
        RedisServerOptions.defaults().withBinary(RedisBinary.embedded()).withTls();
    try (RedisServer server = RedisServer.start(options);
        Resp r = Resp.connectTls(server.port(), server.tls().caCert())) {
      assertEquals("PONG", r.callString("PING"));
    }
  }

  @Test
  void theVersionIsTheOneTheServerReports() throws IOException {
    try (RedisServer server = RedisServer.start();
        Resp r = server.connect()) {
      assertTrue(
          r.callString("INFO", "server").contains("redis_version:" + server.version() + "\r\n"),
          server.version().toString());
    }
  }

  @Test
  void closeStopsTheProcess() {
    long before = RedisProcesses.liveCount();
    RedisServer server = RedisServer.start();
    long pid = server.pid();
    assertEquals(before + 1, RedisProcesses.liveCount());
    server.close();
    assertEquals(before, RedisProcesses.liveCount());
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
  }
}
