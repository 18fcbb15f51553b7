/* utf8: one character of UTF-8 text, checked as RFC 3629 defines it. */
#ifndef MMUSIM_TOOLS_UTF8_H
#define MMUSIM_TOOLS_UTF8_H

#include <stddef.h>
#include <stdint.h>

/*
 * The length of the valid multi-byte UTF-8 sequence at s (a lead byte of 0xc2
 * or above), with its code point in *cp; 0 when the bytes are not one
 * (overlong forms, surrogates, beyond U+10FFFF, a sequence cut short by a NUL).
 */
size_t utf8_sequence(const unsigned char *s, uint32_t *cp);

#endif
