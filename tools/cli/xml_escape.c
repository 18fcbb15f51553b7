/* xml_escape: text made safe for HTML, SVG and Graphviz HTML-like labels. */
#include "draw.h"

/*
 * Control characters (C0 but tab, line feed and carriage return; DEL; C1, as
 * UTF-8 0xC2 0x80..0x9F) are neither allowed raw nor as character references
 * in XML 1.0, and are parse errors in HTML: a name from a config (`name:
 * "a\x01b"`) shows them as U+FFFD REPLACEMENT CHARACTER.
 */
void xml_write_escaped(FILE *out, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f ||
		    (c == 0xc2 && (unsigned char)s[1] >= 0x80 && (unsigned char)s[1] <= 0x9f)) {
			fputs("\xef\xbf\xbd", out);
			s += c == 0xc2;
			continue;
		}
		switch (c) {
		case '&': fputs("&amp;", out); break;
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '"': fputs("&quot;", out); break;
		default: fputc(c, out);
		}
	}
}
