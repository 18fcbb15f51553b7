/* json_string: a string as a JSON string literal (RFC 8259 section 7). */
#ifndef MMUSIM_TOOLS_JSON_STRING_H
#define MMUSIM_TOOLS_JSON_STRING_H

#include <stdio.h>

/*
 * Writes s quoted and escaped: '"' and '\' with a backslash, controls and DEL as \u00XX,
 * a byte that is not part of valid UTF-8 as the lone surrogate \uDCXX (Python's surrogateescape).
 */
void json_write_str(FILE *out, const char *s);

#endif
