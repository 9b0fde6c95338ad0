/**
 * The {@code ocikit} command line. Every command is a thin call into the library, so whatever the
 * command line does, a Java user can do. Exit codes: 0 success, 1 the content is invalid, 2 a usage
 * error or unreadable input; errors are one line each, never a stack trace.
 */
@NullMarked
package dev.ocikit.cli;

import org.jspecify.annotations.NullMarked;
