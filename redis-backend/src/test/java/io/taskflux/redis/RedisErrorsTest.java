package io.taskflux.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisLoadingException;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisReadOnlyException;
import io.taskflux.BackendRejectedException;
import io.taskflux.BackendRejectedException.Reason;
import io.taskflux.BackendUnavailableException;
import io.taskflux.CapacityExceededException;
import io.taskflux.internal.BackendErrors;
import java.io.IOException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The classifier over real reply strings and the exception shapes Lettuce and the JDK produce. */
class RedisErrorsTest {

  private static final String AT = "127.0.0.1:6379";

  private static Throwable translate(Throwable e) {
    return RedisErrors.translate(e, AT);
  }

  private static BackendRejectedException rejected(Throwable e, Reason reason) {
    Throwable t = translate(e);
    BackendRejectedException r = assertInstanceOf(BackendRejectedException.class, t, t::toString);
    assertEquals(reason, r.reason(), r.getMessage());
    assertFalse(BackendErrors.isTransient(r), "a permanent error is not retried");
    assertTrue(BackendErrors.isRejection(r));
    assertTrue(r.getMessage().startsWith("Redis at " + AT + " "), r.getMessage());
    assertFalse(r.getMessage().contains("unavailable"), r.getMessage());
    assertSame(e, r.getCause());
    return r;
  }

  private static BackendUnavailableException unavailable(Throwable e) {
    Throwable t = translate(e);
    BackendUnavailableException u =
        assertInstanceOf(BackendUnavailableException.class, t, t::toString);
    assertTrue(BackendErrors.isTransient(u), "an outage is retried");
    assertTrue(BackendErrors.isTransient(new CompletionException(u)), "seen through wrappers");
    assertFalse(BackendErrors.isRejection(u));
    return u;
  }

  private static RedisCommandExecutionException reply(String text) {
    return new RedisCommandExecutionException(text);
  }

  /** Lettuce's shape of a refused handshake: the server's reply under "Unable to connect". */
  private static RedisConnectionException connect(Throwable cause) {
    return new RedisConnectionException("Unable to connect to " + AT, cause);
  }

  @Test
  void nopermIsAuthorizationAndNamesTheReply() {
    String text = "NOPERM this user has no permissions to access one of the keys used as arguments";
    BackendRejectedException r = rejected(reply(text), Reason.AUTHORIZATION);
    assertTrue(r.getMessage().contains(text), r.getMessage());
    rejected(
        reply(
            "NOPERM this user has no permissions to access one of the channels used as arguments"),
        Reason.AUTHORIZATION);
    rejected(
        reply("NOPERM this user has no permissions to run the 'info' command"),
        Reason.AUTHORIZATION);
    rejected(
        reply("DENIED Redis is running in protected mode because protected mode is enabled"),
        Reason.AUTHORIZATION);
  }

  @Test
  void refusedCredentialsAreAuthenticationEvenUnderUnableToConnect() {
    BackendRejectedException r =
        rejected(
            connect(reply("WRONGPASS invalid username-password pair or user is disabled.")),
            Reason.AUTHENTICATION);
    assertTrue(r.getMessage().contains("WRONGPASS"), r.getMessage());
    rejected(reply("NOAUTH Authentication required."), Reason.AUTHENTICATION);
    rejected(
        connect(
            reply(
                "NOAUTH HELLO must be called with the client already authenticated, otherwise the"
                    + " HELLO <proto> AUTH <user> <pass> option can be used")),
        Reason.AUTHENTICATION);
    rejected(
        reply(
            "ERR AUTH <password> called without any password configured for the default user."
                + " Are you sure your configuration is correct?"),
        Reason.AUTHENTICATION);
    rejected(reply("ERR invalid password"), Reason.AUTHENTICATION);
  }

  @Test
  void anUntrustedOrMismatchedCertificateIsTls() {
    SSLHandshakeException pkix =
        new SSLHandshakeException(
            "PKIX path building failed: unable to find valid certification path to requested"
                + " target");
    pkix.initCause(new CertPathValidatorException("unable to find valid certification path"));
    BackendRejectedException r = rejected(connect(pkix), Reason.TLS);
    assertTrue(r.getMessage().contains("PKIX"), r.getMessage());

    rejected(
        connect(
            new SSLHandshakeException("No subject alternative names matching IP address found")
                .initCause(new CertificateException("No subject alternative names"))),
        Reason.TLS);
    rejected(
        connect(new SSLHandshakeException("Received fatal alert: certificate_required")),
        Reason.TLS);
    rejected(connect(new SSLException("Unsupported or unrecognized SSL message")), Reason.TLS);
  }

