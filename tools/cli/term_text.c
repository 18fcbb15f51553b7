/*
 * term_text: input-derived text (paths, trace lines, config and TLB names)
 * made safe to print on a terminal.
 *
 * A name may hold any byte but NUL.  Printed raw, ESC starts a control
 * sequence (ESC[2J clears the screen, OSC 52 writes the clipboard), CR and
 * newline forge lines, and bytes that are not UTF-8 (0x9b is the 8-bit CSI)
 * reach terminals that act on them.  So every byte below 0x20, DEL, the C1
 * controls U+0080..U+009F and every byte that is not part of a valid UTF-8
 * sequence is written as an escape a reader can type back: \t \n \r for the
 * three common ones, \xNN for the rest.  Valid UTF-8 passes unchanged, so
 * accented names still read as themselves.  Backslashes are not doubled:
 * these are messages for people, and a name with a literal "\n" in it is rare
 * enough to read the same.
 */

#include "term_text.h"

#include "utf8.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Length of the valid UTF-8 sequence at s that is not a control (0 if none). */
static size_t utf8_printable(const unsigned char *s)
{
	uint32_t cp;
	size_t n;

	if (s[0] >= 0x20 && s[0] < 0x7f)
		return 1;
	if ((n = utf8_sequence(s, &cp)) == 0 || cp <= 0x9f) /* not UTF-8, or a C1 control */
		return 0;
	return n;
}

/* Writes (when out is not NULL) s escaped; returns how many columns it takes (a character each). */
static size_t term_put(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t cols = 0;

	while (*s) {
		size_t n = utf8_printable(s);
		if (n) {
			if (out)
				fwrite(s, 1, n, out);
			s += n;
			cols++;
			continue;
		}
		const char *esc = *s == '\n' ? "\\n" : *s == '\r' ? "\\r" : *s == '\t' ? "\\t" : NULL;
		if (out && esc)
			fputs(esc, out);
		else if (out)
			fprintf(out, "\\x%02x", *s);
		cols += esc ? 2 : 4;
		s++;
	}
	return cols;
}

void term_write(FILE *out, const char *s)
{
	term_put(out, s);
}

size_t term_width(const char *s)
{
	return term_put(NULL, s);
}

void term_write_padded(FILE *out, const char *s, size_t width)
{
	for (size_t cols = term_put(out, s); cols < width; cols++)
		fputc(' ', out);
}

void term_vprintf(FILE *out, const char *fmt, va_list ap)
{
	char small[512], *text = small;
	va_list again;
	int n;

	va_copy(again, ap);
	n = vsnprintf(small, sizeof(small), fmt, ap);
	if (n >= (int)sizeof(small) && (text = malloc((size_t)n + 1)) != NULL)
		vsnprintf(text, (size_t)n + 1, fmt, again);
	else if (n >= (int)sizeof(small))
		text = small; /* out of memory: the message cut short, still escaped */
	va_end(again);
	if (n >= 0)
		term_put(out, text);
	if (text != small)
		free(text);
}

void term_printf(FILE *out, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	term_vprintf(out, fmt, ap);
	va_end(ap);
}
