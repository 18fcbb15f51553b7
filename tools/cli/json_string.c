/* json_string: JSON string literals. */
#include "json_string.h"

#include "utf8.h"

#include <stddef.h>
#include <stdint.h>

/* Length of the valid UTF-8 sequence of a character >= U+0080 at s (0 if the bytes are none). */
static size_t utf8_length(const unsigned char *s)
{
	uint32_t cp;

	return utf8_sequence(s, &cp);
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
