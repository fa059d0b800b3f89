package dev.corvus.dns.plugin.forward;

/** The HTTP method of DNS over HTTPS queries ({@code doh_method}); RFC 8484 §4.1 defines both. */
enum DohMethod {
  /** The query base64url-encoded in the {@code dns} parameter of the URI. */
  GET,
  /** The query as the request body; CoreDNS's default. */
  POST
}
