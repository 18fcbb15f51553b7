/*
 * term_text: text from inputs (paths, trace lines, config and TLB names) on a
 * terminal.  Control bytes, C1 controls and bytes that are not UTF-8 are
 * written as \t \n \r or \xNN, so that no input can move the cursor or clear
 * the screen.
 */
#ifndef MMUSIM_TOOLS_TERM_TEXT_H
#define MMUSIM_TOOLS_TERM_TEXT_H

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>

void term_write(FILE *out, const char *s);
/* The columns term_write takes for s. */
size_t term_width(const char *s);
/* term_write, padded with spaces to width columns. */
void term_write_padded(FILE *out, const char *s, size_t width);
/* Escapes the whole formatted text: every error message goes through it. */
void term_vprintf(FILE *out, const char *fmt, va_list ap);
void term_printf(FILE *out, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
