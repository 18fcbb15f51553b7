/* text_lines: see text_lines.h. */
#include "text_lines.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

bool text_line_next(const uint8_t *text, size_t len, size_t *pos, struct text_line *l)
{
	const uint8_t *nl;

	if (*pos >= len)
		return false;
	l->s = (const char *)text + *pos;
	nl = memchr(text + *pos, '\n', len - *pos);
	l->len = nl ? (size_t)(nl - (text + *pos)) : len - *pos;
	*pos += l->len + (nl != NULL);
	if (l->len && l->s[l->len - 1] == '\r')
		l->len--;
	l->no++;
	return true;
}

bool text_is_blank(char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

size_t text_line_skip_blanks(const struct text_line *l, size_t i)
{
	while (i < l->len && text_is_blank(l->s[i]))
		i++;
	return i;
}

bool text_line_starts_with(const struct text_line *l, size_t i, const char *word)
{
	size_t n = strlen(word);

	return i <= l->len && l->len - i >= n && memcmp(l->s + i, word, n) == 0;
}

int text_hex_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
}

int text_line_error(struct mm_error *err, const char *path, const struct text_line *l, const char *fmt, ...)
{
	char msg[200];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	return mm_error_set(err, MM_EINVAL, "%s:%u: %s", path, l->no, msg);
}
