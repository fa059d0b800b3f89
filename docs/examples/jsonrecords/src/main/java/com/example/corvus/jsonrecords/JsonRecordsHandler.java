package com.example.corvus.jsonrecords;

import dev.corvus.dns.api.Chain;
import dev.corvus.dns.api.Handler;
import dev.corvus.dns.api.Request;
import dev.corvus.dns.api.Responses;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;

/**
 * Answers the names of the table authoritatively (NODATA when the name has no record of the
 * queried type) and passes every other name on.
 */
final class JsonRecordsHandler implements Handler {

  private final Supplier<RecordTable> table;

  JsonRecordsHandler(Supplier<RecordTable> table) {
    this.table = table;
  }

  @Override
  public CompletionStage<Message> handle(Chain chain) {
    Request request = chain.request();
    RecordTable records = table.get();
    if (!records.has(request.lowerName())) {
      return chain.proceed(request);
    }
    return Responses.completed(Responses.answer(request,
        records.lookup(request.lowerName(), request.qtype()).toArray(Record[]::new)));
  }
}
