package dev.corvus.dns.plugin.tsig;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Names;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Section;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.TSIGRecord;
import org.xbill.DNS.Type;

/**
 * Checks the TSIG of queries for its zones (RFC 8945 §5.2) and has their responses signed; refuses
 * unsigned queries of the types and opcodes that must be signed. As CoreDNS: a query that fails
 * the check is answered NOTAUTH with a TSIG record carrying BADKEY, BADSIG or BADTIME, and the
 * handlers after this one see the query without its TSIG record.
 */
final class TsigHandler implements Handler {

  private static final Logger log = LoggerFactory.getLogger(TsigHandler.class);

  /** The HMAC algorithms of RFC 8945 §6 (and the truncated forms dnsjava knows) by TSIG name. */
  private static final Map<Name, String> MACS = Map.of(
      TSIG.HMAC_MD5, "HmacMD5", TSIG.HMAC_SHA1, "HmacSHA1", TSIG.HMAC_SHA224, "HmacSHA224",
      TSIG.HMAC_SHA256, "HmacSHA256", TSIG.HMAC_SHA384, "HmacSHA384", TSIG.HMAC_SHA512, "HmacSHA512",
      TSIG.HMAC_SHA256_128, "HmacSHA256", TSIG.HMAC_SHA384_192, "HmacSHA384", TSIG.HMAC_SHA512_256, "HmacSHA512");

  private final TsigConfig config;
  private final Clock clock;

  TsigHandler(TsigConfig config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  @Override
  public CompletionStage<Message> handle(Chain chain) {
    Request request = chain.request();
    TSIGRecord tsig = request.message().getTSIG();
    int opcode = request.message().getHeader().getOpcode();
    if ((tsig == null && !config.required(request.qtype(), opcode))
        || Names.longestMatch(request.qname(), config.zones()) == null) {
      return chain.proceed(request);
    }
    if (tsig == null) {
      chain.note("unsigned " + Type.string(request.qtype()) + " query: a TSIG is required");
      log.debug("tsig: rejecting {} request without TSIG", Type.string(request.qtype()));
      return Responses.completedError(request, Rcode.REFUSED);
    }
    Message stripped = request.message().clone();
    stripped.removeRecord(tsig, Section.ADDITIONAL);
    Request unsigned = request.withMessage(stripped);

    Name keyName = tsig.getName().canonicalize();
    byte[] secret = config.secrets().get(keyName);
    TSIG key = secret == null ? null : key(tsig.getAlgorithm(), keyName, secret);
    int error;
    if (key == null) {
      // RFC 8945 §5.2.1: an unknown key or algorithm; the TSIG of the answer has no MAC
      error = Rcode.BADKEY;
      key = key(tsig.getAlgorithm(), tsig.getName(), new byte[] {0});
      if (key == null) {
        chain.note("TSIG algorithm " + tsig.getAlgorithm() + " is unknown");
        return Responses.completedError(unsigned, Rcode.NOTAUTH);
      }
    } else {
      Optional<byte[]> wire = request.context().signedQueryWire();
      error = wire.isEmpty() ? Rcode.BADSIG : key.verify(request.message(), wire.get(), null);
      if (error == Rcode.FORMERR) {
        error = Rcode.BADSIG;
      }
    }
    request.context().signResponses(new TsigSigner(key, error, tsig));
    if (error != Rcode.NOERROR) {
      chain.note("TSIG " + keyName + " failed: " + Rcode.TSIGstring(error));
      log.debug("tsig: TSIG validation failed for {}: {}", request, Rcode.TSIGstring(error));
      return Responses.completedError(unsigned, Rcode.NOTAUTH);
    }
    chain.note("TSIG " + keyName + " verified; the response is signed");
    return chain.proceed(unsigned);
  }

  /** The key for a request's algorithm, or {@code null} when the algorithm is not one TSIG knows. */
  private TSIG key(Name algorithm, Name name, byte[] secret) {
    String mac = MACS.get(algorithm);
    return mac == null ? null : new TSIG(algorithm, name, new SecretKeySpec(secret, mac), clock);
  }
}
