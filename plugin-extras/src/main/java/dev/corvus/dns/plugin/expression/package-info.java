/**
 * The expression language of CoreDNS's {@code view} (and template's {@code expr}): the subset of
 * expr-lang that CoreDNS documents, over the functions of its {@code plugin/pkg/expression}.
 */
package dev.corvus.dns.plugin.expression;
