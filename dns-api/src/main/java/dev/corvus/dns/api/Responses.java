package dev.corvus.dns.api;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Header;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;

/** Builders for the responses handlers return. */
public final class Responses {

  private Responses() {}

  /**
   * An empty NOERROR response to {@code request}: same ID, opcode, RD and CD flags, QR set, and
   * the question exactly as the client asked it. The server adds the OPT record.
   */
  public static Message reply(Request request) {
    Message query = request.message();
    // Message(int) rather than Message(): the latter draws a random ID from SecureRandom first.
    Message response = new Message(query.getHeader().getID());
    Header header = response.getHeader();
    header.setFlag(Flags.QR);
    header.setOpcode(query.getHeader().getOpcode());
    if (query.getHeader().getFlag(Flags.RD)) {
      header.setFlag(Flags.RD);
    }
    if (query.getHeader().getFlag(Flags.CD)) {
      header.setFlag(Flags.CD);
    }
    response.addRecord(query.getQuestion(), Section.QUESTION);
    return response;
  }

  /** An authoritative NOERROR response to {@code request} with the given answer records. */
  public static Message answer(Request request, Record... answers) {
    Message response = reply(request);
    response.getHeader().setFlag(Flags.AA);
    for (Record record : answers) {
      response.addRecord(record, Section.ANSWER);
    }
    return response;
  }

  /** A response to {@code request} with rcode {@code rcode} and no records but the question. */
  public static Message error(Request request, int rcode) {
    Message response = reply(request);
    response.getHeader().setRcode(rcode);
    return response;
  }

  /**
   * {@code response} with its wire form offered to the server (see {@link
   * QueryContext#offerWireForm}): sent as it is, with the query's ID and OPT record patched in, as
   * long as no handler changes the message on its way out; encoded as usual otherwise.
   *
   * @param request the query being answered
   * @param response the response the handler returns
   * @param wire exactly {@code response.toWire()} (any ID, no OPT record); not copied, so it
   *     must not be modified afterwards
   * @return {@code response}
   */
  public static Message preEncoded(Request request, Message response, byte[] wire) {
    request.context().offerWireForm(response, wire);
    return response;
  }

  /** A completed stage holding {@code response}: how a handler answers from memory. */
  public static CompletionStage<Message> completed(Message response) {
    return CompletableFuture.completedFuture(response);
  }

  /** A completed stage holding an error response with {@code rcode}, e.g. {@link Rcode#REFUSED}. */
  public static CompletionStage<Message> completedError(Request request, int rcode) {
    return CompletableFuture.completedFuture(error(request, rcode));
  }
}
