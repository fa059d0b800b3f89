package dev.corvus.dns.plugin.on;

import java.util.List;

/**
 * One {@code on} line.
 *
 * @param event {@code startup}, {@code shutdown} or {@code certrenew}
 * @param command the program and its arguments, one Corefile word each
 * @param background whether the line ended in {@code &}: later commands of the block do not wait for it
 */
record OnCommand(String event, List<String> command, boolean background) {}
