/*
 * trace_token: the small lexical pieces the line-oriented trace decoders
 * (din, pinatrace) share, inline because they sit in the per-line hot loop.
 */
#ifndef MMUSIM_SIM_TRACE_TOKEN_H
#define MMUSIM_SIM_TRACE_TOKEN_H

#include <stdbool.h>

#include "pt/mm_error.h"

#define TOKEN_SHOWN 40 /* how much of a bad token an error message quotes */

static inline bool token_is_blank(unsigned char c)
{
	return c == ' ' || c == '\t' || c == '\r';
}

/* 0..15, or -1 for a character that is not a hex digit. */
static inline int token_hex_digit(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'f')
		return (c | 0x20) - 'a' + 10;
	return -1;
}

/* Sets the message, quoting (at most TOKEN_SHOWN bytes of) [s, e) with fmt's %.*s; returns -1. */
static inline int token_error(struct mm_error *err, const char *fmt, const char *s, const char *e)
{
	int len = e - s > TOKEN_SHOWN ? TOKEN_SHOWN : (int)(e - s);
	mm_error_set(err, MM_EINVAL, fmt, len, s);
	return -1;
}

#endif