  @Test
  void aHandshakeCutShortByTheNetworkIsAnOutage() {
    unavailable(connect(new SSLHandshakeException("Remote host terminated the handshake")));
    unavailable(connect(new SSLException("Connection reset")));
  }

  @Test
  void wrongTypeIsData() {
    rejected(
        reply("WRONGTYPE Operation against a key holding the wrong kind of value"), Reason.DATA);
    // Redis 7 keeps a script call's error code; 6.2 wraps it in "Error running script".
    rejected(
        reply(
            "WRONGTYPE Operation against a key holding the wrong kind of value script:"
                + " 4c2a..., on @user_script:12."),
        Reason.DATA);
    rejected(
        reply(
            "ERR Error running script (call to f_4c2a...): @user_script:12: WRONGTYPE Operation"
                + " against a key holding the wrong kind of value"),
        Reason.DATA);
    rejected(
        reply(
            "ERR Error running script (call to f_4c2a...): @user_script:3: -NOPERM this user has"
                + " no permissions to access one of the keys used as arguments"),
        Reason.AUTHORIZATION);
  }

  @Test
  void anUnknownCommandOrAScriptThatWillNotStayLoadedIsUnsupported() {
    rejected(
        reply("ERR unknown command 'ssubscribe', with args beginning with: '{ns:q}:r' "),
        Reason.UNSUPPORTED);
    rejected(reply("ERR unknown subcommand 'id'. Try CLIENT HELP."), Reason.UNSUPPORTED);
    // Scripts answers NOSCRIPT by sending the source: one that still gets here is permanent.
    rejected(
        new RedisNoScriptException("NOSCRIPT No matching script. Please use EVAL."),
        Reason.UNSUPPORTED);
  }

  @Test
  void outagesStayTransient() {
    unavailable(new RedisLoadingException("LOADING Redis is loading the dataset in memory"));
    unavailable(
        new RedisBusyException("BUSY Redis is busy running a script. You can only call ..."));
    unavailable(reply("TRYAGAIN Multiple keys request during rehashing of slot"));
    unavailable(reply("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is no"));
    unavailable(reply("CLUSTERDOWN The cluster is down"));
    unavailable(
        new RedisReadOnlyException("READONLY You can't write against a read only replica."));
    unavailable(reply("OOM command not allowed when used memory > 'maxmemory'."));
    unavailable(reply("ERR max number of clients reached"));
    unavailable(new RedisCommandTimeoutException("Command timed out after 10 second(s)"));
    unavailable(connect(new ConnectException("Connection refused: /127.0.0.1:6379")));
    unavailable(new RedisException("Connection closed"));
    unavailable(new RedisException("Currently not connected. Commands are rejected."));
    unavailable(new ClosedChannelException());
    unavailable(new IOException("Connection reset by peer"));
    unavailable(new TimeoutException());
    unavailable(new CompletionException(reply("LOADING Redis is loading the dataset in memory")));
  }

  @Test
  void aClusterRefreshReportsEachSeedAsSuppressed() {
    RedisException refresh = new RedisException("Cannot retrieve cluster partitions from [...]");
    refresh.addSuppressed(new RedisConnectionException("Unable to connect to 127.0.0.1:7001"));
    refresh.addSuppressed(
        connect(reply("WRONGPASS invalid username-password pair or user is disabled.")));
    rejected(refresh, Reason.AUTHENTICATION);
  }

  @Test
  void scriptCodesAndTaskfluxErrorsKeepTheirMapping() {
    Throwable full = translate(reply("TFX_CAPACITY queue q holds 10 of 10"));
    assertInstanceOf(CapacityExceededException.class, full);
    assertFalse(BackendErrors.isTransient(full));
    BackendRejectedException already = new BackendRejectedException(Reason.TLS, "x");
    assertSame(already, translate(already));
    IllegalStateException bug = new IllegalStateException("a bug");
    assertSame(bug, translate(bug), "not a backend error: passed on, not retried");
    assertFalse(BackendErrors.isTransient(bug));
  }

  @ParameterizedTest
  @ValueSource(strings = {"NOPERM", "WRONGPASS", "NOAUTH", "WRONGTYPE", "NOSCRIPT"})
  void everyPermanentCodeIsRejectedWhateverItsText(String code) {
    Throwable t = translate(reply(code + " something"));
    assertInstanceOf(BackendRejectedException.class, t, t::toString);
    assertTrue(t.getMessage().contains(code + " something"), t.getMessage());
  }
}
