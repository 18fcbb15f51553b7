/* json_string: JSON string literals. */
#include "json_string.h"

#include <stddef.h>
#include <stdint.h>

/* Length of the valid UTF-8 sequence of a character >= U+0080 at s (0 if the bytes are none). */
static size_t utf8_length(const unsigned char *s)
{
	size_t n;
	uint32_t cp;

	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80) /* also stops at the NUL */
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff)
		return 0;
	return n;
}

void json_write_str(FILE *out, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;

	fputc('"', out);
	while (*s) {
		unsigned char c = *s;
		size_t n;
		if (c == '"' || c == '\\') {
			fprintf(out, "\\%c", c);
			s++;
		} else if (c < 0x20 || c == 0x7f) { /* RFC 8259 asks for < 0x20; DEL too, for terminals */
			fprintf(out, "\\u%04x", c);
			s++;
		} else if (c < 0x80) {
			fputc(c, out);
			s++;
		} else if ((n = utf8_length(s)) != 0) {
			fwrite(s, 1, n, out);
			s += n;
		} else {
			/*
			 * A byte that is not UTF-8 (a file name in Latin-1) would make the JSON text
			 * invalid (RFC 8259 8.1); U+DC80..U+DCFF keeps it exact, as Python's
			 * surrogateescape does: os.fsencode(json.loads(...)) gives the byte back.
			 */
			fprintf(out, "\\udc%02x", c);
			s++;
		}
	}
	fputc('"', out);
}
