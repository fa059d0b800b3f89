/**
 * Reading a directive's Corefile block ({@link dev.corvus.dns.api.config.ConfigReader}), errors
 * that name file and line ({@link dev.corvus.dns.api.config.ConfigException}), and the values
 * several plugins read the same way: TLS files, resolv.conf.
 */
package dev.corvus.dns.api.config;
